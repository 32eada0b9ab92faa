"""The founding documents' literal request bodies (../shared/seeds/), shared by the tests.

Existing clients send exactly these; the tests post them as written.
"""

import json

SUPPLIER_SEED_PATCH_BODY = """{
  "integrations": [
    {
      "rules": "if you can't say anything nice, don't say anything at all",
      "file_specs": "items specs",
      "record_uuid": "3a438d7e-1234-46e1-96d2-efd9dac561d9",
      "update_frequency": "* 20 12 3 8,9 *",
      "integration_type": "items"
    }
  ],
  "retailer_account_number": "ABC123",
  "additional_information": "What's up doc",
  "primary_contact_name": "owner user",
  "primary_contact_phone": "801-555-1212",
  "organization_name": "Thomas-Perkins",
  "primary_contact_email": "roger@rabbit.com"
}"""
"""Seed 000's PATCH body, byte for byte as its curl sends it."""

SUPPLIER_CREATE_BODY = {
    "organization_name": "Thomas Perkins Co",
    "primary_contact_name": "Roger Rabbit",
    "primary_contact_phone": "555-0100",
    "primary_contact_email": "roger@example.com",
    "organization_account_number": "TP-0042",
    "additional_information": "Weekly item feed, daily orders.",
    "integrations": [
        {"type": "items", "update_frequency": "0 2 * * *", "file_specs": "CSV"},
        {"type": "orders", "update_frequency": "0 * * * *", "file_specs": "X12 850"},
    ],
}
"""The create body as the platform's public docs send it (`POST .../connections/request/`)."""

SUPPLIER_CONTACT_PATCH_BODY = {
    "primary_contact_phone": "555-0199",
    "additional_information": "New hours.",
}
"""A PATCH as the seeds send it: contact details changed, nothing else."""

OUTREACH_SEED_BODY_TEXT = """{
  "ConnectionId": -1,
  "Complete": false,
  "ConnectionDate": "06/05/2015",
  "ConnectionTypeId": 1,
  "FamilyConnection": false,
  "ContactIndvId": 76,
  "OpenCategoryId": 1,
  "Reassign": false,
  "NewCallerIndvId": -1,
  "NewTeamId": 1,
  "Comment": "Test",
  "ResponseIdList": [-1]
}"""
"""Seed 004's example body, character for character."""

OUTREACH_SEED_BODY = json.loads(OUTREACH_SEED_BODY_TEXT)
