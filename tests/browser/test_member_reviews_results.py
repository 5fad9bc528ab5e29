"""A councillor reviews the results: the ranking, the explanation, the tabs by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from appraisals.results import evaluate
from tests.browser.conftest import log_in


def test_member_lands_on_the_members_view_not_the_task_list(page, personas):
    evaluation = evaluate(personas.appraisal, samples=0)
    leader = evaluation.option_name(evaluation.result.leader)
    log_in(page, "bob")
    page.goto(personas.appraisal.get_absolute_url())
    expect(page.locator(".govuk-task-list")).to_have_count(0)
    expect(page.get_by_role("link", name="Scope", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Committee report", exact=True)).to_have_count(0)
    expect(page.locator("#leading-option")).to_contain_text(f"The leading option is {leader}")
    page.get_by_role("link", name="How each panel scored, and where panels disagree").click()
    expect(page.get_by_role("tab", name="Panels")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-table")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Ask a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions")


def test_member_reads_the_ranking_and_the_explanation(page, personas):
    evaluation = evaluate(personas.appraisal)
    leader = evaluation.result.ranking[0]
    log_in(page, "bob")
    page.goto(personas.appraisal.get_absolute_url())
    page.get_by_role("link", name="Results", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    first = page.locator("#ranking-table tbody tr").first
    expect(first).to_contain_text(leader.name)
    expect(first).to_contain_text(f"{leader.value:.1f}")
    # The plain-English summary opens the page, before any technical tab.
    expect(page.locator("#results-summary")).to_contain_text(evaluation.explained.leader[0])
    expect(page.locator("#chart-contribution-title")).to_have_count(1)


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_without_javascript_each_tab_is_a_link_to_its_section(page_without_js, personas):
    page = page_without_js
    log_in(page, "bob")
    page.goto(f"/appraisals/{personas.appraisal.reference}/results/")
    tab = page.locator('.govuk-tabs__tab[href="#sensitivity"]')
    for _ in range(40):
        page.keyboard.press("Tab")
        if tab.evaluate("el => el === document.activeElement"):
            break
    expect(tab).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/results/#sensitivity")
    expect(page.locator("#switching-table")).to_be_visible()
    expect(page.locator("#switching-sentences")).to_contain_text("would lose the lead")


def test_member_moves_between_result_tabs_with_arrow_keys(page, personas):
    log_in(page, "bob")
    page.goto(f"/appraisals/{personas.appraisal.reference}/results/")
    ranking = page.get_by_role("tab", name="Ranking")
    expect(ranking).to_have_attribute("aria-selected", "true", timeout=2000)
    expect(page.locator("#panels")).to_be_hidden()
    ranking.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Panels")).to_be_focused()
    expect(page.locator("#panels")).to_be_visible()
    expect(page.locator("#ranking")).to_be_hidden()
    expect(page.locator("#panel-table")).to_contain_text("Panel 2")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#sensitivity")).to_be_visible()
    expect(page.locator("#switching-table")).to_be_visible()
    # Tab goes from the selected tab into its panel's content.
    page.keyboard.press("Tab")
    focused_in = page.evaluate("document.activeElement.closest('.govuk-tabs__panel')?.id")
    assert focused_in == "sensitivity"
