"""Public bodies as partners: telling whether a name is a body already listed, and the facts
about each body (population, net revenue budget, character) in the words the scope page and
the report's background use.

Names are compared normalised (`normalised_name`): case, accents, punctuation and the words
that vary between one paper and the next ("Council", "Borough", "District", "County",
"City of", "Metropolitan", "the") are set aside, so "Harborough District Council",
"Harborough Council" and "harborough" are one body, and "Borough Council of Wellingborough"
is "Wellingborough Borough Council".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .explain import format_money
from .models import Authority

# Words that name the tier or style of a council rather than the place.
_VARYING = frozenset({"council", "borough", "district", "county", "city", "metropolitan"})
_LINKING = frozenset({"of", "the"})


def normalised_name(name: str) -> str:
    """The name as compared for duplicates: "Harborough District Council" → "harborough".

    Lower case without accents; "&" is "and"; apostrophes go ("King's" = "Kings"); other
    punctuation separates words; the varying and linking words go. A name that is nothing
    but those words ("City Council") keeps them, so that it matches only itself."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    words = re.findall(r"[a-z0-9]+", text)
    kept = [w for w in words if w not in _VARYING and w not in _LINKING]
    return " ".join(kept or words)


def same_body(name: str, among: Iterable[Authority] | None = None) -> Authority | None:
    """The body already listed under this name, however it is written; None if none is.
    `among` defaults to every authority (a few hundred names at most: read once)."""
    return next(iter(similar_bodies(name, among)), None)


def similar_bodies(name: str, among: Iterable[Authority] | None = None) -> list[Authority]:
    """Every body listed under a name that is this one, however written. Usually one at most;
    two where places share a name ("Durham County Council" and "City of Durham Council")."""
    wanted = normalised_name(name)
    if not wanted:
        return []
    candidates = Authority.objects.only("pk", "name", "kind") if among is None else among
    return [a for a in candidates if normalised_name(a.name) == wanted]


def letters(name: str) -> str:
    """The name but for case and spacing: "DURHAM  County council" → "durham county council"."""
    return " ".join(name.casefold().split())


def identical_name(a: str, b: str) -> bool:
    """The same name but for case and spacing: never two bodies, whatever anyone confirms."""
    return letters(a) == letters(b)


# --------------------------------------------------------------------------------------------
# A body's facts, in words


CHARACTER_WORDS = {
    Authority.Character.RURAL: "largely rural",
    Authority.Character.URBAN: "largely urban",
    Authority.Character.MIXED: "mixed rural and urban",
}


@dataclass(frozen=True)
class BodyFacts:
    """One council or body named on an appraisal, as the scope page and the report show it."""

    name: str
    role: str  # "lead council" or "partner"
    kind: str  # "District council", "NHS trust" …
    population: int | None
    net_revenue_budget: int | None  # pounds a year
    character: str  # Authority.Character value, "" if not recorded
    pk: int = 0  # the authority's id (for a link to its facts page), not printed
    # The working days after publication in which the lead council's decisions may be
    # called in (its constitution): the report's next steps say it; None for a partner.
    call_in_working_days: int | None = None

    @classmethod
    def of(cls, authority: Authority, role: str) -> BodyFacts:
        budget = authority.net_revenue_budget
        return cls(
            name=authority.name,
            role=role,
            kind=authority.get_kind_display(),
            population=authority.population,
            net_revenue_budget=None if budget is None else int(Decimal(budget)),
            character=authority.character or "",
            pk=authority.pk,
            # The lead council's: its constitution governs the decision (a partner's
            # facts are loaded without it).
            call_in_working_days=authority.call_in_working_days if role == LEAD else None,
        )

    @property
    def recorded(self) -> bool:
        return any((self.population, self.net_revenue_budget, self.character))

    def as_key(self) -> list:
        """Plain values for a cache key (what the report prints from)."""
        return [
            self.name,
            self.role,
            self.kind,
            self.population,
            self.net_revenue_budget,
            self.character,
            self.call_in_working_days,
        ]

    def population_figure(self) -> str:
        """ "93,000" ("" if not recorded)."""
        return "" if self.population is None else f"{self.population:,}"

    def budget_figure(self) -> str:
        """ "£14.2 million" ("" if not recorded)."""
        return "" if self.net_revenue_budget is None else format_money(self.net_revenue_budget)

    def population_text(self) -> str:
        return self.population_figure() and f"population {self.population_figure()}"

    def budget_text(self) -> str:
        return self.budget_figure() and f"net revenue budget {self.budget_figure()}"

    def character_text(self) -> str:
        return CHARACTER_WORDS.get(self.character, "")

    def facts_text(self) -> str:
        """ "population 85,000, net revenue budget £14.2 million, largely rural" ("" if none
        is recorded)."""
        parts = (self.population_text(), self.budget_text(), self.character_text())
        return ", ".join(part for part in parts if part)

    def sentence(self) -> str:
        """ "Harborough District Council (lead council): population 85,000, net revenue
        budget £14.2 million, largely rural", as a list item (the name alone if no facts)."""
        head = f"{self.name} ({self.role})"
        return f"{head}: {self.facts_text()}" if self.recorded else head


LEAD, PARTNER = "lead council", "partner"


def facts_of(appraisal) -> tuple[BodyFacts, ...]:
    """The lead council then the partners by name, from what is loaded (no query when the
    lead is selected and the partners prefetched, as the export does)."""
    partners = sorted(appraisal.partners.all(), key=lambda a: a.name)
    return (
        BodyFacts.of(appraisal.lead_authority, LEAD),
        *(BodyFacts.of(a, PARTNER) for a in partners),
    )
