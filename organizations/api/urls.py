from django.urls import re_path

from organizations.api.views import SupplierDiscoveryView, UserLoginView

urlpatterns = [
    re_path(r"^organizations/user-login/?$", UserLoginView.as_view(), name="user-login"),
    re_path(
        r"^discovery/suppliers/?$", SupplierDiscoveryView.as_view(), name="discovery-suppliers"
    ),
]
