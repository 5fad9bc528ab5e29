"""Wide tables at a 1280px window, on the demo's Harborough appraisal (12 criteria, 5 options):
the page is never wider than the window; a table too wide for the column scrolls inside its own
region, which a keyboard user can focus and scroll; the scoring grid fits all five options."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from appraisals.management.commands.load_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in

HARBOROUGH = "/appraisals/hdc-future-options-2011/"
PAIRWISE = HARBOROUGH + "weights/pairwise/"
SCORING = HARBOROUGH + "panels/staff/scoring/"


@pytest.fixture
def officer_page(page, db):
    call_command("load_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "officer", DEMO_PASSWORD)
    return page


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def scroll_region(page, caption: str):
    """The table's scroll region, found as assistive technology finds it: by its caption."""
    region = page.get_by_role("region", name=caption)
    expect(region).to_have_attribute("tabindex", "0")
    caption_id = region.get_attribute("aria-labelledby")
    expect(region.locator(f"caption#{caption_id}")).to_have_text(caption)
    return region


def test_the_pairwise_table_scrolls_in_its_own_region_not_the_page(officer_page):
    page = officer_page
    page.goto(PAIRWISE)
    scroll, window = page_width(page)
    assert scroll <= window, f"the page is {scroll}px wide in a {window}px window"

    region = scroll_region(page, "Row compared with column")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # eleven columns: it scrolls
    region.focus()  # Tab reaches it, and the arrow keys scroll it
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    # The row headers stay in view while the judgements scroll under them.
    row_header = region.get_by_role("rowheader", name="Politically viable")
    box, frame = row_header.bounding_box(), region.bounding_box()
    assert box["x"] >= frame["x"] - 1
    assert page_width(page)[0] <= window
    assert_accessible(page)


def test_the_scoring_grid_fits_five_options_at_1280px(officer_page):
    page = officer_page
    page.goto(SCORING)
    scroll, window = page_width(page)
    assert scroll <= window, f"the page is {scroll}px wide in a {window}px window"

    region = scroll_region(page, "Scores from 0 to 5: criteria in rows, options in columns")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing hidden to the right
    headers = region.locator("thead th.app-scoring__option")
    expect(headers).to_have_count(5)
    frame = region.bounding_box()
    for i in range(5):
        box = headers.nth(i).bounding_box()
        assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, f"option {i + 1}"
    assert_accessible(page)
