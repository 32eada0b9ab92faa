"""The tenant models move here from `connections`: state only, the tables keep their names
(and their rows). Content types and permissions of the four models follow them."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["person", "accountmanager", "organization", "organizationmembership"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="organizations", model=model).exists():
            ContentType.objects.using(db).filter(app_label="connections", model=model).update(
                app_label="organizations"
            )


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="connections", model=model).exists():
            ContentType.objects.using(db).filter(app_label="organizations", model=model).update(
                app_label="connections"
            )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("connections", "0002_rename_approved_by_decided_by"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Person",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("first_name", models.CharField(blank=True, max_length=100)),
                        ("last_name", models.CharField(blank=True, max_length=100)),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        ("phone", models.CharField(blank=True, max_length=20)),
                        ("job_title", models.CharField(blank=True, max_length=100)),
                    ],
                    options={
                        "db_table": "connections_person",
                        "verbose_name_plural": "people",
                        "ordering": ["last_name", "first_name", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="AccountManager",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="account_manager", to=settings.AUTH_USER_MODEL)),
                        ("person", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="account_manager", to="organizations.person")),
                    ],
                    options={"db_table": "connections_accountmanager", "ordering": ["id"]},
                ),
                migrations.CreateModel(
                    name="Organization",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("website", models.URLField(blank=True)),
                        ("org_type", models.CharField(choices=[("RETAILER", "Retailer"), ("SUPPLIER", "Supplier")], max_length=10)),
                        ("status", models.CharField(choices=[("ACTIVE", "Active"), ("INACTIVE", "Inactive")], default="ACTIVE", max_length=10)),
                        ("created_date", models.DateTimeField(default=django.utils.timezone.now)),
                        ("active_date", models.DateTimeField(blank=True, null=True)),
                        ("account_manager", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="organizations", to="organizations.accountmanager")),
                        ("contact", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="organizations", to="organizations.person")),
                    ],
                    options={
                        "db_table": "connections_organization",
                        "ordering": ["name", "id"],
                        "indexes": [models.Index(fields=["org_type", "status"], name="connections_org_typ_464237_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="OrganizationMembership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_date", models.DateTimeField(default=django.utils.timezone.now)),
                        ("organization", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="organizations.organization")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="organization_membership", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "connections_organizationmembership", "ordering": ["id"]},
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
