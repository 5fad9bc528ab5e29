"""The Keystroke-Level Model that times the Done-when journey (tests/browser/klm.py): each
action books the operators Card, Moran and Newell give, so the journey's estimate is theirs."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from tests.browser.klm import B, H, Journey, K, M, P


class Box:
    def click(self) -> None: ...
    def fill(self, text: str) -> None: ...
    def check(self) -> None: ...


class Keyboard:
    def type(self, text: str) -> None: ...
    def press(self, key: str) -> None: ...


class Page:
    keyboard = Keyboard()

    def expect_navigation(self, **kwargs):
        return nullcontext()


def test_each_action_books_its_operators():
    officer = Journey(Page())
    officer.begin("form")
    officer.fill(Box(), "alice")  # point, click, hand to the keyboard, five keys
    assert officer.seconds() == pytest.approx(M + P + 2 * B + H + 5 * K)
    officer.tick(Box())  # hand back to the mouse first
    assert officer.seconds("form") == pytest.approx(2 * (M + P + 2 * B) + 2 * H + 5 * K)
    officer.begin("grid")
    officer.focus(Box())
    officer.type_then_tab("3")  # the score and its Tab
    officer.type_then_tab("")  # an empty reason: deciding to leave it, and the Tab
    assert officer.seconds("grid") == pytest.approx(M + P + 2 * B + H + 2 * M + 3 * K)
    assert (officer.fields, officer.chars) == (3, 6)


def test_a_page_load_adds_its_measured_response():
    officer = Journey(Page())
    officer.click(Box(), loads=True)
    (waited,) = officer.responses["start"]
    assert officer.seconds() == pytest.approx(M + P + 2 * B + waited)


def test_typing_needs_a_box_in_focus():
    with pytest.raises(AssertionError):
        Journey(Page()).type_then_tab("3")


def test_twice_the_fields_doubles_their_share_of_the_estimate():
    once, twice = Journey(Page()), Journey(Page())
    for _ in range(1):
        once.fill(Box(), "Staff leave before the change")
    for _ in range(2):
        twice.fill(Box(), "Staff leave before the change")
    assert once.field_seconds == pytest.approx(once.seconds())
    # The second box costs the same but for the hand, which is already at the keyboard.
    assert twice.seconds() == pytest.approx(once.seconds() + once.field_seconds + H)
