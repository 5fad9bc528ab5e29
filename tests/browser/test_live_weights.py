"""Weights update as the officer types, before saving: each criterion's share for direct
entry, and each criterion's weight (its points' share of all the points) for swing weighting."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import make_appraisal


@pytest.fixture
def officer_page(page, personas):
    make_appraisal(personas.lead, reference="live-weights", criteria=3)
    log_in(page, "alice")
    return page


def test_swing_weights_follow_the_points_as_they_are_typed(officer_page):
    page = officer_page
    page.goto("/appraisals/live-weights/weights/swing/")
    expect(page.get_by_text("The weights update as you type")).to_be_visible()
    points = page.locator("input.app-weight-input")
    expect(points).to_have_count(3)
    for box, value in zip(points.all(), ("100", "50", "50"), strict=True):
        box.fill(value)
    shares = page.locator("output[data-share-of]")
    expect(shares).to_have_text(["50.0%", "25.0%", "25.0%"])
    points.nth(2).fill("")  # a blank box has no weight yet
    expect(shares).to_have_text(["66.7%", "33.3%", "–"])
    assert_accessible(page)


def test_direct_weights_follow_the_numbers_as_they_are_typed(officer_page):
    page = officer_page
    page.goto("/appraisals/live-weights/weights/")
    boxes = page.locator("input.app-weight-input")
    for box, value in zip(boxes.all(), ("3", "1", "1"), strict=True):
        box.fill(value)
    expect(page.locator("output[data-share-of]")).to_have_text(["60.0%", "20.0%", "20.0%"])
