"""Formatting: dates, values, plurals, columns and names as the report prints them."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.formats import date_format

from ..explain import format_signed, format_value, join_names
from .structure import Cell, Column, Figure


def _date(value: str | dt.date | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return date_format(value, "j F Y")


def _value(x: float | None) -> str:
    return "–" if x is None else format_value(x)


def _signed(x: float | None) -> str:
    if x is None:
        return "–"
    return format_signed(x)


def _payback_cell(x: float | None) -> str:
    """Payback in a table cell, in the financial case's years (`finance.payback_words`)."""
    if x is None:
        return "Never"
    return "Year 0" if x == 0 else f"During year {math.ceil(x)}"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _width_classes(*widths: int) -> tuple[str, ...]:
    return tuple(f"w-{w}" for w in widths)


def _columns(spec: Sequence[tuple[str, str]]) -> tuple[Column, ...]:
    return tuple(Column(label, cls) for label, cls in spec)


def _figure(chart: Any, cls: str = "") -> Figure | None:
    return None if chart is None else Figure(chart, cls)


def _columns_of(items: Sequence[Any], most: int) -> list[tuple[int, Sequence[Any]]]:
    """`items` in as few runs of at most `most` as will do, as even as can be (7 → 4 + 3, not
    6 + 1), each with the 1-based number of its first item."""
    if not items:
        return []
    count = -(-len(items) // most)
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append((start + 1, items[start:end]))
        start = end
    return runs


def services_phrase(doc: Mapping[str, Any]) -> str:
    """The services in scope in a sentence, "support services" or "ICT and payroll" (an
    initialism keeps its capitals); "" when the appraisal covers the whole organisation."""
    services = [s for s in doc.get("services") or [] if s.casefold() != "whole organisation"]

    def in_sentence(name: str) -> str:
        first = name.split()[0] if name.split() else name
        return name if len(first) > 1 and first[1].isupper() else name[:1].lower() + name[1:]

    return join_names([in_sentence(s) for s in services if s.strip()])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]+", "-", text.lower()).strip("-")


def _model_label(option: str, model: str) -> str:
    """The delivery model as said in brackets after an option's name: "" when the name says it
    already ("Shared service" after "Option 1 shared service", "Shared chief executive /
    management team" after "Shared CEO and management team"), only what it adds ("business
    as usual" after "Do nothing", for "Do nothing (business as usual)"), and never with
    brackets of its own, which would nest."""
    name, _, extra = model.partition(" (")
    extra = extra.removesuffix(")").strip()
    said = _words(option)
    if _words(model) <= said:
        return ""
    if _words(name) <= said:
        return "" if _words(extra) <= said else extra
    return f"{name}, {extra}" if extra else name


# Abbreviations officers use in option names, read as the words the catalogue uses.
_ABBREVIATIONS = {"ceo": ("chief", "executive"), "jv": ("joint", "venture")}
_FILLERS = frozenset({"and", "a", "an", "the", "of", "with", "to"})


def _stem(word: str) -> str:
    """A word without the endings that change its form but not what it says: "outsourcing",
    "outsourced" and "outsource" are all "outsourc", "shared" and "share" "shar", "services"
    "servic". Short words are left alone ("led", "need")."""
    word = word[:-1] if len(word) > 3 and word.endswith("s") else word
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)].removesuffix("e")
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def _words(text: str) -> frozenset[str]:
    """The word stems of a name, for "does this name say that already": case, order, hyphens,
    brackets, fillers and word forms ignored ("In-house" matches "in house", "services"
    "service", "Outsource" "Outsourcing", "Shared" "share", "CEO" "chief executive")."""
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", text.casefold()):
        word = word[:-1] if len(word) > 3 and word.endswith("s") else word
        words.extend(_stem(w) for w in _ABBREVIATIONS.get(word, (word,)))
    return frozenset(words) - _FILLERS


RATING_BEFORE = "Before controls: likelihood × impact = rating"
RATING_AFTER = "After controls: likelihood × impact = rating"


def _rating_cell(likelihood: int, impact: int, rating: Any) -> Cell:
    """ "3 × 4 = 12, high", shaded by its band: the register's rating with what makes it.
    An exempt risk's, withheld in the open report (`exempt.WITHHELD`): "Exempt"."""
    if rating.band == "exempt":
        return Cell("Exempt")
    return Cell(
        f"{likelihood} × {impact} = {rating.score}, {rating.band}", f"band-{_slug(rating.band)}"
    )
