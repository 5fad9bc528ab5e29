"""Import appraisals from interchange documents (JSON, or XLSX workbooks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisals import limits
from appraisals.interchange import (
    AppraisalExists,
    InvalidDocument,
    import_document,
    read_file,
)
from appraisals.interchange.reading import check_size


class Command(BaseCommand):
    help = (
        "Import appraisals from interchange documents (format councilopts.appraisal/1). "
        "Each FILE holds one document or a JSON list of them (an .xlsx file holds one). "
        "A bad document is refused whole, with every problem listed; the others still import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite an appraisal whose reference exists (its issued reports stay).",
        )

    def handle(self, *args: Any, files: list[str], replace: bool, **options: Any) -> None:
        imported = failed = 0
        for name in files:
            try:
                documents = _read(Path(name))
            except OSError as error:
                self.stderr.write(f"{name}: {error.strerror or error}")
                failed += 1
                continue
            except InvalidDocument as error:
                for problem in error.problems:
                    self.stderr.write(f"{name}: {problem}")
                self.stderr.write(f"{name}: refused; nothing was written")
                failed += 1
                continue
            for label, document in documents:
                where = f"{name}{label}"
                try:
                    report = import_document(document=document, replace=replace, issued=True)
                except AppraisalExists as error:
                    for problem in error.problems:
                        self.stderr.write(f"{where}: {problem} (use --replace to overwrite it)")
                    failed += 1
                    continue
                except InvalidDocument as error:
                    for problem in error.problems:
                        self.stderr.write(f"{where}: {problem}")
                    self.stderr.write(
                        f"{where}: refused with {len(error.problems)} problem(s); "
                        "nothing was written"
                    )
                    failed += 1
                    continue
                imported += 1
                verb = "Replaced" if report.replaced else "Imported"
                self.stdout.write(f"{verb} {report.appraisal.reference} from {where}")
                for authority in report.created_authorities:
                    self.stdout.write(f"  created authority: {authority}")
                for service in report.created_services:
                    self.stdout.write(f"  created service: {service}")
        if failed:
            raise CommandError(f"{failed} failed, {imported} imported")
        self.stdout.write(f"{imported} imported")


def _read(path: Path) -> list[tuple[str, Any]]:
    """(label, document) for each document in the file: label is "" or "[i]" in a list.

    Held to the web import's limits (appraisals/limits.py), except that a JSON file may be
    as large as a backup from `export_appraisal --all`, which holds every appraisal. The size
    is checked before the file is read."""
    most = limits.MAX_UPLOAD_BYTES if path.suffix.lower() == ".xlsx" else limits.MAX_BACKUP_BYTES
    check_size(path.stat().st_size, most)
    data = read_file(path.name, path.read_bytes(), max_bytes=most)
    if isinstance(data, list):
        return [(f"[{i}]", document) for i, document in enumerate(data)]
    return [("", data)]
