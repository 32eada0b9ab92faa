"""What discovery shows of an organization; the permission catalog and who holds which;
a uuid for each membership (the platform's "organization user", its login's user_uuid)."""

import uuid

import django.core.validators
from django.db import migrations, models


def membership_uuids(apps, schema_editor):
    OrganizationMembership = apps.get_model("organizations", "OrganizationMembership")
    db = schema_editor.connection.alias
    for membership in OrganizationMembership.objects.using(db).filter(uuid__isnull=True):
        membership.uuid = uuid.uuid4()
        membership.save(update_fields=["uuid"])


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Permission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("name", models.SlugField(max_length=100, unique=True)),
                ("display_name", models.CharField(max_length=100)),
                ("description", models.CharField(blank=True, max_length=300)),
                ("visibility", models.CharField(choices=[("RETAILER", "Retailer"), ("SUPPLIER", "Supplier"), ("BOTH", "Both")], max_length=10)),
                ("grouping", models.CharField(max_length=50)),
            ],
            options={"ordering": ["grouping", "name"]},
        ),
        migrations.AddField(
            model_name="organization",
            name="description",
            field=models.TextField(blank=True, help_text="What the organization offers, in its own words.", null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="discoverable_since",
            field=models.DateTimeField(blank=True, help_text="When it made its products available in the discovery catalog (discovery's `recent` filter).", null=True),
        ),
        migrations.AddField(
            model_name="organization",
            name="fulfillment_percentage",
            field=models.DecimalField(decimal_places=2, default=0, help_text="Share of the SKUs ordered from it that it delivered (0-100).", max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)]),
        ),
        migrations.AddField(
            model_name="organization",
            name="number_of_skus",
            field=models.PositiveIntegerField(default=0, help_text="SKUs it made visible in the discovery catalog."),
        ),
        migrations.AddField(
            model_name="organizationmembership",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(membership_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organizationmembership",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="organizationmembership",
            name="permissions",
            field=models.ManyToManyField(blank=True, related_name="memberships", to="organizations.permission"),
        ),
    ]
