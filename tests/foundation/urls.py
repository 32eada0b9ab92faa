"""The real URLconf plus probe views, so the shared plumbing is tested on its own."""

from django.contrib.auth import get_user_model
from django.urls import re_path
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from connect_api.api.pagination import StartLimitPagination
from connect_api.authentication import OUTREACH_AUTHENTICATION, SUPPLIER_AUTHENTICATION
from connect_api.clientip import UserRateThrottle
from connect_api.urls import handler400, handler404, handler500  # noqa: F401
from connect_api.urls import urlpatterns as real_urlpatterns


class WhoAmI(APIView):
    authentication_classes = SUPPLIER_AUTHENTICATION

    def get(self, request):
        return Response({"username": request.user.username})

    def post(self, request):
        return Response({"received": request.data})


class OutreachWhoAmI(WhoAmI):
    authentication_classes = OUTREACH_AUTHENTICATION


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField()


class UserList(generics.ListAPIView):
    serializer_class = UsernameSerializer
    pagination_class = StartLimitPagination.keyed("users")

    def get_queryset(self):
        return get_user_model().objects.order_by("username")


class TwoPerMinuteThrottle(UserRateThrottle):  # the app's own (connect_api.clientip)
    rate = "2/min"


class Throttled(WhoAmI):
    throttle_classes = [TwoPerMinuteThrottle]


class Broken(WhoAmI):
    def get(self, request):
        raise RuntimeError("boom")


urlpatterns = [
    re_path(r"^probe/whoami/?$", WhoAmI.as_view()),
    re_path(r"^probe/outreach-whoami/?$", OutreachWhoAmI.as_view()),
    re_path(r"^probe/users/?$", UserList.as_view()),
    re_path(r"^probe/throttled/?$", Throttled.as_view()),
    re_path(r"^probe/broken/?$", Broken.as_view()),
    *real_urlpatterns,
]
