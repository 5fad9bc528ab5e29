"""The "Your council" area's sub-navigation: one entry a page, in the order shown.

To add a page (sign-in settings, the body's facts), append a `Section` here with the name
of its URL; the URL takes the council's id (`/council/<pk>/...`). Pages with
`administrators_only` are listed only to the council's administrators, and their views must
load the council with `access.get_council_for(user, pk)` (administer=True).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the template's `section`, to mark the current page
    label: str
    url_name: str
    administrators_only: bool = True


SECTIONS: list[Section] = [
    Section("people", "People", "councils:people"),
    Section("invitations", "Invitations", "councils:invitations"),
    Section("history", "History", "councils:history"),
    Section("bodies", "Partner bodies", "councils:bodies"),
    Section("sign-in", "Sign-in", "signin:council-settings"),
    Section("facts", "Facts", "councils:facts"),
    Section("statutory-officers", "Statutory officers", "appraisals:statutory-officers"),
]


def sections_for(*, administrator: bool) -> list[Section]:
    return [s for s in SECTIONS if administrator or not s.administrators_only]
