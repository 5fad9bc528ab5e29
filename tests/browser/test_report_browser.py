"""An officer writes the report, watches a draft render (the page polls, then shows the link),
checks their answers and issues it; the pages pass axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from appraisals import reports
from appraisals.models import DraftReport, ReportVersion
from appraisals.tasks import render_draft_report
from tests.browser.conftest import assert_accessible, log_in
from tests.test_reports_data import make_report_appraisal, meeting_ahead


def test_officer_edits_renders_checks_and_issues_the_report(page, personas):
    appraisal = meeting_ahead(make_report_appraisal(options=2, criteria=2, panels=1, risks=1))
    log_in(page, "alice")
    page.goto(f"/appraisals/{appraisal.reference}/report/")
    assert page.get_by_role("heading", level=1).inner_text() == "Committee report"
    assert_accessible(page)

    page.get_by_label("Legal implications and powers").fill(
        "Local Government Act 1972, section 101.\n\n<b>not bold</b>"
    )
    # As it is typed, the section shows below its box as it will print: numbered, escaped.
    preview = page.locator("#preview-legal")
    preview.get_by_text("How section 11 reads in the report").wait_for()
    assert "11.2 <b>not bold</b>" in preview.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Save the report").click()
    page.get_by_text("Report saved.").wait_for()

    # The draft as a web page, at once: the officer's words, escaped, in the numbered report.
    page.get_by_role("link", name="Read the draft as a web page").click()
    page.get_by_role("heading", name="11. Legal implications and powers").wait_for()
    assert page.get_by_text("<b>not bold</b>").count() == 1
    assert page.get_by_role("table").count() >= 3
    assert_accessible(page)
    page.go_back()

    # A draft waiting for the worker: the page says so and polls every two seconds…
    content = reports.content_hash(appraisal)
    DraftReport.objects.create(appraisal=appraisal, content_hash=content)
    page.reload()
    page.get_by_text("Rendering your report…").wait_for()
    assert page.get_by_role("link", name="Download the draft report").count() == 0
    assert_accessible(page)
    # …and shows the link once the worker is done, without a reload.
    render_draft_report.call(appraisal.pk, content, personas.officer.pk)
    link = page.get_by_role("link", name="Download the draft report (PDF")
    link.wait_for(timeout=10_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "report-test-draft.pdf"

    # Rendering saves what was typed first: nothing typed is lost or left out of the draft.
    page.get_by_label("Equalities").fill("No group is affected differently.")
    page.get_by_role("button", name="Save and render the draft").click()
    page.get_by_text("Report saved.").wait_for()
    page.get_by_role("link", name="Download the draft report (PDF").wait_for()
    expect(page.get_by_role("link", name="Download the draft report as Word")).to_be_visible()
    assert page.get_by_label("Equalities").input_value() == "No group is affected differently."
    assert DraftReport.objects.count() == 2
    assert DraftReport.objects.latest("requested_at").content_hash == reports.content_hash(
        appraisal
    )
    assert_accessible(page)

    page.get_by_role("link", name="Check your answers and issue the report").click()
    page.get_by_role("heading", name="Check your answers before issuing the report").wait_for()
    assert page.get_by_text("Issuing is irreversible").count() == 1
    assert_accessible(page)

    page.get_by_role("button", name="Issue report").click()
    page.get_by_role("heading", name="Issued reports").wait_for()
    assert page.get_by_text("Version 1 of the report has been issued.").count() == 1
    assert page.get_by_role("link", name="Version 1 (PDF").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Version 1 as a web page").click()
    page.get_by_text("Version 1, issued").first.wait_for()
    assert_accessible(page)
    assert ReportVersion.objects.filter(appraisal=appraisal).count() == 1
