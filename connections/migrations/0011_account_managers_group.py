"""The "Account managers" group: what an account manager needs in the admin, nothing more.

They read organizations, people and uploads; read, approve, reject (and ask for changes to)
connection requests with their integrations; read and deactivate connections. The permissions
are created here (post_migrate creates them only after every migration has run), so the group
is complete on a fresh database and on an existing one.
"""

from django.db import migrations

GROUP = "Account managers"

PERMISSIONS = {
    ("organizations", "organization"): ["view_organization"],
    ("organizations", "person"): ["view_person"],
    ("uploads", "upload"): ["view_upload"],
    ("connections", "connectionrequest"): [
        "view_connectionrequest",
        "approve_connectionrequest",
        "reject_connectionrequest",
        "request_changes_connectionrequest",
    ],
    ("connections", "integration"): ["view_integration"],
    ("connections", "connection"): ["view_connection", "deactivate_connection"],
}

NAMES = {
    "approve_connectionrequest": "Can approve connection request",
    "reject_connectionrequest": "Can reject connection request",
    "request_changes_connectionrequest": "Can ask for changes to connection request",
    "deactivate_connection": "Can deactivate connection",
}


def _name(codename: str, model: str) -> str:
    return NAMES.get(codename, f"Can view {model}")


def group_create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for (app_label, model), codenames in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": _name(codename, model)},
            )
            group.permissions.add(permission)


def group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0010_decision_permissions"),
        ("organizations", "0003_permission_catalog"),
        ("uploads", "0003_uploadgrant"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(group_create, group_delete)]
