"""The platform's permission catalog, as its docs (Permissions section) list it. The two
uuids the docs show are theirs; the others are fixed here so every database agrees."""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("0b8c2f4e-6a51-4c3f-9e0d-7d1a5b2c9f31")
DOCUMENTED_UUIDS = {
    "view_org_users": "68b1647d-b6a7-48b1-9ec2-bf2f1003b6cc",
    "edit_org_users": "293d9373-c318-4724-881c-a4e5b0b3e952",
}
CATALOG = [
    # name, display name, description, visibility, grouping
    ("view_org_users", "View Users", "Ability to see the users in an organization", "BOTH", "ORGUSERS"),
    ("edit_org_users", "Edit Users", "Ability to edit/change/delete users in an organization", "BOTH", "ORGUSERS"),
    ("view_org_subscription_plan", "View Subscription Plan", "Ability to see the organization's subscription plan", "BOTH", "SUBSCRIPTION"),
    ("edit_org_subscription_plan", "Edit Subscription Plan", "Ability to change the organization's subscription plan", "BOTH", "SUBSCRIPTION"),
    ("view_payment_info", "View Payment Info", "Ability to see the organization's payment information", "BOTH", "PAYMENT"),
    ("edit_payment_info", "Edit Payment Info", "Ability to change the organization's payment information", "BOTH", "PAYMENT"),
    ("view_billing_statement", "View Billing Statements", "Ability to see the organization's billing statements", "BOTH", "BILLING"),
    ("view_notifications_settings", "View Notification Settings", "Ability to see the notification settings", "BOTH", "NOTIFICATIONS"),
    ("edit_email_notifications_preferences", "Edit Email Notification Preferences", "Ability to change which notifications are emailed", "BOTH", "NOTIFICATIONS"),
    ("cancel_order", "Cancel Orders", "Ability to cancel orders", "BOTH", "ORDERS"),
    ("view_order", "View Orders", "Ability to see orders", "BOTH", "ORDERS"),
    ("export_order", "Export Orders", "Ability to export orders", "BOTH", "ORDERS"),
    ("view_items", "View Items", "Ability to see items", "BOTH", "ITEMS"),
    ("create_order", "Create Orders", "Ability to place orders", "RETAILER", "ORDERS"),
    ("view_inventory_lists", "View Inventory Lists", "Ability to see inventory lists", "RETAILER", "INVENTORY"),
    ("edit_inventory_lists", "Edit Inventory Lists", "Ability to change inventory lists", "RETAILER", "INVENTORY"),
    ("edit_items", "Edit Items", "Ability to change items", "SUPPLIER", "ITEMS"),
    ("add_order_tracking", "Add Order Tracking", "Ability to add tracking numbers to orders", "SUPPLIER", "ORDERS"),
    ("allocate_order", "Allocate Orders", "Ability to allocate orders", "SUPPLIER", "ORDERS"),
    ("view_supplier_catalogs", "View Supplier Catalogs", "Ability to see the supplier's catalogs", "SUPPLIER", "CATALOGS"),
    ("edit_supplier_catalogs", "Edit Supplier Catalogs", "Ability to change the supplier's catalogs", "SUPPLIER", "CATALOGS"),
]


def catalog_create(apps, schema_editor):
    Permission = apps.get_model("organizations", "Permission")
    db = schema_editor.connection.alias
    for name, display_name, description, visibility, grouping in CATALOG:
        Permission.objects.using(db).get_or_create(
            name=name,
            defaults={
                "uuid": uuid.UUID(DOCUMENTED_UUIDS.get(name) or str(uuid.uuid5(NAMESPACE, name))),
                "display_name": display_name,
                "description": description,
                "visibility": visibility,
                "grouping": grouping,
            },
        )


def catalog_delete(apps, schema_editor):
    apps.get_model("organizations", "Permission").objects.using(schema_editor.connection.alias).filter(
        name__in=[row[0] for row in CATALOG]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_discovery_fields_permissions")]

    operations = [migrations.RunPython(catalog_create, catalog_delete)]
