"""An officer's whole committee cycle in the browser (issue 13, point 8): issue version 1,
reopen it, change a score, issue version 2, read the comparison, record the decision with one
recommendation amended, start implementation, add a milestone and enter a year of actual
savings. Every page it visits passes axe-core."""

from __future__ import annotations

import datetime as dt
import time

from playwright.sync_api import expect

from appraisals.models import ActualYear, Appraisal, Decision, Score
from tests.browser.conftest import assert_accessible, log_in
from tests.test_reports_data import make_report_appraisal, meeting_ahead

RECOMMENDATIONS = (
    "That Option 1 is taken forward as the preferred option.\n"
    "That officers report progress to this committee in six months."
)
AMENDED = "That officers report progress to this committee in three months."


def issue(page, reference: str, number: int) -> None:
    page.goto(f"/appraisals/{reference}/report/check/")
    assert_accessible(page)
    # Issuing renders the PDF, the web page and the Word file: it may take a while.
    page.get_by_role("button", name="Issue report").click(timeout=180_000)
    page.get_by_text(f"Version {number} of the report has been issued.").wait_for(timeout=180_000)


def wait_for(condition, timeout: float = 15) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("the change never reached the database")
        time.sleep(0.2)


def fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_officer_takes_an_appraisal_through_its_committee(page, personas):
    # Its meeting ahead, so that the report can be issued (the factory's is in 2011).
    appraisal = meeting_ahead(
        make_report_appraisal(
            options=2,
            criteria=2,
            panels=1,
            risks=1,
            narrative_text={"recommendations": RECOMMENDATIONS},
        )
    )
    ref = appraisal.reference
    log_in(page, "alice")

    issue(page, ref, 1)
    assert_accessible(page)
    page.get_by_role("link", name="Reopen it for a new version").click()
    assert_accessible(page)
    page.get_by_label("Why are you reopening it?").fill("The staff panel rescored one cell.")
    page.get_by_role("button", name="Reopen for version 2").click()
    page.get_by_text("Changed since version 1").wait_for()
    assert_accessible(page)

    # Change a score in the grid: it saves as the officer leaves the cell.
    cell = Score.objects.get(
        panel__appraisal=appraisal,
        panel__key="panel-1",
        option__key="option-1",
        criterion__key="criterion-1",
    )
    new = 5 if cell.score != 5 else 4
    page.goto(f"/appraisals/{ref}/panels/panel-1/scoring/")
    box = page.locator(f"#c{cell.option_id}-{cell.criterion_id}-score")
    box.fill(str(new))
    box.press("Tab")
    wait_for(lambda: Score.objects.get(pk=cell.pk).score == new)
    assert_accessible(page)

    issue(page, ref, 2)

    # The comparison of the version members saw with the one they decide on.
    page.goto(f"/appraisals/{ref}/versions/compare/?from=1&to=2")
    expect(page.get_by_text(f"went from {cell.score:g} to {new}").first).to_be_visible()
    assert_accessible(page)

    # The record of decision, on version 2, with the second recommendation amended.
    page.get_by_role("link", name="record the decision").click()
    page.get_by_text("No decision has been recorded yet.").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record the decision", exact=True).click()
    page.get_by_role("heading", name="Record the decision").wait_for()
    expect(page.get_by_text("On version 2 of the report")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Cabinet").check()
    page.get_by_label("Name of the decision-maker").fill("Cabinet")
    today = dt.date.today()
    fill_date(page, "decided_on", today - dt.timedelta(days=30))
    page.get_by_label("Minute reference").fill("CAB 26/101")
    page.locator("#id_outcome_1_0").check()  # agreed
    page.locator("#id_outcome_2_1").check()  # agreed as amended
    page.get_by_label("Recommendation 2 as amended").fill(AMENDED)
    page.get_by_label("Reasons for the decision").fill("Option 1 has the highest value.")
    page.get_by_label("Interests declared at the meeting").fill(
        "Councillor Ellis declared an other registrable interest and left the room."
    )
    fill_date(page, "published_on", today - dt.timedelta(days=28))
    page.get_by_role("button", name="Save the record of decision").click()
    page.get_by_text("Record of decision saved.").wait_for()
    expect(page.get_by_text(AMENDED)).to_be_visible()
    decision = Decision.objects.get(appraisal=appraisal)
    assert decision.report_version.number == 2
    assert [r.outcome for r in decision.recommendations.all()] == ["agreed", "amended"]
    # Published, so kept: the page lists the published version.
    expect(page.get_by_role("link", name="Version 1 (PDF)")).to_be_visible()
    assert decision.publications.count() == 1
    assert_accessible(page)

    # The call-in period has passed: implementation starts.
    page.get_by_role("button", name="Start implementation").click()
    page.get_by_role("heading", name="Implementation and benefits").wait_for()
    assert Appraisal.objects.get(pk=appraisal.pk).status == Appraisal.Status.IMPLEMENTING
    assert_accessible(page)

    page.get_by_role("link", name="Add a milestone").click()
    assert_accessible(page)
    page.get_by_label("Milestone").fill("Staff consultation ends")
    fill_date(page, "due_on", today + dt.timedelta(days=60))
    page.get_by_label("On track").check()
    page.get_by_role("button", name="Save milestone").click()
    page.get_by_text("Milestone saved.").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Enter the actual figures for year 1").click()
    page.get_by_role("heading", name="Actual figures for year 1").wait_for()
    assert_accessible(page)
    page.get_by_label("Actual costs (£)").fill("£12,000")
    page.get_by_label("Actual savings (£)").fill("£150,000")
    page.get_by_role("button", name="Save the figures").click()
    page.get_by_text("Actual figures for year 1 saved.").wait_for()
    assert ActualYear.objects.get(appraisal=appraisal, year=1).savings == 150_000
    expect(page.get_by_role("row", name="Year 1").first).to_contain_text("£150,000")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"/appraisals/{ref}/decision/")
    page.get_by_role("link", name="Close the appraisal").click()
    page.get_by_role("heading", name="Close the appraisal").wait_for()
    assert_accessible(page)

    # A member of the council reads the record of decision and the benefits.
    page.context.clear_cookies()
    log_in(page, "bob")
    page.goto(f"/appraisals/{ref}/decision/")
    expect(page.get_by_text(AMENDED)).to_be_visible()
    assert page.get_by_role("button", name="Start implementation").count() == 0
    assert_accessible(page)
    page.goto(f"/appraisals/{ref}/benefits/")
    assert page.get_by_role("link", name="Add a milestone").count() == 0
    assert_accessible(page)
