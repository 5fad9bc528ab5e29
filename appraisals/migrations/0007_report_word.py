"""The committee report as Word: a .docx kept beside each rendered draft's PDF and each issued
version's.

The version's column is nullable so that SQLite adds it without rebuilding the table (which
would drop 0006's trigger); the trigger is then made again with the new column among those an
UPDATE may not change, so an issued version's Word file is as frozen as its PDF.
"""

import importlib

from django.db import migrations, models

frozen = importlib.import_module("appraisals.migrations.0006_reportversion_immutable")


def _with_docx(statements: list[str]) -> list[str]:
    return [
        sql.replace("NEW.sha256, NEW.html)", "NEW.sha256, NEW.html, NEW.docx)")
        .replace("OLD.sha256, OLD.html)", "OLD.sha256, OLD.html, OLD.docx)")
        .replace("AND NEW.html IS OLD.html", "AND NEW.html IS OLD.html AND NEW.docx IS OLD.docx")
        for sql in statements
    ]


def _run(schema_editor, by_vendor) -> None:
    for sql in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def freeze_docx_too(apps, schema_editor):
    _run(schema_editor, {"postgresql": frozen.POSTGRES_DROP, "sqlite": frozen.SQLITE_DROP})
    _run(
        schema_editor,
        {
            "postgresql": _with_docx(frozen.POSTGRES_CREATE),
            "sqlite": _with_docx(frozen.SQLITE_CREATE),
        },
    )


def freeze_without_docx(apps, schema_editor):
    frozen.drop_trigger(apps, schema_editor)
    frozen.create_trigger(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0006_reportversion_immutable"),
    ]

    operations = [
        migrations.AddField(
            model_name="draftreport",
            name="docx",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reportversion",
            name="docx",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.RunPython(freeze_docx_too, freeze_without_docx),
    ]
