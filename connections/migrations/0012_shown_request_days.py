"""The shown requests counted per UTC day, for each organization (ShownRequestDay) and for
all of them (ShownRequestDayOfAll), kept by statement triggers on PostgreSQL and filled from
the rows already there.

Each trigger adds what one statement changed, grouped by (organization, day), then by (day,
part), each written in that order (so two statements lock the rows they share in the same
order). An UPDATE counts its rows out as they were and in as they are: a change of status to
or from WITHDRAWN, of `request_date` or of the requester moves them; any other change adds
nothing. SQLite keeps no counts: the list reads them on PostgreSQL only.
"""

from django.db import migrations, models

TABLE = "connections_shownrequestday"
OF_ALL = "connections_shownrequestdayofall"
PARTS = 8  # connections.models.SHOWN_REQUEST_PARTS when this was written
REQUESTS = "connections_connectionrequest"
DAY = "(request_date AT TIME ZONE 'UTC')::date"
SHOWN = "status <> 'WITHDRAWN'"

ADD = f"""
    INSERT INTO {TABLE} AS kept (requester_id, day, shown)
    SELECT requester_id, day, sum(change) FROM ({{changes}}) AS changes
    GROUP BY requester_id, day HAVING sum(change) <> 0 ORDER BY requester_id, day
    ON CONFLICT (requester_id, day) DO UPDATE SET shown = kept.shown + EXCLUDED.shown;
    INSERT INTO {OF_ALL} AS kept (day, part, shown)
    SELECT day, (requester_id % {PARTS})::smallint AS part, sum(change)
    FROM ({{changes}}) AS changes
    GROUP BY day, part HAVING sum(change) <> 0 ORDER BY day, part
    ON CONFLICT (day, part) DO UPDATE SET shown = kept.shown + EXCLUDED.shown;
"""
COUNTED_IN = f"SELECT requester_id, {DAY} AS day, 1 AS change FROM new_rows WHERE {SHOWN}"
COUNTED_OUT = f"SELECT requester_id, {DAY} AS day, -1 AS change FROM old_rows WHERE {SHOWN}"

TRIGGERS = {
    # name: (event, transition tables, what it adds)
    "inserted": ("INSERT", "NEW TABLE AS new_rows", ADD.format(changes=COUNTED_IN)),
    "updated": (
        "UPDATE",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ADD.format(changes=f"{COUNTED_IN} UNION ALL {COUNTED_OUT}"),
    ),
    "deleted": ("DELETE", "OLD TABLE AS old_rows", ADD.format(changes=COUNTED_OUT)),
}


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statements = [f"LOCK TABLE {REQUESTS} IN SHARE MODE"]  # no write between fill and triggers
    for name, (event, tables, body) in TRIGGERS.items():
        statements += [
            f"CREATE FUNCTION connreq_shown_days_{name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body} RETURN NULL; END $$",
            f"CREATE TRIGGER connreq_shown_days_{name} AFTER {event} ON {REQUESTS} "
            f"REFERENCING {tables} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION connreq_shown_days_{name}()",
        ]
    statements += [
        f"CREATE FUNCTION connreq_shown_days_truncated() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN DELETE FROM {TABLE}; DELETE FROM {OF_ALL}; RETURN NULL; END $$",
        f"CREATE TRIGGER connreq_shown_days_truncated AFTER TRUNCATE ON {REQUESTS} "
        "FOR EACH STATEMENT EXECUTE FUNCTION connreq_shown_days_truncated()",
        f"INSERT INTO {TABLE} (requester_id, day, shown) "
        f"SELECT requester_id, {DAY}, count(*) FROM {REQUESTS} WHERE {SHOWN} "
        "GROUP BY 1, 2",
        f"INSERT INTO {OF_ALL} (day, part, shown) "
        f"SELECT day, (requester_id % {PARTS})::smallint, sum(shown) FROM {TABLE} "
        "GROUP BY 1, 2",
    ]
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in (*TRIGGERS, "truncated"):
            cursor.execute(f"DROP TRIGGER IF EXISTS connreq_shown_days_{name} ON {REQUESTS}")
            cursor.execute(f"DROP FUNCTION IF EXISTS connreq_shown_days_{name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0011_account_managers_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="ShownRequestDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("requester_id", models.BigIntegerField()),
                ("day", models.DateField()),
                ("shown", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("requester_id", "day"), name="shown_request_day_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ShownRequestDayOfAll",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("part", models.SmallIntegerField()),
                ("day", models.DateField()),
                ("shown", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "part"), name="shown_request_day_of_all_key"
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
