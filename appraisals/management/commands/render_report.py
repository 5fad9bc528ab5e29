"""Render an appraisal's committee report: `render_report REFERENCE -o FILE.pdf [--html FILE]`.

For agenda packs in batches and for checking a report outside the browser. Renders a draft
(marked DRAFT) of the appraisal as it stands; `--issued N` writes the stored bytes of an
issued version instead, unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appraisals import reports
from appraisals.models import Appraisal
from appraisals.results import evaluate


class Command(BaseCommand):
    help = "Render an appraisal's committee report to PDF (and optionally its HTML)."
    # The system checks import every URL, view and admin module and check them (0.3-0.5 s
    # of CPU a run), none of which rendering a report uses: `manage.py check`, the test
    # suite and every server start still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "reference", help="The appraisal's reference, e.g. hdc-future-options-2011"
        )
        parser.add_argument("-o", "--output", required=True, help="Where to write the PDF")
        parser.add_argument("--html", help="Also write the report's HTML, stylesheet inside")
        parser.add_argument(
            "--issued",
            type=int,
            metavar="N",
            help="Write issued version N exactly as stored instead",
        )

    def handle(
        self, *args, reference: str, output: str, html: str | None, issued: int | None, **options
    ):
        try:
            appraisal = Appraisal.objects.select_related("lead_authority").get(reference=reference)
        except Appraisal.DoesNotExist:
            raise CommandError(f"No appraisal has the reference {reference!r}") from None
        started = time.perf_counter()
        if issued is not None:
            stored = appraisal.report_versions.filter(number=issued).first()
            if stored is None:
                raise CommandError(f"{reference} has no issued version {issued}")
            if html:
                raise CommandError("--html is for drafts: an issued version is its PDF")
            pdf = bytes(stored.pdf)
        else:
            evaluation = evaluate(appraisal)
            page = reports.render_html(evaluation=evaluation, draft=True)
            if html:
                Path(html).write_text(
                    reports.render_html(evaluation=evaluation, draft=True, inline_css=True),
                    encoding="utf-8",
                )
            pdf = reports.write_pdf(page)
        Path(output).write_bytes(pdf)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Wrote {output} ({len(pdf):,} bytes) in {elapsed:.2f} s")
