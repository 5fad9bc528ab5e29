"""The law as it stood on the day of the meeting: the catalogue lists today's powers, and a
paper for a meeting before one of them came into force cites what it replaced instead.

Each entry: how the catalogue's line starts, the day it came into force, and what applied
before (the latest first, each from the day it came into force; None: nothing to cite, the
line is left out).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

_SUPERSEDED: tuple[tuple[str, dt.date, tuple[tuple[dt.date, str | None], ...]], ...] = (
    (
        "Procurement Act 2023",
        dt.date(2025, 2, 24),
        (
            (dt.date(2015, 2, 26), "Public Contracts Regulations 2015"),
            (dt.date(2006, 1, 31), "Public Contracts Regulations 2006"),
        ),
    ),
    (
        "Localism Act 2011 s.1",
        dt.date(2012, 2, 18),
        ((dt.date(2000, 10, 18), "Local Government Act 2000 s.2: the well-being power"),),
    ),
    # Trading through a company before the Localism Act: Local Government Act 2003 s.95,
    # which the catalogue lists beside it already.
    ("Localism Act 2011 s.4", dt.date(2012, 2, 18), ((dt.date(2000, 1, 1), None),)),
)


def powers_on(powers: Sequence[str], day: dt.date | None) -> list[str]:
    """`powers` as a paper for a meeting on `day` cites them (today's, when `day` is None)."""
    if day is None:
        return list(powers)
    said: list[str] = []
    for line in powers:
        said_instead: str | None = line
        for start, in_force, before in _SUPERSEDED:
            if line.startswith(start) and day < in_force:
                said_instead = next((law for since, law in before if day >= since), None)
                if said_instead is not None and ": " in line and ": " not in said_instead:
                    said_instead = f"{said_instead}: {line.split(': ', 1)[1]}"
                break
        if said_instead is not None and said_instead not in said:
            said.append(said_instead)
    return said


# What an officer's text already cites, so that the report's own lines never repeat it: each
# Act or set of Regulations as (kind, year, the word before "Act"), which tells "Local
# Government Act 1972" from "Local Government Act 2000" and from "Local Authorities (Goods and
# Services) Act 1970" however the officer spells the rest ("Local Government Acts 1972 and
# 2000" cites both).
_CITATION = re.compile(
    r"([\w()]+)\)?\s+(Acts?|Regulations)\s+(\d{4}(?:\s*(?:,|and|&)\s*\d{4})*)", re.IGNORECASE
)
_SAME_LAW = (
    (re.compile(r"\bNational Health Service Act\b", re.IGNORECASE), "NHS Act"),
    (re.compile(r"\bTUPE\b"), "Employment) Regulations 2006"),
    (re.compile(r"\bbest value\b", re.IGNORECASE), "Government Act 1999"),
)


def citations(text: str) -> set[tuple[str, str, str]]:
    """The Acts and Regulations `text` cites: {("act", "1972", "government"), …}."""
    for pattern, said in _SAME_LAW:
        text = pattern.sub(lambda m, said=said: f"{m.group(0)} {said}", text)
    found = set()
    for word, kind, years in _CITATION.findall(text):
        kind = "regulations" if kind.lower() == "regulations" else "act"
        for year in re.findall(r"\d{4}", years):
            found.add((kind, year, word.strip("()").lower()))
    return found


def cited_already(line: str, text: str) -> bool:
    """Whether the Act or Regulations `line` relies on is one `text` already cites (or
    names the duty of, as "best value" names the Local Government Act 1999's)."""
    return bool(citations(line) & citations(text))
