"""A full backup (`export_appraisal --all`) restored into an empty database exports
byte-for-byte the same: the restore the README gives, in the suite (`make faults` does it
between two PostgreSQL databases, after the faults)."""

from __future__ import annotations

import datetime as dt
import hashlib
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
    Decision,
    DeliveryModel,
    Interest,
    LibraryCriterion,
    Membership,
    Milestone,
    PublishedDecision,
    ReportVersion,
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


# Committed, as a restore is: PostgreSQL will not TRUNCATE (flush) inside the test's
# transaction while the rows written in it have checks pending.
@pytest.mark.django_db(transaction=True)
def test_a_decided_appraisal_restored_keeps_its_decision_and_the_version_it_refers_to(tmp_path):
    """Issue 13: the record of decision hangs on an issued version of the report; a full
    backup restored into an empty database brings back both, the published record of
    decision, and who issued, entered and published them, and exports byte-for-byte the same."""
    call_command("load_demo", stdout=StringIO())
    call_command("demo_decision", stdout=StringIO())
    decided = Decision.objects.select_related("report_version", "recorded_by").get()
    version = decided.report_version
    pdf, word, minute = bytes(version.pdf), bytes(version.docx), decided.minute_reference
    officer = decided.recorded_by.get_username()
    published = {p.number: bytes(p.pdf) for p in PublishedDecision.objects.all()}
    backup, again = tmp_path / "backup.json", tmp_path / "again.json"
    call_command("export_appraisal", "--all", "-o", str(backup))

    # The issued version and the published decision are kept for good: only flush empties.
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", "--reference-only", stdout=StringIO())
    assert not ReportVersion.objects.exists() and not get_user_model().objects.exists()
    call_command("import_appraisal", str(backup), stdout=StringIO())

    restored = Decision.objects.select_related("report_version", "recorded_by").get()
    assert restored.minute_reference == minute
    issued = restored.report_version
    assert issued.number == version.number and issued.issued_at == version.issued_at
    assert bytes(issued.pdf) == pdf and issued.sha256 == hashlib.sha256(pdf).hexdigest()
    assert bytes(issued.docx) == word and issued.snapshot == version.snapshot
    assert issued.issued_by.get_username() == restored.recorded_by.get_username() == officer
    assert not restored.recorded_by.is_active  # kept as who did it; nobody signs in as them
    assert {p.number: bytes(p.pdf) for p in PublishedDecision.objects.all()} == published
    assert len(published) >= 1
    call_command("export_appraisal", "--all", "-o", str(again))
    assert again.read_bytes() == backup.read_bytes()
