"""A Keystroke-Level Model of a browser journey: each action the test performs is also
charged the time a person would take to do it, so a journey test can say how long it takes
a new officer, not how long it takes Chromium.

The operators are those of Card, Moran and Newell, "The Keystroke-Level Model for User
Performance Time with Interactive Systems", Communications of the ACM 23(7), July 1980,
pp. 396-410 (Figure 1), also in their book "The Psychology of Human-Computer Interaction"
(1983), chapter 8. R, the system's response, is measured: the time from the click to the
next page's load event on this machine.

The model is of error-free execution. It does not count reading a page for the first time
or deciding what score to give: it is the "minutes of clicks", not of thinking.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

# Seconds per operator (Card, Moran and Newell 1980, Figure 1).
K = 0.28  # a keystroke, "average non-secretary typist" (40 words a minute)
P = 1.10  # point with the mouse at a target on the screen
B = 0.10  # press or release the mouse button: a click is two, BB = 0.2 s
H = 0.40  # move the hand between keyboard and mouse
M = 1.35  # mentally prepare: before each field filled and each control chosen
OPERATORS = {"K": K, "P": P, "B": B, "H": H, "M": M}


@dataclass
class Journey:
    """Performs each action on the page and books its operators against the current stage."""

    page: object
    stage: str = "start"
    hand: str = "mouse"
    fields: int = 0
    chars: int = 0
    ops: dict[str, Counter] = field(default_factory=dict)
    responses: dict[str, list[float]] = field(default_factory=dict)
    field_seconds: float = 0.0  # the part that scales with the number of fields

    def begin(self, stage: str) -> None:
        self.stage = stage

    def _book(self, **counts: int) -> float:
        booked = self.ops.setdefault(self.stage, Counter())
        booked.update(counts)
        return sum(OPERATORS[op] * n for op, n in counts.items())

    def _to(self, device: str) -> int:
        moved = int(self.hand != device)
        self.hand = device
        return moved

    def click(self, locator, *, loads: bool = False) -> None:
        """Choose a control: M, hand to the mouse if need be, P, BB; R if a page loads."""
        self._book(M=1, H=self._to("mouse"), P=1, B=2)
        if not loads:
            locator.click()
            return
        started = time.monotonic()
        with self.page.expect_navigation(wait_until="load"):
            locator.click()
        self.responses.setdefault(self.stage, []).append(time.monotonic() - started)

    def tick(self, locator) -> None:
        """A checkbox or radio: M, H if need be, P, BB."""
        self.field_seconds += self._book(M=1, H=self._to("mouse"), P=1, B=2)
        locator.check()
        self.fields += 1

    def fill(self, locator, text: str) -> None:
        """A text box: M, point and click into it, hand to the keyboard, a K per character."""
        self.field_seconds += self._book(M=1, H=self._to("mouse") + 1, P=1, B=2, K=len(text))
        self.hand = "keyboard"
        locator.fill(text)
        self.fields += 1
        self.chars += len(text)

    def focus(self, locator) -> None:
        """Click into a box to start typing there: M, P, BB, then the hand to the keyboard."""
        self._book(M=1, H=self._to("mouse") + 1, P=1, B=2)
        self.hand = "keyboard"
        locator.click()

    def type_then_tab(self, text: str) -> None:
        """The next box in the Tab order: M, a K per character, a K for the Tab (an empty
        box is M and the Tab: deciding to leave it, and leaving it)."""
        assert self.hand == "keyboard", "focus a box before typing"
        self.field_seconds += self._book(M=1, K=len(text) + 1)
        self.page.keyboard.type(text)
        self.page.keyboard.press("Tab")
        self.fields += bool(text)
        self.chars += len(text)

    # The figures.

    def seconds(self, stage: str | None = None) -> float:
        stages = [stage] if stage else list(self.ops)
        motor = sum(
            OPERATORS[op] * n for s in stages for op, n in self.ops.get(s, Counter()).items()
        )
        return motor + sum(sum(self.responses.get(s, [])) for s in stages)

    def total_ops(self) -> Counter:
        total = Counter()
        for booked in self.ops.values():
            total.update(booked)
        return total

    def breakdown(self) -> str:
        lines = [
            f"{'stage':<22}{'M':>5}{'P':>5}{'B':>5}{'H':>5}{'K':>6}{'loads':>6}"
            f"{'R s':>7}{'total s':>9}"
        ]
        for stage, booked in self.ops.items():
            waits = self.responses.get(stage, [])
            lines.append(
                f"{stage:<22}{booked['M']:>5}{booked['P']:>5}{booked['B']:>5}{booked['H']:>5}"
                f"{booked['K']:>6}{len(waits):>6}{sum(waits):>7.1f}{self.seconds(stage):>9.1f}"
            )
        total = self.total_ops()
        waits = [w for stage in self.responses.values() for w in stage]
        lines.append(
            f"{'total':<22}{total['M']:>5}{total['P']:>5}{total['B']:>5}{total['H']:>5}"
            f"{total['K']:>6}{len(waits):>6}{sum(waits):>7.1f}{self.seconds():>9.1f}"
        )
        seconds = {op: OPERATORS[op] * total[op] for op in OPERATORS}
        lines.append(
            "seconds by operator: "
            + ", ".join(f"{op} {s:.0f}" for op, s in seconds.items())
            + f", R {sum(waits):.0f}"
        )
        lines.append(
            f"{self.fields} fields, {self.chars} characters typed; "
            f"estimate {self.seconds() / 60:.1f} minutes, "
            f"{(self.seconds() + self.field_seconds) / 60:.1f} with twice the fields"
        )
        return "\n".join(lines)
