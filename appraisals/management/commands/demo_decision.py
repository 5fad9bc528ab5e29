"""Take the Wellingborough demo through its committee: issue the report, record the decision
(one recommendation amended), start implementing the shared management team, and enter its
milestones and first year's actual figures. Run after load_demo; running it again changes
nothing. Kept apart from load_demo because issuing renders the report's PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appraisals import actions, decisions
from appraisals.models import Appraisal, Decision

REFERENCE = "wellingborough-asd"
OFFICER = "officer.wellingborough"
AMENDED = (
    "That the shared management team is taken forward as the preferred option, and that "
    "outsourcing is considered no further."
)


class Command(BaseCommand):
    help = "Issue the Wellingborough demo's report and record its decision and first year."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        appraisal = Appraisal.objects.filter(reference=REFERENCE).first()
        officer = get_user_model().objects.filter(username=OFFICER).first()
        if appraisal is None or officer is None:
            raise CommandError("Run load_demo first.")
        if Decision.objects.filter(appraisal=appraisal).exists():
            self.stdout.write("Nothing to do: the Wellingborough decision is recorded already.")
            return
        if appraisal.status != Appraisal.Status.ISSUED:
            version = actions.issue_report(appraisal=appraisal, user=officer)
            self.stdout.write(f"Issued version {version.number} of {REFERENCE}.")
        version = appraisal.report_versions.order_by("-number").first()
        meeting = appraisal.meeting_date or dt.date(2011, 12, 7)
        texts = decisions.issued_recommendations(version)
        actions.record_decision(
            appraisal=appraisal,
            user=officer,
            fields={
                "maker": "committee",
                "maker_name": appraisal.committee_name or "Resources Committee",
                "decided_on": meeting,
                "minute_reference": "RC 11/87",
                "reasons": "The shared management team has the highest weighted value of the "
                "options that can be in place within two years, and its central case saves "
                "£900,000 a year from year 3.",
                "alternatives_rejected": "Outsourcing: savings start a year later and "
                "procurement carries the most risk.\nIn-house transformation: it saves the "
                "least.",
                "interests_declared": "None.",
                "chosen_option": "shared-management",
                "published_on": meeting + dt.timedelta(days=2),
                "call_in_status": Decision.CallIn.NONE,
            },
            outcomes=[
                actions.Outcome(
                    number=n,
                    text=text,
                    outcome="amended" if n == 1 else "agreed",
                    amended_text=AMENDED if n == 1 else "",
                )
                for n, text in enumerate(texts, start=1)
            ],
        )
        actions.start_implementation(appraisal=appraisal, user=officer)
        for name, due, status, done in (
            ("Joint chief officer appointed", dt.date(2012, 3, 30), "done", dt.date(2012, 3, 19)),
            ("Staff consultation ends", dt.date(2012, 6, 29), "done", dt.date(2012, 7, 6)),
            ("Shared management team in post", dt.date(2012, 10, 1), "at-risk", None),
        ):
            actions.save_milestone(
                appraisal=appraisal,
                user=officer,
                fields={"name": name, "due_on": due, "status": status, "completed_on": done},
            )
        actions.save_actual_year(
            appraisal=appraisal,
            user=officer,
            year=1,
            fields={"costs": 62_000.0, "savings": 265_000.0, "note": "From the outturn report."},
        )
        self.stdout.write(f"Recorded the decision on {REFERENCE}, with its first year.")
