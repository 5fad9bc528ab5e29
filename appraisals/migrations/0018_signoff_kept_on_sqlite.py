"""SQLite refuses to delete a statutory sign-off once a version is issued, as PostgreSQL
does (migration 0015): a sign-off may still go with a never-issued draft.

The trigger reads appraisals_reportversion, so SQLite cannot rebuild that table while it
exists: the rename that ends a rebuild fails with "error in trigger appraisals_signoff_kept:
no such table". A later migration that alters appraisals_reportversion on SQLite must drop
this trigger first (DROP below) and create it again after (CREATE below). The custom
`flush` command lifts it with the other `_kept` triggers. tests/test_immutable_records.py
proves the refusal on both databases.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER appraisals_signoff_kept
BEFORE DELETE ON appraisals_signoff
WHEN EXISTS (SELECT 1 FROM appraisals_reportversion WHERE appraisal_id = OLD.appraisal_id)
BEGIN
    SELECT RAISE(ABORT, 'A statutory sign-off cannot be changed');
END"""
DROP = "DROP TRIGGER IF EXISTS appraisals_signoff_kept"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0017_exempt_appendix_kept")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
