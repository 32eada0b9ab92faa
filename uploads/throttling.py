from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class UploadRateThrottle(UserRateThrottle):
    """Uploads per user (DEFAULT_THROTTLE_RATES["uploads"]), counted in the shared DB cache,
    so one client cannot fill the disk."""

    scope = "uploads"

    def get_rate(self):
        # Read at request time (not import time) so the rate follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
