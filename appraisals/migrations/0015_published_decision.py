"""A published record of decision is kept as it was published (`PublishedDecision`), and the
database refuses to change it, or a statutory sign-off, by any code path.

- appraisals_publisheddecision: every UPDATE is refused, except the one Django makes when the
  person who published it is deleted (published_by set to NULL, nothing else changed), and
  every DELETE. Only the `flush` command empties the table (appraisals' own flush lifts the
  SQLite trigger for its transaction; PostgreSQL's TRUNCATE fires no row trigger).
- appraisals_signoff: every UPDATE is refused, except signed_by set to NULL the same way. On
  PostgreSQL a DELETE is refused too once a version of the appraisal's report has been issued
  (a never-issued draft may still be deleted with its sign-offs). SQLite does not refuse it:
  a SQLite trigger that reads another table breaks every later rebuild of that table
  ("error in trigger ...: no such table"), and appraisals_reportversion will be rebuilt.

On PostgreSQL the UPDATE check compares the whole row but the one column, so a column added
later is covered without a new trigger. SQLite lists the columns, and drops a table's triggers
when Django's schema editor rebuilds the table: a later migration that alters either table
must create these again (as 0007 does for 0006). tests/test_immutable_records.py proves each
refusal on both databases.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PUBLISHED_MESSAGE = "A published record of decision cannot be changed"
SIGNOFF_MESSAGE = "A statutory sign-off cannot be changed"


def _postgres(table: str, person: str, message: str, delete_when: str) -> tuple[list, list]:
    create = [
        f"""
CREATE FUNCTION {table}_refuse_update() RETURNS trigger AS $$
BEGIN
    IF NEW.{person} IS NULL AND (to_jsonb(NEW) - '{person}') = (to_jsonb(OLD) - '{person}') THEN
        RETURN NEW;  -- the person's account was deleted: on_delete=SET_NULL
    END IF;
    RAISE EXCEPTION '{message}';
END;
$$ LANGUAGE plpgsql""",
        f"""
CREATE TRIGGER {table}_immutable
    BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_update()""",
        f"""
CREATE FUNCTION {table}_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF {delete_when} THEN
        RAISE EXCEPTION '{message}';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql""",
        f"""
CREATE TRIGGER {table}_kept
    BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_refuse_delete()""",
    ]
    drop = [
        f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_kept ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_refuse_update()",
        f"DROP FUNCTION IF EXISTS {table}_refuse_delete()",
    ]
    return create, drop


def _sqlite(
    table: str, person: str, columns: list[str], message: str, *, kept: bool
) -> tuple[list, list]:
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    create = [
        f"""
CREATE TRIGGER {table}_immutable
BEFORE UPDATE ON {table}
WHEN NOT (NEW.{person} IS NULL AND {same})
BEGIN
    SELECT RAISE(ABORT, '{message}');
END"""
    ]
    if kept:
        create.append(
            f"""
CREATE TRIGGER {table}_kept
BEFORE DELETE ON {table}
BEGIN
    SELECT RAISE(ABORT, '{message}');
END"""
        )
    drop = [f"DROP TRIGGER IF EXISTS {table}_immutable", f"DROP TRIGGER IF EXISTS {table}_kept"]
    return create, drop


PUBLISHED_KEPT = "TRUE"
SIGNOFF_KEPT = (
    "EXISTS (SELECT 1 FROM appraisals_reportversion WHERE appraisal_id = OLD.appraisal_id)"
)
PUBLISHED_COLUMNS = [
    "id",
    "decision_id",
    "number",
    "published_at",
    "reason",
    "record",
    "pdf",
    "sha256",
]
SIGNOFF_COLUMNS = ["id", "appraisal_id", "section", "name", "role", "signed_at", "sha256", "text"]

STATEMENTS = {
    "postgresql": [
        _postgres(
            "appraisals_publisheddecision", "published_by_id", PUBLISHED_MESSAGE, PUBLISHED_KEPT
        ),
        _postgres("appraisals_signoff", "signed_by_id", SIGNOFF_MESSAGE, SIGNOFF_KEPT),
    ],
    "sqlite": [
        _sqlite(
            "appraisals_publisheddecision",
            "published_by_id",
            PUBLISHED_COLUMNS,
            PUBLISHED_MESSAGE,
            kept=True,
        ),
        _sqlite("appraisals_signoff", "signed_by_id", SIGNOFF_COLUMNS, SIGNOFF_MESSAGE, kept=False),
    ],
}


def create_triggers(apps, schema_editor):
    for create, _ in STATEMENTS.get(schema_editor.connection.vendor, []):
        for sql in create:
            schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for _, drop in STATEMENTS.get(schema_editor.connection.vendor, []):
        for sql in drop:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0014_exempt_parts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "reason",
                    models.TextField(
                        blank=True, help_text="Why it was corrected: empty for the first."
                    ),
                ),
                ("record", models.JSONField()),
                ("pdf", models.BinaryField()),
                ("sha256", models.CharField(max_length=64)),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="publications",
                        to="appraisals.decision",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["decision", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("decision", "number"), name="publisheddecision_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
