"""An officer scores with the keyboard only: Tab, arrow keys, typing, Enter. Each cell saves
through htmx without a reload, the totals change, and a conflict is shown, not overwritten."""

from __future__ import annotations

from playwright.sync_api import expect

from appraisals import actions
from appraisals.models import Change, Score
from tests.browser.conftest import log_in
from tests.factories import make_appraisal

GRID = "/appraisals/{}/panels/panel-1/scoring/"


def cell_input(page, appraisal, option: str, criterion: str, field: str = "score"):
    o = appraisal.options.get(key=option)
    c = appraisal.criteria.get(key=criterion)
    return page.locator(f"#c{o.pk}-{c.pk}-{field}")


def tab_to(page, target, limit: int = 60) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("Tab never reached the element")


def score(appraisal, option: str, criterion: str) -> Score | None:
    return Score.objects.filter(
        panel__appraisal=appraisal,
        panel__key="panel-1",
        option__key=option,
        criterion__key=criterion,
    ).first()


def test_officer_scores_a_panel_with_the_keyboard_only(page, personas):
    appraisal = make_appraisal(
        personas.lead, reference="keyboard", options=2, criteria=2, panels=1, scored=False
    )
    log_in(page, "alice")
    page.goto(GRID.format("keyboard"))
    page.evaluate("window.notReloaded = true")
    first = cell_input(page, appraisal, "do-nothing", "criterion-1")
    tab_to(page, first)

    page.keyboard.type("1")
    page.keyboard.press("Tab")  # to the reason: the score saves on the way
    expect(cell_input(page, appraisal, "do-nothing", "criterion-1", "reason")).to_be_focused()
    page.keyboard.type("No change, no saving")
    page.keyboard.press("Tab")  # to Option 1's score, saving the reason
    expect(cell_input(page, appraisal, "option-1", "criterion-1")).to_be_focused()
    page.keyboard.type("4")
    page.keyboard.press("ArrowDown")  # to Option 1 on Criterion 2, saving 4
    expect(cell_input(page, appraisal, "option-1", "criterion-2")).to_be_focused()
    page.keyboard.type("5")
    page.keyboard.press("Enter")  # saves this cell, not the whole form
    expect(page.locator('[data-scored="option-1"]')).to_have_text("2 of 2")
    # Weights 1 and 2: (1 x 80 + 2 x 100) / 3 = 93.3, as the engine computes it.
    expect(page.locator('[data-total="option-1"]')).to_have_text("93.3")
    page.keyboard.press("ArrowLeft")  # the caret first goes to the start of "5"…
    page.keyboard.press("ArrowLeft")  # …then to the baseline's score on Criterion 2
    expect(cell_input(page, appraisal, "do-nothing", "criterion-2")).to_be_focused()
    page.keyboard.type("9")
    page.keyboard.press("ArrowUp")  # an impossible score: refused where it was typed
    error = page.locator(".govuk-error-message", has_text="Score must be between 0 and 5")
    expect(error).to_be_visible()
    expect(page.locator("#scoring-status")).to_contain_text("Not saved")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Backspace")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    # (1 x 20 + 2 x 40) / 3 = 33.3
    expect(page.locator('[data-total="do-nothing"]')).to_have_text("33.3")
    expect(error).to_have_count(0)

    assert page.evaluate("window.notReloaded") is True  # all without a page load
    saved = {
        (s.option.key, s.criterion.key): (s.score, s.reason)
        for s in Score.objects.filter(panel__appraisal=appraisal).select_related(
            "option", "criterion"
        )
    }
    assert saved == {
        ("do-nothing", "criterion-1"): (1, "No change, no saving"),
        ("option-1", "criterion-1"): (4, ""),
        ("option-1", "criterion-2"): (5, ""),
        ("do-nothing", "criterion-2"): (2, ""),
    }
    assert Change.objects.filter(appraisal=appraisal, kind="score", user=personas.officer).exists()


def test_a_score_changed_behind_the_page_is_shown_not_overwritten(page, personas):
    appraisal = personas.appraisal
    log_in(page, "alice")
    page.goto(GRID.format(appraisal.reference))
    theirs = score(appraisal, "option-1", "criterion-1")
    panel = theirs.panel
    panel.appraisal = appraisal
    actions.save_score(
        panel=panel,
        option=theirs.option,
        criterion=theirs.criterion,
        score=5,
        reason="Ada's evidence",
        expected_version=theirs.version,
        user=personas.admin,
    )
    history = Change.objects.count()

    box = cell_input(page, appraisal, "option-1", "criterion-1")
    tab_to(page, box)
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    message = page.get_by_text("This score was changed by ada at")
    expect(message).to_be_visible()
    expect(page.get_by_text("Their reason: Ada's evidence")).to_be_visible()
    expect(box).to_have_value("1")  # hers, kept
    assert score(appraisal, "option-1", "criterion-1").score == 5
    assert Change.objects.count() == history  # nothing written, no history

    # Shift+Tab back to the score (the cell's own button is not in the Tab order), and
    # Enter saves hers over theirs.
    page.keyboard.press("Shift+Tab")
    expect(box).to_be_focused()
    page.keyboard.press("Enter")
    expect(message).to_have_count(0)
    expect(
        page.locator(f"#{box.get_attribute('id').removesuffix('-score')} .app-scoring__saved")
    ).to_be_visible()
    assert score(appraisal, "option-1", "criterion-1").score == 1


def test_enter_saves_the_cell_once(page, personas):
    appraisal = make_appraisal(
        personas.lead, reference="enter-once", options=2, criteria=2, panels=1, scored=False
    )
    log_in(page, "alice")
    page.goto(GRID.format("enter-once"))
    saves = []
    page.on("request", lambda request: request.method == "POST" and saves.append(request.url))
    box = cell_input(page, appraisal, "option-1", "criterion-1")
    tab_to(page, box)
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    saved = page.locator(f"#{box.get_attribute('id').removesuffix('-score')} .app-scoring__saved")
    expect(saved).to_be_visible()
    # A second save would be sent as soon as the first answer replaced the cell.
    page.wait_for_timeout(750)
    assert len(saves) == 1, saves
    expect(saved).to_be_visible()  # not wiped by a second, empty answer
    expect(box).to_be_focused()
    assert score(appraisal, "option-1", "criterion-1").score == 3
    assert Change.objects.filter(appraisal=appraisal, kind="score").count() == 1


def test_enter_on_a_score_changed_behind_the_page_keeps_theirs(page, personas):
    """The conflict answer replaces the cell under the caret; that must not save it again."""
    appraisal = personas.appraisal
    log_in(page, "alice")
    page.goto(GRID.format(appraisal.reference))
    theirs = score(appraisal, "option-1", "criterion-1")
    actions.save_score(
        panel=theirs.panel,
        option=theirs.option,
        criterion=theirs.criterion,
        score=5,
        reason="Ada's evidence",
        expected_version=theirs.version,
        user=personas.admin,
    )
    box = cell_input(page, appraisal, "option-1", "criterion-1")
    tab_to(page, box)
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    message = page.get_by_text("This score was changed by ada at")
    expect(message).to_be_visible()
    page.wait_for_timeout(750)
    expect(message).to_be_visible()
    expect(box).to_have_value("1")
    assert score(appraisal, "option-1", "criterion-1").score == 5


def test_one_arrow_press_leaves_a_score_box_at_its_edge(page, personas):
    appraisal = make_appraisal(
        personas.lead, reference="arrows", options=3, criteria=2, panels=1, scored=True
    )
    log_in(page, "alice")
    page.goto(GRID.format("arrows"))
    o1 = cell_input(page, appraisal, "option-1", "criterion-1")
    tab_to(page, o1)  # its one-character score is selected, as Tab leaves it
    page.keyboard.press("ArrowRight")
    expect(cell_input(page, appraisal, "option-2", "criterion-1")).to_be_focused()
    page.keyboard.press("ArrowRight")  # arrived by arrow, score selected: on again at once
    o3 = cell_input(page, appraisal, "option-3", "criterion-1")
    expect(o3).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(cell_input(page, appraisal, "option-2", "criterion-1")).to_be_focused()

    # The caret at the end of a one-character score: one press moves on.
    o1.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    expect(cell_input(page, appraisal, "option-2", "criterion-1")).to_be_focused()

    # Inside a longer score the arrows move the caret, and leave only from the edge.
    page.keyboard.press("Control+A")
    page.keyboard.type("2.5")
    page.keyboard.press("ArrowLeft")  # caret between "2." and "5"
    page.keyboard.press("ArrowRight")  # caret at the end
    expect(cell_input(page, appraisal, "option-2", "criterion-1")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(o3).to_be_focused()

    # Up and down still move between criteria.
    page.keyboard.press("ArrowDown")
    expect(cell_input(page, appraisal, "option-3", "criterion-2")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(o3).to_be_focused()

    # 2.5 was saved on leaving its box (and the test waits for it before the server stops).
    o2 = cell_input(page, appraisal, "option-2", "criterion-1").get_attribute("id")
    expect(page.locator(f"#{o2.removesuffix('-score')} .app-scoring__saved")).to_be_visible()
    assert score(appraisal, "option-2", "criterion-1").score == 2.5
