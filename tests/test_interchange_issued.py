"""The `issued` section of a full backup (appraisals/interchange/issued.py, format.md "Issued
versions"): the issued versions of the report and the published records of decision, as
base64 with their SHA-256. Only the operator's backup carries it and only `import_appraisal`
restores it; a file that does not match its SHA-256 is refused with its path, nothing
written; a restore inserts and never changes what was issued."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisals import interchange, limits
from appraisals.interchange import InvalidDocument, export_document, import_document
from appraisals.models import (
    Appraisal,
    Decision,
    ExemptAppendix,
    PublishedDecision,
    ReportVersion,
)
from tests.factories import make_user
from tests.test_decision import appraisal as appraisal  # noqa: F401 - the fixture
from tests.test_decision import decide

PDF = b"%PDF-1.7 the report as issued"
WORD = b"PK\x03\x04 the report as Word"
APPENDIX = b"%PDF-1.7 the exempt appendix"


def issue(appraisal: Appraisal, user=None) -> ReportVersion:
    """Issued as `issue_report` leaves it (without rendering): PDF, Word file, web page and
    exempt appendix, each SHA-256 that of its bytes."""
    version = ReportVersion.objects.create(
        appraisal=appraisal,
        number=appraisal.report_versions.count() + 1,
        issued_by=user,
        snapshot=interchange.export_document(appraisal),
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        html="<p>Issued</p>",
        docx=WORD,
    )
    ExemptAppendix.objects.create(
        report_version=version, pdf=APPENDIX, sha256=hashlib.sha256(APPENDIX).hexdigest()
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.ISSUED)
    appraisal.refresh_from_db()
    return version


@pytest.fixture
def decided(personas, appraisal) -> Appraisal:
    clerk = make_user("clerk", personas.lead, "officer", email="clerk@lead.example")
    issue(appraisal, clerk)
    decide(appraisal, clerk)  # published: a PublishedDecision with its PDF
    return appraisal


def backup(appraisal: Appraisal, **changes) -> dict:
    """The appraisal's document in a full backup, as read back from its JSON."""
    doc = export_document(appraisal, after=True, issued=True)
    return json.loads(json.dumps({**doc, **changes}))


def test_a_full_backup_carries_each_version_and_published_record_as_issued(decided):
    doc = backup(decided)
    (version,) = doc["issued"]["versions"]
    assert base64.b64decode(version["pdf"]["base64"]) == PDF
    assert version["pdf"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert base64.b64decode(version["docx"]["base64"]) == WORD
    assert base64.b64decode(version["exempt_appendix"]["base64"]) == APPENDIX
    assert version["issued_by"]["username"] == "clerk" and version["snapshot"]["reference"]
    (published,) = doc["issued"]["decision"]["publications"]
    assert base64.b64decode(published["pdf"]["base64"]).startswith(b"%PDF")
    # Downloads and the evaluation never carry it.
    assert "issued" not in export_document(decided, after=True)


def test_restored_elsewhere_it_brings_back_the_versions_decision_and_publications(decided):
    doc = backup(decided, reference="restored")
    restored = import_document(document=copy.deepcopy(doc), issued=True).appraisal
    version = ReportVersion.objects.get(appraisal=restored)
    assert bytes(version.pdf) == PDF and bytes(version.docx) == WORD
    assert bytes(version.exempt_appendix.pdf) == APPENDIX
    decision = Decision.objects.get(appraisal=restored)
    assert decision.report_version == version and decision.recorded_by.username == "clerk"
    assert PublishedDecision.objects.filter(decision=decision).count() == 1
    assert export_document(restored, after=True, issued=True) == doc


def test_a_file_that_does_not_match_its_sha256_is_refused_and_nothing_is_written(decided, tmp_path):
    doc = backup(decided, reference="damaged")
    doc["issued"]["versions"][0]["exempt_appendix"]["base64"] = base64.b64encode(
        b"%PDF-1.7 another appendix"
    ).decode()
    doc["issued"]["versions"][0]["issued_by"]["username"] = "somebody-new"
    path = tmp_path / "backup.json"
    path.write_text(json.dumps([doc]), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_appraisal", str(path), stdout=io.StringIO(), stderr=err)
    assert "[0]: issued.versions[0].exempt_appendix: the file's SHA-256 is" in err.getvalue()
    assert not Appraisal.objects.filter(reference="damaged").exists()
    assert ReportVersion.objects.count() == 1
    assert not get_user_model().objects.filter(username="somebody-new").exists()


def test_a_file_beyond_the_limit_is_refused_with_its_path(decided, monkeypatch):
    doc = backup(decided, reference="too-large")
    monkeypatch.setattr(limits, "MAX_ISSUED_FILE_BYTES", len(PDF) - 1)
    with pytest.raises(InvalidDocument) as refused:
        import_document(document=doc, issued=True)
    assert (
        f"issued.versions[0].pdf.base64: the file is {len(PDF)} bytes; the largest allowed is "
        f"{len(PDF) - 1} bytes"
    ) in [str(p) for p in refused.value.problems]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["issued"]["versions"][0].update(number=0), "issued.versions[0].number"),
        (lambda d: d["issued"]["versions"][0]["pdf"].update(base64="not base64!"), "pdf.base64"),
        (lambda d: d["issued"]["versions"][0]["pdf"].update(sha256="abc"), "pdf.sha256"),
        (lambda d: d["issued"]["versions"][0].update(issued_at="today"), "[0].issued_at"),
        (lambda d: d["issued"]["versions"][0].pop("snapshot"), "issued.versions[0].snapshot"),
        (
            lambda d: d["after_decision"]["decision"].update(report_version=2),
            "after_decision.decision.report_version",
        ),
        (
            lambda d: d["issued"]["decision"]["publications"].append(
                d["issued"]["decision"]["publications"][0]
            ),
            "issued.decision.publications[1].number",
        ),
    ],
)
def test_a_bad_section_is_refused_with_its_path(decided, change, path):
    doc = backup(decided, reference="refused")
    change(doc)
    with pytest.raises(InvalidDocument) as refused:
        import_document(document=doc, issued=True)
    assert any(p.path.endswith(path) for p in refused.value.problems), refused.value.problems
    assert not Appraisal.objects.filter(reference="refused").exists()


def test_the_web_import_refuses_issued_versions(client, personas, decided):
    doc = backup(decided, reference="uploaded")
    with pytest.raises(InvalidDocument) as refused:
        import_document(document=doc, user=personas.officer)
    assert [p.path for p in refused.value.problems] == ["issued"]
    client.force_login(personas.officer)
    upload = io.BytesIO(json.dumps(doc).encode())
    upload.name = "uploaded.json"
    response = client.post(reverse("appraisals:appraisal-import"), {"document": upload})
    assert "restored only from a full backup" in response.content.decode()
    assert not Appraisal.objects.filter(reference="uploaded").exists()


@pytest.mark.parametrize("who", ["officer", "partner_officer"])
def test_the_json_download_holds_no_issued_version(client, personas, decided, who):
    decided.exempt_to_partners = True
    decided.save(update_fields=["exempt_to_partners"])
    client.force_login(getattr(personas, who))
    response = client.get(reverse("appraisals:export-json", args=[decided.reference]))
    assert response.status_code == 200
    assert "issued" not in json.loads(response.content)
    for data in (PDF, WORD, APPENDIX):
        assert base64.b64encode(data) not in response.content


def test_a_replacing_restore_keeps_the_versions_held_and_refuses_another_file(decided):
    doc = backup(decided)
    held = ReportVersion.objects.get(appraisal=decided)
    import_document(document=copy.deepcopy(doc), replace=True, issued=True)
    assert list(ReportVersion.objects.filter(appraisal=decided)) == [held]
    other = b"%PDF-1.7 issued elsewhere"
    doc["issued"]["versions"][0]["pdf"] = {
        "sha256": hashlib.sha256(other).hexdigest(),
        "base64": base64.b64encode(other).decode(),
    }
    with pytest.raises(InvalidDocument) as refused:
        import_document(document=doc, replace=True, issued=True)
    assert "version 1 of this appraisal's report was issued here as another file" in str(
        refused.value
    )


def test_people_are_found_by_user_name_then_email_or_kept_as_inactive_accounts(decided):
    doc = backup(decided, reference="people")
    doc["issued"]["versions"][0]["issued_by"]["username"] = "clerk.old"  # clerk's address
    doc["issued"]["decision"]["recorded_by"] = {
        "username": "stranger",
        "email": "stranger@elsewhere.example",
        "first_name": "Sam",
        "last_name": "Stranger",
    }
    restored = import_document(document=doc, issued=True).appraisal
    assert ReportVersion.objects.get(appraisal=restored).issued_by.username == "clerk"
    stranger = Decision.objects.get(appraisal=restored).recorded_by
    assert stranger.get_full_name() == "Sam Stranger" and not stranger.is_active
    assert stranger.email == "stranger@elsewhere.example" and not stranger.has_usable_password()


def test_the_section_costs_three_queries_however_many_versions(decided, django_assert_num_queries):
    with CaptureQueriesContext(connection) as download:
        export_document(decided, after=True)
    # The versions with their issuers and exempt appendices; the record of decision with who
    # entered it; its publications with who published them.
    with django_assert_num_queries(len(download) + 3):
        export_document(decided, after=True, issued=True)
    issue(decided)
    Appraisal.objects.filter(pk=decided.pk).update(status=Appraisal.Status.DECIDED)
    decided.refresh_from_db()
    with django_assert_num_queries(len(download) + 3):
        doc = export_document(decided, after=True, issued=True)
    assert [v["number"] for v in doc["issued"]["versions"]] == [1, 2]
