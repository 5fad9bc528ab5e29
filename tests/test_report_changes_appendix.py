"""A version after the first carries the appendix "Changes since version N", built from the
previous version's snapshot: in the PDF, the web page and the Word file, and in the draft."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from appraisals import reports
from appraisals.models import Appraisal, ReportVersion, Score
from appraisals.results import evaluate
from tests.test_report_views import issue, url
from tests.test_reports_data import make_report_appraisal, meeting_ahead


@pytest.fixture
def appraisal(personas) -> Appraisal:
    return meeting_ahead(make_report_appraisal(options=2, criteria=3, panels=2, risks=2))


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def change_a_score(appraisal: Appraisal) -> tuple[Score, float]:
    score = (
        Score.objects.filter(panel__appraisal=appraisal, option__baseline=False)
        .select_related("panel", "option", "criterion")
        .order_by("pk")
        .first()
    )
    new = 1 if score.score != 1 else 2
    Score.objects.filter(pk=score.pk).update(score=new)
    return score, new


def test_issue_reopen_change_and_issue_again_carries_the_changes(client, personas, appraisal):
    client.force_login(personas.officer)
    issue(client, appraisal)
    response = client.post(url("report-reopen"), {"reason": "A panel rescored deliverability."})
    assert response.status_code == 302
    score, new = change_a_score(appraisal)
    issue(client, appraisal)
    first, second = ReportVersion.objects.order_by("number")
    assert second.number == 2
    said = (  # "Panel 1" takes no "the" (changes._the_panel)
        f"{score.panel.name}'s score for {score.option.name} on {score.criterion.name} went "
        f"from {score.score:g} to {new} out of 5."
    )
    text = " ".join(pdf_text(bytes(second.pdf)).split())
    assert "Appendix F: Changes since version 1" in text
    assert said in text
    assert "No changes to risks." in text
    assert "Changes since version" not in pdf_text(bytes(first.pdf))
    assert "Changes since version 1" in second.html
    assert said.replace("'", "&#x27;") in second.html
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(bytes(second.docx))).paragraphs)
    assert "Changes since version 1" in word and said in word


def test_the_changes_appendix_follows_the_officers_own_attached_papers(personas, appraisal):
    narrative = dict(appraisal.narrative)
    narrative["appendices"] = "Business case\nStaff survey (exempt, paragraph 3)"
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    appraisal.refresh_from_db()
    evaluation = evaluate(appraisal)
    previous = reports.PreviousVersion(1, appraisal.created_at, dict(evaluation.document))
    report = reports.build_report(evaluation, previous=previous)
    last = report.appendices[-1]
    assert (last.number, last.title) == ("H", "Changes since version 1")
    listed = next(s for s in report.sections if s.key == "appendices")
    items = [i for block in listed.blocks for part in block.parts for i in part.items]
    assert "Appendix H: Changes since version 1" in items
    assert "Appendix F: Business case" in items


def test_a_first_version_has_no_changes_appendix(personas, appraisal):
    report = reports.build_report(evaluate(appraisal))
    assert [a.key for a in report.appendices][-1] == "delivery-models"


def test_the_draft_is_rendered_again_once_a_version_is_issued(client, personas, appraisal):
    """Its key names the version it follows: the same content drafted after version 1 was
    issued carries the appendix, so it is not the draft rendered before."""
    before = reports.content_hash(appraisal)
    ReportVersion.objects.create(
        appraisal=appraisal, number=1, snapshot=evaluate(appraisal).document, pdf=b"", sha256="0"
    )
    after = reports.content_hash(appraisal)
    assert before != after
    # An issued snapshot's own hash is unchanged, so "already issued" is still recognised.
    assert reports.document_hash(evaluate(appraisal).document) == reports.document_hash(
        ReportVersion.objects.get().snapshot
    )
