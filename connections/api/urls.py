from connect_api.routers import OptionalSlashRouter
from connections.api.views import ConnectionRequestViewSet, ConnectionViewSet

router = OptionalSlashRouter()
router.register("connections/request", ConnectionRequestViewSet, basename="connection-request")
router.register("connections", ConnectionViewSet, basename="connection")

urlpatterns = router.urls
