"""axe-core finds no WCAG 2.2 A/AA violation on the scoring grid (also with an error and a
conflict shown in a cell) or on the results page (every tab, every chart)."""

from __future__ import annotations

from playwright.sync_api import expect

from appraisals import actions
from appraisals.models import Risk, Score
from tests.browser.conftest import assert_accessible, log_in

GRID = "/appraisals/test-appraisal/panels/panel-1/scoring/"


def box(page, appraisal, option: str, criterion: str):
    o = appraisal.options.get(key=option)
    c = appraisal.criteria.get(key=criterion)
    return page.locator(f"#c{o.pk}-{c.pk}-score")


def test_scoring_grid_is_accessible(page, personas):
    log_in(page, "alice")
    page.goto(GRID)
    assert_accessible(page)


def test_scoring_grid_with_an_error_in_a_cell_is_accessible(page, personas):
    log_in(page, "alice")
    page.goto(GRID)
    cell = box(page, personas.appraisal, "option-1", "criterion-2")
    cell.fill("12")
    cell.press("Enter")
    expect(page.locator(".govuk-error-message", has_text="between 0 and 5")).to_be_visible()
    assert_accessible(page)


def test_scoring_grid_with_a_conflict_in_a_cell_is_accessible(page, personas):
    log_in(page, "alice")
    page.goto(GRID)
    theirs = Score.objects.get(
        panel__appraisal=personas.appraisal,
        panel__key="panel-1",
        option__key="option-2",
        criterion__key="criterion-1",
    )
    panel = theirs.panel
    panel.appraisal = personas.appraisal
    actions.save_score(
        panel=panel,
        option=theirs.option,
        criterion=theirs.criterion,
        score=5,
        reason="Changed behind the page",
        expected_version=theirs.version,
        user=personas.admin,
    )
    cell = box(page, personas.appraisal, "option-2", "criterion-1")
    cell.fill("1")
    cell.press("Enter")
    expect(page.get_by_text("This score was changed by ada")).to_be_visible()
    assert_accessible(page)


def test_scoring_grid_error_summary_is_accessible(page, personas):
    """The whole-grid form (the way without JavaScript) refused with an error summary."""
    log_in(page, "alice")
    page.goto(GRID)
    box(page, personas.appraisal, "option-1", "criterion-1").fill("eleven")
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: Scores from Panel 1")
    assert_accessible(page)


def test_results_page_is_accessible_on_every_tab(page, personas):
    appraisal = personas.appraisal
    option = appraisal.options.get(key="option-1")
    actions.save_financial_case(
        appraisal=appraisal,
        user=personas.officer,
        option=option,
        flows={
            "costs": [250000, 100000, 0],
            "savings_low": [0, 450000, 900000],
            "savings_central": [0, 600000, 1200000],
            "savings_high": [0, 750000, 1500000],
        },
        shares={appraisal.lead_authority: 0.6, personas.partner: 0.4},
    )
    Risk.objects.create(
        appraisal=appraisal,
        risk="Efficiency targets not met quickly enough",
        likelihood=4,
        impact=5,
        residual_likelihood=3,
        residual_impact=4,
        controls="Sound business case",
    )
    log_in(page, "bob")
    page.goto(f"/appraisals/{appraisal.reference}/results/")
    assert_accessible(page)
    for tab in ("panels", "sensitivity", "finance", "risks"):
        page.locator(f'.govuk-tabs__tab[href="#{tab}"]').click()
        expect(page.locator(f"#{tab}")).to_be_visible()
        assert_accessible(page)
