"""Benefits realisation: the chosen option's actual costs and savings by year, against the
financial case members decided on (low, central and high, from the issued version's
snapshot) and against the savings target's trajectory. Pure: no database.

Every figure is the lead council's (its share of a partnership's, as in the report), in
pounds a year; planned costs carry the optimism-bias uplift the case was decided with. The
target's trajectory rises in equal steps from nothing in year 0 to the target in its year,
then holds: a target "£3 million a year by year 4" expects £750,000 a year by year 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .finance import FinanceIn


@dataclass(frozen=True)
class Actual:
    year: int
    costs: float
    savings: float
    note: str = ""


@dataclass(frozen=True)
class YearRow:
    year: int
    planned_costs: float
    savings_low: float
    savings_central: float
    savings_high: float
    target: float | None  # the trajectory's pounds a year; None with no target
    actual: Actual | None

    @property
    def variance(self) -> float | None:
        """Actual savings less central savings (negative: short of the plan)."""
        return None if self.actual is None else self.actual.savings - self.savings_central

    @property
    def against_range(self) -> str:
        """Where the actual savings fall: "below the low case", "within the range", …"""
        if self.actual is None:
            return ""
        s = self.actual.savings
        if s < self.savings_low:
            return "Below the low case"
        if s > self.savings_high:
            return "Above the high case"
        return "Within the range"

    @property
    def against_target(self) -> str:
        if self.actual is None or self.target is None:
            return ""
        return "On target" if self.actual.savings >= self.target else "Short of target"


@dataclass(frozen=True)
class Benefits:
    option_key: str
    option_name: str
    lead: str
    rows: tuple[YearRow, ...]
    target: float | None
    target_year: int | None
    target_percent: float | None

    @property
    def actuals(self) -> list[YearRow]:
        return [r for r in self.rows if r.actual is not None]

    @property
    def actual_savings_total(self) -> float:
        return sum(r.actual.savings for r in self.actuals if r.actual)

    @property
    def central_savings_to_date(self) -> float:
        return sum(r.savings_central for r in self.actuals)

    @property
    def actual_costs_total(self) -> float:
        return sum(r.actual.costs for r in self.actuals if r.actual)

    @property
    def planned_costs_to_date(self) -> float:
        return sum(r.planned_costs for r in self.actuals)


def trajectory(target: float | None, target_year: int | None, year: int) -> float | None:
    """The savings a year the target expects by `year`."""
    if target is None or target_year is None:
        return None
    if target_year <= 0:
        return target
    return target * min(year, target_year) / target_year


def benefits(
    snapshot: Mapping[str, Any],
    option_key: str,
    actuals: Sequence[Actual],
    *,
    target: float | None,
    target_year: int | None,
    target_percent: float | None = None,
) -> Benefits:
    """The chosen option's plan by year beside what was achieved."""
    case = FinanceIn.from_document(snapshot).get(option_key)
    names = {o.get("key"): o.get("name") for o in snapshot.get("options") or []}
    by_year = {a.year: a for a in actuals}
    rows = []
    if case is not None:
        share, uplift = case.lead_share, 1.0 + case.optimism_bias
        years = max(
            len(case.costs), len(case.savings_central), (max(by_year) + 1) if by_year else 0
        )

        def at(values: Sequence[float], t: int) -> float:
            return float(values[t]) if t < len(values) else 0.0

        for t in range(years):
            rows.append(
                YearRow(
                    year=t,
                    planned_costs=share * at(case.costs, t) * uplift,
                    savings_low=share * at(case.savings_low, t),
                    savings_central=share * at(case.savings_central, t),
                    savings_high=share * at(case.savings_high, t),
                    target=trajectory(target, target_year, t),
                    actual=by_year.get(t),
                )
            )
    return Benefits(
        option_key=option_key,
        option_name=names.get(option_key) or option_key,
        lead=snapshot.get("lead_authority") or "the lead council",
        rows=tuple(rows),
        target=target,
        target_year=target_year,
        target_percent=target_percent,
    )
