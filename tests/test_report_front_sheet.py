"""The report's front sheet: "Report of" (the director or portfolio holder the report comes
from) and a key decision's forward plan reference, stored, edited on the report page, carried
by the interchange and printed in the PDF, on the web page and in Word; issuing refuses
without them (issue 10)."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from appraisals import reports
from appraisals.interchange import (
    document_to_xlsx,
    export_document,
    import_document,
    validate_document,
    xlsx_to_document,
)
from appraisals.models import Appraisal, Change, ReportVersion
from appraisals.results import evaluate
from tests.test_interchange_validation import make_document
from tests.test_report_parts import imported
from tests.test_report_views import form_data, url

pytestmark = pytest.mark.django_db
DEMOS = ("hdc-future-options-2011", "wellingborough-asd", "darlington-stockton-support-services")


def header(appraisal: Appraisal, *, draft: bool = True) -> dict[str, reports.HeaderRow]:
    report = reports.build_report(evaluate(appraisal, samples=200), draft=draft)
    return {row.label: row for row in report.header}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# Report of ---------------------------------------------------------------------------------


def test_report_of_is_on_the_front_sheet_in_the_pdf_the_web_page_and_word():
    appraisal = imported(report_of="Director of Resources")
    labels = list(header(appraisal))
    assert labels.index("Report of") < labels.index("Report author")
    html = reports.render_html(appraisal)
    assert '<th scope="row">Report of</th><td>Director of Resources</td>' in html
    pdf = PdfReader(io.BytesIO(reports.write_pdf(html)))
    assert "Report of Director of Resources" in flat(pdf.pages[0].extract_text())
    evaluation = evaluate(appraisal, samples=200)
    word = docx.Document(io.BytesIO(reports.render_word(evaluation)))
    rows = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert ["Report of", "Director of Resources"] in rows


def test_a_draft_without_report_of_shows_the_box_and_issuing_refuses():
    appraisal = imported(report_of="")
    row = header(appraisal)["Report of"]
    assert (row.value, row.missing) == ("", "Not yet entered")
    problems = reports.report_problems(appraisal)
    assert [(p.field, p.text) for p in problems] == [
        ("report_of", "Enter the director or portfolio holder the report is from")
    ]
    assert problems[0].page == "report" and problems[0].form_field == "report_of"


def test_the_officer_sets_report_of_on_the_report_page(client, personas):
    appraisal = imported(report_of="")
    client.force_login(personas.officer)
    page = client.get(url("report")).content.decode()
    assert 'name="report_of"' in page
    response = client.post(url("report"), form_data(appraisal, report_of="Director of Place"))
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.report_of == "Director of Place"
    assert Change.objects.filter(field="report_of", new="Director of Place").exists()
    check = client.get(url("report-check")).content.decode()
    assert "Report of" in check and "Director of Place" in check


def test_a_stale_save_of_report_of_is_refused(client, personas):
    appraisal = imported(report_of="")
    client.force_login(personas.officer)
    stale = form_data(appraisal, report_of="Director of Place")
    client.post(url("report"), form_data(appraisal, report_of="Chief Executive"))
    response = client.post(url("report"), stale)
    assert response.status_code == 200
    assert "Your changes have not been saved" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.report_of == "Chief Executive"


# Key decision and its forward plan reference ------------------------------------------------


def test_a_key_decision_prints_its_forward_plan_reference():
    appraisal = imported(key_decision=True, forward_plan_reference="FP/2026/014")
    row = header(appraisal, draft=False)["Key decision"]
    assert (row.value, row.missing) == ("Yes (forward plan reference FP/2026/014)", "")
    assert reports.report_problems(appraisal) == []


def test_a_key_decision_without_its_reference_is_boxed_and_refused():
    appraisal = imported(key_decision=True, forward_plan_reference="")
    row = header(appraisal)["Key decision"]
    assert row.value == "Yes" and row.missing == "Not yet entered: forward plan reference"
    assert [(p.field, p.text) for p in reports.report_problems(appraisal)] == [
        ("forward_plan_reference", "Enter the key decision's forward plan reference")
    ]


def test_no_reference_is_asked_when_it_is_not_a_key_decision(client, personas):
    appraisal = imported(key_decision=False, forward_plan_reference="")
    assert header(appraisal)["Key decision"] == reports.HeaderRow("Key decision", "No")
    assert reports.report_problems(appraisal) == []
    client.force_login(personas.officer)
    check = client.get(url("report-check")).content.decode()
    assert "Forward plan reference" not in check
    # Set with the box unticked (a reference typed, then the box cleared): not kept.
    data = form_data(appraisal, forward_plan_reference="FP/2026/014")
    assert client.post(url("report"), data).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.forward_plan_reference == ""


def test_the_officer_ticks_key_decision_and_enters_the_reference(client, personas):
    appraisal = imported(key_decision=False)
    client.force_login(personas.officer)
    page = client.get(url("report")).content.decode()
    assert 'data-aria-controls="conditional-key-decision"' in page
    assert 'name="forward_plan_reference"' in page
    data = form_data(appraisal, key_decision="on", forward_plan_reference="FP/2026/014")
    assert client.post(url("report"), data).status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.key_decision, appraisal.forward_plan_reference) == (True, "FP/2026/014")


# Interchange and demos -----------------------------------------------------------------------


def test_both_travel_in_the_json_and_the_workbook():
    appraisal = imported(
        report_of="Director of Resources", key_decision=True, forward_plan_reference="FP/1"
    )
    doc = export_document(appraisal)
    assert doc["report"]["report_of"] == "Director of Resources"
    assert doc["report"]["forward_plan_reference"] == "FP/1"
    assert xlsx_to_document(document_to_xlsx(doc))["report"] == doc["report"]
    doc["reference"] = "copy-of-it"
    copy = import_document(document=doc).appraisal
    assert (copy.report_of, copy.forward_plan_reference) == ("Director of Resources", "FP/1")


def test_too_long_values_are_refused_on_import():
    doc = make_document()
    doc["report"]["report_of"] = "x" * 201
    doc["report"]["forward_plan_reference"] = "x" * 51
    found = " ".join(str(p) for p in validate_document(doc))
    assert "report.report_of" in found and "report.forward_plan_reference" in found


def test_each_demo_front_sheet_has_nothing_unset():
    call_command("load_demo", stdout=io.StringIO())
    for reference in DEMOS:
        rows = header(Appraisal.objects.get(reference=reference))
        assert rows["Report of"].value, reference
        assert not [label for label, row in rows.items() if row.missing], reference


# The meeting date against the day of issue ---------------------------------------------------


@pytest.mark.parametrize(
    ("today", "meeting", "late"),
    [
        # Thursday 3 December 2026: 4, 7, 8 and 9 December are only 4 clear working days.
        (dt.date(2026, 12, 3), dt.date(2026, 12, 10), True),
        (dt.date(2026, 12, 3), dt.date(2026, 12, 11), False),
        # Christmas Day, and Boxing Day's substitute Monday, are not working days: from
        # 21 December, 22, 23, 24 and 29 December are only 4.
        (dt.date(2026, 12, 21), dt.date(2026, 12, 30), True),
        (dt.date(2026, 12, 21), dt.date(2026, 12, 31), False),
        (dt.date(2026, 12, 3), dt.date(2026, 12, 3), True),  # today
        (dt.date(2026, 12, 3), dt.date(2026, 12, 2), False),  # past: refused, not warned
    ],
)
def test_a_meeting_fewer_than_five_clear_working_days_away_is_a_late_item(today, meeting, late):
    notice = reports.late_notice(meeting.isoformat(), today)
    assert bool(notice) is late
    if late:
        assert notice.startswith(f"The meeting on {meeting:%-d %B %Y} is fewer than 5 clear")
        assert "section 100B" in notice and "the chair must agree it is urgent" in notice


def test_issuing_for_a_meeting_already_held_is_refused(client, personas):
    appraisal = imported()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Appraisal.objects.filter(pk=appraisal.pk).update(meeting_date=yesterday)
    client.force_login(personas.officer)
    check = client.get(url("report-check"))
    problems = [(p.field, p.text) for p in check.context["problems"]]
    assert problems == [
        (
            "meeting_date",
            f"The meeting on {yesterday:%-d %B %Y} has already taken place: enter the date "
            "of the meeting the report now goes to",
        )
    ]
    assert "#id_meeting_day" in check.content.decode()
    response = client.post(url("report-issue"), {"content_hash": check.context["content_hash"]})
    assert response.status_code == 302
    assert not ReportVersion.objects.filter(appraisal=appraisal).exists()


def test_a_late_item_is_warned_of_on_the_check_page_but_may_be_issued(client, personas):
    appraisal = imported()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    Appraisal.objects.filter(pk=appraisal.pk).update(meeting_date=tomorrow)
    client.force_login(personas.officer)
    check = client.get(url("report-check"))
    assert check.context["problems"] == []
    page = check.content.decode()
    assert f"The meeting on {tomorrow:%-d %B %Y} is fewer than 5 clear working days" in page
    assert "Issue report" in page
    ahead = timezone.localdate() + dt.timedelta(days=56)
    Appraisal.objects.filter(pk=appraisal.pk).update(meeting_date=ahead)
    assert "clear working days" not in client.get(url("report-check")).content.decode()
