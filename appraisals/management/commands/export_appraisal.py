"""Export appraisals as interchange documents (JSON), optionally with their results."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisals.engine import DEFAULT_SAMPLES
from appraisals.interchange import export_document
from appraisals.models import Appraisal
from appraisals.results import results_document


class Command(BaseCommand):
    help = (
        "Write an appraisal as an interchange document (format councilopts.appraisal/1), "
        "or with --all every appraisal as a JSON list ordered by reference: a full backup, "
        "with the issued versions of each report and published records of decision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", nargs="?", metavar="REFERENCE")
        parser.add_argument("--all", action="store_true", help="Every appraisal, as a list.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")
        parser.add_argument(
            "--results", action="store_true", help="Add the computed results object."
        )
        parser.add_argument(
            "--samples",
            type=int,
            default=DEFAULT_SAMPLES,
            help=f"Monte Carlo samples for rank acceptability (default {DEFAULT_SAMPLES}).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        reference, everything = options["reference"], options["all"]
        if bool(reference) == everything:
            raise CommandError("Name one appraisal's REFERENCE, or give --all.")
        if options["samples"] < 0:
            raise CommandError("--samples must not be negative.")

        def document(appraisal: Appraisal) -> dict[str, Any]:
            if options["results"]:
                return results_document(appraisal, samples=options["samples"], seed=options["seed"])
            # A full backup carries the issued versions and published records of decision.
            return export_document(appraisal, after=True, issued=everything)

        if everything:
            data: Any = [document(a) for a in Appraisal.objects.order_by("reference")]
        else:
            try:
                appraisal = Appraisal.objects.get(reference=reference)
            except Appraisal.DoesNotExist:
                raise CommandError(f"No appraisal has the reference {reference!r}.") from None
            data = document(appraisal)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
        else:
            self.stdout.write(text, ending="")
