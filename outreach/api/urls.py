"""Outreach mobile API routes: `/api_accessacs_mobile/v2/<site_number>/...`."""

urlpatterns = []

# change-request routes (issue 6) are added below
