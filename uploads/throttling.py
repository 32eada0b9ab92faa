from rest_framework.settings import api_settings

from connect_api.throttling import FixedWindowUserRateThrottle


class UploadRateThrottle(FixedWindowUserRateThrottle):
    """Uploads per user (DEFAULT_THROTTLE_RATES["uploads"]), counted in the shared throttle
    counters (connect_api/throttling.py), so one client cannot fill the disk."""

    scope = "uploads"

    def get_rate(self):
        # Read at request time (not import time) so the rate follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
