"""A full backup (`export_appraisal --all`) restored into an empty database exports
byte-for-byte the same: the restore the README gives, in the suite (`make faults` does it
between two PostgreSQL databases, after the faults)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from appraisals import interests
from appraisals.models import (
    ActualYear,
    Appraisal,
    Authority,
    CriteriaSet,
    DeliveryModel,
    Interest,
    LibraryCriterion,
    Membership,
    Milestone,
    Score,
    Service,
)


def _empty_the_database() -> None:
    Appraisal.objects.all().delete()
    Membership.objects.all().delete()
    get_user_model().objects.all().delete()
    Service.objects.all().delete()
    Authority.objects.all().delete()
    LibraryCriterion.objects.all().delete()
    CriteriaSet.objects.all().delete()
    DeliveryModel.objects.all().delete()


def _after_the_decision(appraisal: Appraisal) -> None:
    """Declarations (one withdrawn), a milestone and a year of actual figures: the document's
    `after_decision` section."""
    declarer = get_user_model().objects.create_user("declarer", email="declarer@example.org")
    interest = interests.declare(
        appraisal=appraisal, user=declarer, kind="other_registrable", description="Union member"
    )
    interests.withdraw(interest=interest, user=declarer, reason="I left the union")
    interests.declare(appraisal=appraisal, user=declarer, kind="none")
    Milestone.objects.create(
        appraisal=appraisal, name="Go live", due_on=dt.date(2027, 4, 1), status="on-track"
    )
    ActualYear.objects.create(appraisal=appraisal, year=1, costs=12_500, savings=80_000.25)


def test_a_full_backup_restored_into_an_empty_database_exports_the_same(db, tmp_path):
    call_command("load_demo", stdout=StringIO())
    _after_the_decision(Appraisal.objects.order_by("reference").first())
    backup, again = tmp_path / "backup.json", tmp_path / "again.json"
    call_command("export_appraisal", "--all", "-o", str(backup))
    documents = json.loads(backup.read_text(encoding="utf-8"))
    assert len(documents) == Appraisal.objects.count() >= 3
    section = documents[0]["after_decision"]
    assert len(section["declarations"]) == 2 and section["actuals"][0]["savings"] == 80_000.25
    scores = Score.objects.count()
    assert scores > 0

    _empty_the_database()
    assert not Appraisal.objects.exists() and not DeliveryModel.objects.exists()
    call_command("load_demo", "--reference-only", stdout=StringIO())
    assert not Appraisal.objects.exists()  # the reference data only
    out = StringIO()
    call_command("import_appraisal", str(backup), stdout=out)
    assert f"{len(documents)} imported" in out.getvalue()
    call_command("export_appraisal", "--all", "-o", str(again))

    assert again.read_bytes() == backup.read_bytes()
    assert Score.objects.count() == scores
    assert Interest.objects.filter(ended_at__isnull=False).count() == 1
    assert Milestone.objects.count() == ActualYear.objects.count() == 1


@pytest.mark.xfail(
    strict=True,
    reason="Not yet: the backup does not carry issued versions, so the record of decision "
    "is left out on restore (interchange/after_decision.py)",
)
def test_a_decided_appraisal_restored_keeps_its_decision_and_the_version_it_refers_to(db, tmp_path):
    """Issue 13: the record of decision hangs on an issued version of the report; a full
    backup restored into an empty database must bring back both, and the published decision.
    Today the document carries neither the issued versions nor the published decisions."""
    from appraisals.models import Decision, PublishedDecision, ReportVersion

    call_command("load_demo", stdout=StringIO())
    call_command("demo_decision", stdout=StringIO())
    decided = Decision.objects.select_related("report_version").get()
    number, minute = decided.report_version.number, decided.minute_reference
    published = PublishedDecision.objects.count()
    backup = tmp_path / "backup.json"
    call_command("export_appraisal", "--all", "-o", str(backup))

    # The issued version and the published decision are kept for good: only flush empties.
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", "--reference-only", stdout=StringIO())
    call_command("import_appraisal", str(backup), stdout=StringIO())

    restored = Decision.objects.select_related("report_version").get()
    assert restored.minute_reference == minute and restored.report_version.number == number
    assert ReportVersion.objects.filter(number=number).exists()
    assert PublishedDecision.objects.count() == published >= 1
