"""The results page prints every tab: on paper there is no tab to click, so each panel
follows the last under its own heading, and the tab list is not printed."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in

PANELS = ["ranking", "panels", "sensitivity", "finance", "risks"]


def test_printing_the_results_shows_every_tab_panel(page, personas):
    log_in(page, "bob")
    page.goto(f"/appraisals/{personas.appraisal.reference}/results/")
    # On screen, one tab at a time.
    expect(page.locator("#ranking")).to_be_visible()
    for key in PANELS[1:]:
        expect(page.locator(f"#{key}")).to_be_hidden()
    page.emulate_media(media="print")
    for key in PANELS:
        expect(page.locator(f"#{key}")).to_be_visible()
        expect(page.locator(f"#{key} h2").first).to_be_visible()
    expect(page.locator(".govuk-tabs__list")).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.locator("#panels")).to_be_hidden()
