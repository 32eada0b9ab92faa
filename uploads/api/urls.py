from connect_api.routers import OptionalSlashRouter
from uploads.api.views import UploadViewSet

router = OptionalSlashRouter()
router.register("files", UploadViewSet, basename="upload")

urlpatterns = router.urls
