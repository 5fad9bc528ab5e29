"""Issued report versions cannot be altered by any code path: the database refuses it.

A trigger refuses every UPDATE of a row of appraisals_reportversion, except the one Django
itself makes when the person who issued it is deleted (issued_by set to NULL, nothing else
changed). Rows may still be deleted: only with their appraisal, which PROTECT forbids while
versions exist, and by the test runner's flush.

SQLite drops a table's triggers when Django's schema editor rebuilds the table (most ALTERs on
SQLite): a later migration that alters this table must create the trigger again.
tests/test_issued_frozen.py proves the refusal on both databases.
"""

from django.db import migrations

MESSAGE = "An issued report version cannot be changed"

POSTGRES_CREATE = [
    f"""
CREATE FUNCTION appraisals_reportversion_refuse_update() RETURNS trigger AS $$
BEGIN
    IF NEW.issued_by_id IS NULL
       AND (NEW.id, NEW.appraisal_id, NEW.number, NEW.issued_at, NEW.snapshot::text, NEW.pdf,
            NEW.sha256, NEW.html)
       IS NOT DISTINCT FROM
           (OLD.id, OLD.appraisal_id, OLD.number, OLD.issued_at, OLD.snapshot::text, OLD.pdf,
            OLD.sha256, OLD.html) THEN
        RETURN NEW;  -- the issuer's account was deleted: on_delete=SET_NULL
    END IF;
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql""",
    """
CREATE TRIGGER appraisals_reportversion_immutable
    BEFORE UPDATE ON appraisals_reportversion
    FOR EACH ROW EXECUTE FUNCTION appraisals_reportversion_refuse_update()
""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS appraisals_reportversion_immutable ON appraisals_reportversion",
    "DROP FUNCTION IF EXISTS appraisals_reportversion_refuse_update()",
]
SQLITE_CREATE = [
    f"""
CREATE TRIGGER appraisals_reportversion_immutable
BEFORE UPDATE ON appraisals_reportversion
WHEN NOT (
    NEW.issued_by_id IS NULL
    AND NEW.id IS OLD.id AND NEW.appraisal_id IS OLD.appraisal_id
    AND NEW.number IS OLD.number AND NEW.issued_at IS OLD.issued_at
    AND NEW.snapshot IS OLD.snapshot AND NEW.pdf IS OLD.pdf
    AND NEW.sha256 IS OLD.sha256 AND NEW.html IS OLD.html
)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS appraisals_reportversion_immutable"]


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}.get(vendor, []):
        schema_editor.execute(sql, params=None)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0005_report_contact_and_legal_basis")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
