"""All 66 pairwise comparisons of twelve criteria by keyboard alone: each page opens with
the current answer focused, the arrow keys choose, Tab reaches "Save and continue", Enter
saves and moves on. Every stored judgement is the one chosen, the consistency ratio shown is
the engine's for them, and axe finds nothing on the pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from appraisals import engine, saaty
from appraisals.models import Appraisal, Change
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import make_appraisal

N = 12
KEYS = [f"criterion-{k}" for k in range(1, N + 1)]


def chosen(i: int, j: int) -> str:
    """A spread of answers, both ways round and some equal."""
    return saaty.VALUES[(3 * i + 5 * j) % len(saaty.VALUES)]


def test_all_66_comparisons_by_keyboard(page, personas):
    make_appraisal(personas.lead, reference="twelve", criteria=N)
    log_in(page, "alice")
    page.goto("/appraisals/twelve/weights/pairwise/")
    page.get_by_role("link", name="Compare one pair at a time").focus()
    page.keyboard.press("Enter")
    pairs = saaty.pairs(N)
    assert len(pairs) == 66
    trying = [[1.0] * N for _ in range(N)]
    for number, (i, j) in enumerate(pairs, start=1):
        expect(page.locator(".govuk-caption-l", has_text="Comparison")).to_have_text(
            f"Comparison {number} of 66"
        )
        expect(page.locator("h1")).to_have_text(
            f"Which matters more: Criterion {i + 1} or Criterion {j + 1}?"
        )
        current = page.locator("input[name=judgement]:checked")
        expect(current).to_be_focused()
        at = saaty.VALUES.index(current.get_attribute("value"))
        target = saaty.VALUES.index(chosen(i, j))
        key = "ArrowDown" if target > at else "ArrowUp"
        for _ in range(abs(target - at)):
            page.keyboard.press(key)
        expect(page.locator("input[name=judgement]:checked")).to_have_value(chosen(i, j))
        # As the answer changes, the consistency it would give is shown (the engine's).
        trying[i][j], trying[j][i] = saaty.value(chosen(i, j)), 1 / saaty.value(chosen(i, j))
        if target != at:
            ratio = engine.pairwise_weights(trying, KEYS).consistency.ratio
            expect(page.locator("#pairwise-live")).to_contain_text(
                f"With this answer the consistency ratio would be {ratio * 100:.1f}%"
            )
            page.wait_for_function("!document.querySelector('.htmx-request')")
        if number in (1, 40):
            assert_accessible(page)
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
        page.keyboard.press("Enter")
        if number < len(pairs):
            first, second = f"Criterion {i + 1}", f"Criterion {j + 1}"
            expect(page.locator("#judgement-saved")).to_contain_text(
                f"Saved comparison {number}: {saaty.in_words(first, second, chosen(i, j))}."
            )

    expect(page).to_have_url(re.compile(r"/appraisals/twelve/weights/pairwise/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "That was the last of the 66 comparisons."
    )
    appraisal = Appraisal.objects.get(reference="twelve")
    matrix = appraisal.pairwise_matrix
    for i, j in pairs:
        assert matrix[i][j] == pytest.approx(saaty.value(chosen(i, j)))
        assert matrix[j][i] == pytest.approx(1 / saaty.value(chosen(i, j)))
    assert appraisal.weighting_method == "pairwise"
    ratio = engine.pairwise_weights(matrix, [f"criterion-{k}" for k in range(1, N + 1)])
    expect(page.get_by_text("Consistency ratio:")).to_contain_text(
        f"{ratio.consistency.ratio * 100:.1f}%"
    )
    # A history row for each answer that changed the judgement (the first made the matrix).
    changed = sum(1 for n, (i, j) in enumerate(pairs) if n == 0 or chosen(i, j) != "1")
    assert Change.objects.filter(appraisal=appraisal, field="judgement").count() == changed
    assert_accessible(page)  # the matrix page, the way everyone can see all 66 at once


def test_the_consistency_follows_the_answer_before_saving(page, personas):
    appraisal = personas.appraisal
    appraisal.pairwise_matrix = [[1, 9, 1 / 9], [1 / 9, 1, 1], [9, 1, 1]]
    appraisal.weighting_method = "pairwise"
    appraisal.save()
    log_in(page, "alice")
    page.goto("/appraisals/test-appraisal/weights/pairwise/criterion-2/criterion-3/")
    expect(page.get_by_role("heading", name="Your comparisons so far")).to_be_visible()
    page.keyboard.press("ArrowUp")  # from "equally" to "Criterion 2 is between equally and…"
    expect(page.get_by_role("heading", name="With this answer")).to_be_visible()
    trying = [[1, 9, 1 / 9], [1 / 9, 1, 2], [9, 1 / 2, 1]]
    ratio = engine.pairwise_weights(trying, ["a", "b", "c"]).consistency.ratio
    expect(page.locator("#pairwise-live")).to_have_text(
        f"With this answer the consistency ratio would be {ratio * 100:.1f}%, above the 10% "
        "Saaty accepts."
    )
    assert Appraisal.objects.get(pk=appraisal.pk).pairwise_matrix[1][2] == 1  # not saved
    assert_accessible(page)
