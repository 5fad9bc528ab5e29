"""Issue 14's "Done when", as a new officer would do it: a four-option appraisal (one option
rejected), five criteria from the library with swing weights, two panels each scoring the
whole grid by keyboard, and two risks; then every stored value is checked, and the page
submits (form posts that load a page) and the fields filled are counted. The counts are in
the README: a browser is faster than a person, so the time taken says little; the submits
and fields say how much work it is."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from playwright.sync_api import expect

from appraisals.models import Appraisal, Option, Risk, Score
from appraisals.results import evaluate
from tests.browser.conftest import assert_accessible, log_in

TREASURY = [
    "Strategic fit and business needs",
    "Potential value for money",
    "Supplier capacity and capability",
    "Potential affordability",
    "Potential achievability",
]
SWING = [100, 80, 60, 40, 20]  # points: the best swing first
PANELS = {"Staff": "alice", "Councillors": "bob"}  # and alice on both, to score them


def scores_of(appraisal) -> dict | None:
    try:
        return {
            (s.panel.name, s.option.name, s.criterion.name): (s.score, s.reason)
            for s in Score.objects.filter(panel__appraisal=appraisal).select_related(
                "panel", "option", "criterion"
            )
        }
    except OperationalError:  # the live server's thread holds the table (SQLite in memory)
        return None  # read only once the page has no save on the way


def test_a_new_officer_builds_the_whole_appraisal(page, personas):
    catalogue = Path(settings.BASE_DIR, "fixtures", "delivery_models.json").read_text()
    call_command("load_demo", reference_only=True, verbosity=0)
    assert len(json.loads(catalogue)) >= 4
    log_in(page, "alice")
    submits: list[str] = []
    saves: list[str] = []  # the grid's own saves, made as the officer leaves each box
    fields = 0

    def on_request(request) -> None:
        if request.method != "POST":
            return
        (submits if request.is_navigation_request() else saves).append(request.url)

    page.on("request", on_request)

    def fill(locator, value: str) -> None:
        nonlocal fields
        locator.fill(value)
        fields += 1

    def check(locator) -> None:
        nonlocal fields
        locator.check()
        fields += 1

    started = time.monotonic()

    # Scope: a title is all it takes to start.
    page.get_by_role("button", name="Start a new appraisal").click()
    fill(page.get_by_label("Title"), "Future of leisure services")
    page.get_by_role("button", name="Start the appraisal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Future of leisure services")
    appraisal = Appraisal.objects.get(title="Future of leisure services")

    # Four options in four submits, one rejected with its reason.
    page.get_by_role("link", name="Options", exact=True).click()

    def add(model: str) -> None:
        page.get_by_role("button", name=re.compile(rf"^Add\W+{model}")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add an option")

    add("Do nothing")
    page.get_by_role("button", name="Add option").click()
    add("In-house transformation")
    page.get_by_role("button", name="Add option").click()
    add("Shared service")
    fill(page.get_by_label("Name"), "Shared service with Partner")
    page.get_by_role("button", name="Add option").click()
    add("Outsourcing")
    check(page.get_by_label("Rejected", exact=True))
    fill(page.get_by_label("Why was it rejected?"), "No provider market for leisure")
    page.get_by_role("button", name="Add option").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("rejected")

    # Five criteria from the library in one submit, then swing weights in one more.
    page.get_by_role("link", name=appraisal.title).first.click()
    page.get_by_role("link", name="Criteria and weights", exact=True).click()
    for name in TREASURY:
        check(page.get_by_label(name, exact=True))
    page.get_by_role("button", name="Add the selected criteria").click()
    page.goto(f"/appraisals/{appraisal.reference}/weights/swing/")
    points = page.locator("input.app-weight-input")
    expect(points).to_have_count(5)
    for box, value in zip(points.all(), SWING, strict=True):
        fill(box, str(value))
    expect(page.locator("output[data-share-of]").first).to_have_text("33.3%")
    page.get_by_role("button", name="Save swing weights").click()

    # Two panels, the officer on both.
    page.get_by_role("link", name=appraisal.title).first.click()
    page.get_by_role("link", name="Panels and scoring", exact=True).click()
    for name, member in PANELS.items():
        fill(page.get_by_label("Name"), name)
        check(page.get_by_label(re.compile(f"^{member}")))
        if member != "alice":
            check(page.get_by_label(re.compile("^alice")))
        page.get_by_role("button", name="Add panel").click()
        expect(page.get_by_role("row", name=re.compile(name))).to_be_visible()

    # Each panel's grid, typed with Tab alone: no page submit, each box saved as it is left.
    expected_scores = {}
    shortlisted = list(
        appraisal.options.exclude(status=Option.Status.REJECTED).order_by("order", "pk")
    )
    criteria = list(appraisal.criteria.order_by("order", "pk"))
    for p, panel in enumerate(appraisal.panels.order_by("pk")):
        page.goto(f"/appraisals/{appraisal.reference}/panels/{panel.key}/scoring/")
        page.locator(f"#c{shortlisted[0].pk}-{criteria[0].pk}-score").focus()
        for r, criterion in enumerate(criteria):
            for c, option in enumerate(shortlisted):
                score = (r + c + p) % 5 + 1
                reason = f"{panel.name}: {option.name} on {criterion.name}, {score}"
                page.keyboard.type(str(score))
                page.keyboard.press("Tab")
                page.keyboard.type(reason)
                page.keyboard.press("Tab")
                fields += 2
                expected_scores[(panel.name, option.name, criterion.name)] = (score, reason)
        # Every save answered: the grid's totals say each option has all five scores.
        for option in shortlisted:
            expect(page.locator(f'[data-scored="{option.key}"]')).to_have_text("5 of 5")
        expect(page.locator(".app-scoring__failed")).to_have_count(0)
        page.wait_for_load_state("networkidle")
    assert scores_of(appraisal) == expected_scores

    # Two risks.
    risks = [
        ("Staff leave before the change", 3, 4, "Early engagement with staff", 2, 3),
        ("The partner council withdraws", 2, 5, "A signed partnership agreement", 1, 4),
    ]
    for text, lk, im, control, rlk, rim in risks:
        page.goto(f"/appraisals/{appraisal.reference}/risks/")
        page.get_by_role("button", name="Add a risk").click()
        fill(page.get_by_label("Risk", exact=True), text)
        for field, value in (("likelihood", lk), ("impact", im)):
            check(page.locator(f"#id_{field}_{value - 1}"))  # ids count from 0
        fill(page.get_by_label("Control measures"), control)
        for field, value in (("residual_likelihood", rlk), ("residual_impact", rim)):
            check(page.locator(f"#id_{field}_{value - 1}"))  # ids count from 0
        page.get_by_role("button", name="Save risk").click()
        expect(page.get_by_text(text)).to_be_visible()
    elapsed = time.monotonic() - started

    # Every value where it was put.
    options = {
        o.name: (o.delivery_model.key, o.status, o.baseline, o.rejection_reason)
        for o in appraisal.options.select_related("delivery_model")
    }
    assert options == {
        "Do nothing (business as usual)": ("do-nothing", "shortlisted", True, ""),
        "In-house transformation": ("in-house", "shortlisted", False, ""),
        "Shared service with Partner": ("shared-service", "shortlisted", False, ""),
        "Outsourcing": ("outsourcing", "rejected", False, "No provider market for leisure"),
    }
    assert [c.name for c in criteria] == TREASURY
    result = evaluate(appraisal).result
    weights = [result.weights[c.key] for c in criteria]
    assert weights == pytest.approx([s / sum(SWING) for s in SWING])
    panels = {p.name: sorted(m.username for m in p.members.all()) for p in appraisal.panels.all()}
    assert panels == {"Staff": ["alice"], "Councillors": ["alice", "bob"]}
    assert len(expected_scores) == 2 * 3 * 5 and scores_of(appraisal) == expected_scores
    stored_risks = {
        (r.risk, r.likelihood, r.impact, r.controls, r.residual_likelihood, r.residual_impact)
        for r in Risk.objects.filter(appraisal=appraisal)
    }
    assert stored_risks == set(risks)
    assert len(result.ranking) == 2  # both options besides the baseline complete and ranked

    # The results page answers, and passes axe.
    page.goto(f"/appraisals/{appraisal.reference}/results/")
    assert_accessible(page)
    print(
        f"\nDone-when journey: {len(submits)} page submits, {fields} fields, "
        f"{len(saves)} grid saves, {elapsed:.0f} s"
    )
    assert len(submits) <= 11, (
        submits
    )  # 1 scope, 4 options, 1 criteria, 1 weights, 2 panels, 2 risks
