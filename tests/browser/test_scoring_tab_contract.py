"""The grid's keyboard contract (issue 14): Tab goes from a cell's score to its reason, then
to the next cell's score, along the row and then to the next row, with nothing in between.
Guidance is reached with Alt+G from the row's boxes and never takes typing."""

from __future__ import annotations

import time

from django.db import OperationalError
from playwright.sync_api import expect

from appraisals.models import Criterion, Score
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import make_appraisal

GRID = "/appraisals/{}/panels/panel-1/scoring/"


def guided_appraisal(personas, reference: str):
    appraisal = make_appraisal(
        personas.lead, reference=reference, options=2, criteria=3, panels=1, scored=False
    )
    Criterion.objects.filter(appraisal=appraisal).update(
        guidance="1: worse than today. 3: as today. 5: much better."
    )
    return appraisal


def box(page, option, criterion, field: str):
    return page.locator(f"#c{option.pk}-{criterion.pk}-{field}")


def stored(appraisal) -> dict | None:
    """The stored scores; None while the live server's thread holds the table (SQLite's
    shared in-memory test database says "table is locked" rather than wait)."""
    try:
        return {
            (s.option.key, s.criterion.key): (s.score, s.reason)
            for s in Score.objects.filter(panel__appraisal=appraisal).select_related(
                "option", "criterion"
            )
        }
    except OperationalError:
        return None


def test_a_whole_grid_typed_with_tab_alone_lands_in_the_right_cells(page, personas):
    appraisal = guided_appraisal(personas, "tab-only")
    options = list(appraisal.options.order_by("order", "pk"))
    criteria = list(appraisal.criteria.order_by("order", "pk"))
    log_in(page, "alice")
    page.goto(GRID.format("tab-only"))
    box(page, options[0], criteria[0], "score").focus()

    expected = {}
    for r, criterion in enumerate(criteria):
        for c, option in enumerate(options):
            # Reasons with digits and spaces, scores with a trailing space: what went astray
            # before (digits in reason boxes, a space opening the guidance).
            score, reason = f"{(r + c) % 5 + 1} ", f"Costs {r}{c} more in year 2"
            expect(box(page, option, criterion, "score")).to_be_focused()
            page.keyboard.type(score)
            page.keyboard.press("Tab")
            expect(box(page, option, criterion, "reason")).to_be_focused()
            page.keyboard.type(reason)
            page.keyboard.press("Tab")
            expected[(option.key, criterion.key)] = (float(score), reason)
    expect(page.locator(".app-scoring__guidance[open]")).to_have_count(0)

    deadline = time.monotonic() + 15  # every save queued on the form has been answered
    while stored(appraisal) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert stored(appraisal) == expected
    for option in options:
        expect(page.locator(f'[data-scored="{option.key}"]')).to_have_text("3 of 3")


def test_shift_tab_walks_the_same_path_back(page, personas):
    appraisal = guided_appraisal(personas, "tab-back")
    options = list(appraisal.options.order_by("order", "pk"))
    criteria = list(appraisal.criteria.order_by("order", "pk"))
    log_in(page, "alice")
    page.goto(GRID.format("tab-back"))
    box(page, options[0], criteria[1], "score").focus()
    page.keyboard.press("Shift+Tab")  # from row 2's first score to row 1's last reason
    expect(box(page, options[-1], criteria[0], "reason")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(box(page, options[-1], criteria[0], "score")).to_be_focused()


def test_alt_g_shows_the_guidance_without_taking_the_focus(page, personas):
    appraisal = guided_appraisal(personas, "guidance")
    option = appraisal.options.get(key="option-1")
    criterion = appraisal.criteria.get(key="criterion-2")
    log_in(page, "alice")
    page.goto(GRID.format("guidance"))
    score = box(page, option, criterion, "score")
    guidance = page.locator(f"#guidance-{criterion.pk}")
    expect(score).to_have_attribute("aria-keyshortcuts", "Alt+G")
    assert "guidance-key" in score.get_attribute("aria-describedby")

    score.focus()
    page.keyboard.press(" ")  # a space in a score box is a space, never the guidance
    expect(guidance).not_to_have_attribute("open", "")
    page.keyboard.press("Alt+g")
    expect(guidance).to_have_attribute("open", "")
    expect(page.locator("#scoring-status")).to_have_text(
        "Guidance for Criterion 2: 1: worse than today. 3: as today. 5: much better."
    )
    expect(score).to_be_focused()
    page.keyboard.type("4")  # typing goes on in the box
    expect(score).to_have_value(" 4")
    assert_accessible(page)
    page.keyboard.press("Alt+g")
    expect(guidance).not_to_have_attribute("open", "")


def test_reason_boxes_grow_to_show_their_text(page, personas):
    appraisal = guided_appraisal(personas, "grow")
    option = appraisal.options.get(key="option-1")
    criterion = appraisal.criteria.get(key="criterion-1")
    log_in(page, "alice")
    page.goto(GRID.format("grow"))
    reason = box(page, option, criterion, "reason")
    before = reason.bounding_box()["height"]
    reason.fill("A longer reason, with the evidence behind the score. " * 4)
    after = reason.bounding_box()["height"]
    assert after > before + 20  # more lines than the two it starts with
    assert reason.evaluate("el => el.scrollHeight <= el.clientHeight")  # all of it shows


def test_a_conflict_keeps_the_tab_contract_and_is_saved_from_outside_the_grid(page, personas):
    # The cell's "Save my score" sat between its score and reason in the Tab order. Now the
    # conflict is said in the live region, Enter in the score box saves, and the only other
    # keyboard control is after the grid.
    from appraisals import actions

    appraisal = guided_appraisal(personas, "tab-conflict")
    options = list(appraisal.options.order_by("order", "pk"))
    criteria = list(appraisal.criteria.order_by("order", "pk"))
    panel = appraisal.panels.get(key="panel-1")
    log_in(page, "alice")
    page.goto(GRID.format("tab-conflict"))
    for option in options[:2]:  # two cells changed by someone else since the page opened
        actions.save_score(
            panel=panel,
            option=option,
            criterion=criteria[0],
            score=5,
            reason="Ada's evidence",
            expected_version=None,
            user=personas.admin,
        )

    box(page, options[0], criteria[0], "score").focus()
    status = page.locator("#scoring-status")
    expected = {}
    for r, criterion in enumerate(criteria):
        for option in options:
            conflicted = r == 0 and option in options[:2]
            expect(box(page, option, criterion, "score")).to_be_focused()
            page.keyboard.type("2")
            page.keyboard.press("Tab")
            expect(box(page, option, criterion, "reason")).to_be_focused()
            if conflicted:  # said, and shown in the cell, with the focus left where it was
                expect(status).to_contain_text("To save yours over theirs, press Enter")
                expect(
                    page.locator(f"#c{option.pk}-{criterion.pk} [data-conflict]")
                ).to_be_visible()
                expect(box(page, option, criterion, "reason")).to_be_focused()
            else:
                page.keyboard.type(f"Ours {r}")
            page.keyboard.press("Tab")
            expected[(option.key, criterion.key)] = (2.0, "" if conflicted else f"Ours {r}")
    retries = page.locator(".app-scoring__retry")
    expect(retries).to_have_count(2)
    for retry in retries.all():
        expect(retry).to_have_attribute("tabindex", "-1")

    # Tab on past the grid reaches "Scores not saved", one button a conflict, in grid order.
    region = page.locator("#scoring-conflicts")
    expect(region).to_be_visible()
    names = [f"Save my score for {o.name} on {criteria[0].name}" for o in options[:2]]
    expect(region.get_by_role("button")).to_have_text(names)
    first = region.get_by_role("button", name=names[0])
    for _ in range(10):
        if first.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    # Saved over theirs; the button goes and the focus goes to that cell's score.
    expect(region.get_by_role("button")).to_have_text(names[1:])
    expect(box(page, options[0], criteria[0], "score")).to_be_focused()
    # The other one, by Enter in its score box.
    box(page, options[1], criteria[0], "score").focus()
    page.keyboard.press("Enter")
    expect(region).to_be_hidden()
    assert_accessible(page)

    deadline = time.monotonic() + 15
    while stored(appraisal) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert stored(appraisal) == expected
