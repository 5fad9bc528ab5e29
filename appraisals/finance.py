"""The financial case: pure functions over yearly cash flows, no Django.

Definitions from interchange.md "Results": year index 0 is the current year (not
discounted), year t is discounted by (1 + discount_rate) ** t, costs carry the optimism-bias
uplift, payback interpolates within the year the running total turns non-negative.
Flows are a handful of numbers, so plain Python is exact enough and quicker than numpy.

Basis of comparison (interchange.md): an option's costs and savings are the whole
arrangement's. Where the option has partner shares, `FinanceResult`'s figures are the lead
council's share of them, so that every option is compared on what it means to the lead
council; the whole arrangement's figures are kept apart in `FinanceResult.whole`, and each
partner's share in `partner_shares`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

GREEN_BOOK_RATE = 0.035  # HM Treasury Green Book discount rate


@dataclass(frozen=True, slots=True)
class FinanceIn:
    costs: tuple[float, ...]
    savings_low: tuple[float, ...]
    savings_central: tuple[float, ...]
    savings_high: tuple[float, ...]
    partner_shares: Mapping[str, float] = field(default_factory=dict)
    discount_rate: float = GREEN_BOOK_RATE
    optimism_bias: float = 0.0
    # The lead council's name, to find its share in `partner_shares`. None: the figures are
    # compared whole (the case is the lead council's alone).
    lead: str | None = None

    @property
    def lead_share(self) -> float:
        """The fraction of the whole arrangement's figures that falls to the lead council: 1
        for an option without partner shares (the lead council's alone), else its share (0 if
        the shares leave it out, which validation refuses)."""
        if self.lead is None or not self.partner_shares:
            return 1.0
        return float(self.partner_shares.get(self.lead, 0.0))

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> dict[str, FinanceIn]:
        """Each option's financial case from an interchange document, keyed by option key.

        The document is validated upstream; a missing low or high range falls back to the
        central one, and missing costs to zeros, so a partial spreadsheet still evaluates.
        """
        section = doc.get("finance") or {}
        rate = float(section.get("discount_rate", GREEN_BOOK_RATE))
        lead = doc.get("lead_authority")
        bias = float(section.get("optimism_bias", 0.0))
        result = {}
        for key, case in (section.get("options") or {}).items():
            savings = case.get("savings") or {}
            central = _floats(savings.get("central") or ())
            costs = _floats(case.get("costs") or ()) or (0.0,) * len(central)
            result[key] = cls(
                costs=costs,
                savings_low=_floats(savings.get("low") or central),
                savings_central=central,
                savings_high=_floats(savings.get("high") or central),
                partner_shares={k: float(v) for k, v in (case.get("partner_shares") or {}).items()},
                discount_rate=rate,
                optimism_bias=bias,
                lead=lead,
            )
        return result


@dataclass(frozen=True, slots=True)
class PartnerShare:
    share: float
    npv_central: float  # share x central NPV
    net_total: float  # share x undiscounted central net over all years
    npv_low: float = 0.0  # share x low NPV
    npv_high: float = 0.0  # share x high NPV
    one_off_costs: float = 0.0  # share x the costs, with optimism bias


@dataclass(frozen=True, slots=True)
class WholeFigures:
    """A partnership's figures for the whole arrangement, before they are shared."""

    npv_low: float
    npv_central: float
    npv_high: float
    one_off_costs: float
    net_total: float
    savings_full_low: float
    savings_full_high: float


@dataclass(frozen=True, slots=True)
class FinanceResult:
    npv_low: float
    npv_central: float
    npv_high: float
    payback_years: float | None  # central savings; None if it never pays back
    one_off_costs: float  # sum of costs, with optimism bias
    partner_shares: dict[str, PartnerShare]
    target_share: float | None  # central savings in the target year / target
    savings_fall_to_zero: float | None  # fall in central savings (fraction) at which NPV is 0
    net: tuple[float, ...]  # central net per year
    net_total: float  # undiscounted central net over all years
    # The money figures above are the lead council's (its share of a partnership's); the
    # share, and the whole arrangement's figures where the option is shared (None if not).
    lead_share: float = 1.0
    whole: WholeFigures | None = None
    savings_full_low: float = 0.0  # low and high savings a year in the last year
    savings_full_high: float = 0.0


def _floats(values: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(x) for x in values)


def npv(flows: Sequence[float], rate: float = GREEN_BOOK_RATE) -> float:
    """Net present value, year 0 undiscounted: sum of flows[t] / (1 + rate) ** t."""
    return sum(x / (1.0 + rate) ** t for t, x in enumerate(flows))


def payback_years(net: Sequence[float]) -> float | None:
    """0 if the first year's net is not negative; otherwise (t - 1) + (-C[t-1]) / net[t] for
    the first t whose running total C[t] is not negative; None if that never happens."""
    running = 0.0
    for t, x in enumerate(net):
        before = running
        running += x
        if running >= 0:
            # net[t] > 0 here whenever t > 0, since C[t-1] < 0 <= C[t].
            return 0.0 if t == 0 else (t - 1) + (-before) / x
    return None


def net_flows(savings: Sequence[float], costs: Sequence[float], bias: float) -> tuple[float, ...]:
    """savings[t] - costs[t] x (1 + bias); a shorter list counts as zeros beyond its end."""
    years = max(len(savings), len(costs))
    s = list(savings) + [0.0] * (years - len(savings))
    c = list(costs) + [0.0] * (years - len(costs))
    return tuple(float(s[t]) - float(c[t]) * (1.0 + bias) for t in range(years))


def evaluate(
    fin: FinanceIn, *, target: float | None = None, target_year: int | None = None
) -> FinanceResult:
    """NPVs, payback, partner shares, progress to a savings target and the savings margin,
    to the lead council (its share of a partnership's figures; see the module's docstring)."""
    bias, rate = fin.optimism_bias, fin.discount_rate
    net = net_flows(fin.savings_central, fin.costs, bias)
    central = npv(net, rate)
    low = npv(net_flows(fin.savings_low, fin.costs, bias), rate)
    high = npv(net_flows(fin.savings_high, fin.costs, bias), rate)
    net_total = sum(net)
    costs = sum(float(c) for c in fin.costs) * (1.0 + bias)
    full_low = float(fin.savings_low[-1]) if fin.savings_low else 0.0
    full_high = float(fin.savings_high[-1]) if fin.savings_high else 0.0
    # NPV is linear in a uniform fall f of central savings: NPV(f) = NPV - f x PV(savings),
    # so it reaches zero at f = NPV / PV(savings). Negative means savings must rise instead.
    # A share scales both alike, so the fall and the payback are the same for every partner.
    pv_savings = npv(fin.savings_central, rate)
    fall = central / pv_savings if pv_savings > 0 else None
    lead = fin.lead_share
    target_share = None
    in_range = target_year is not None and 0 <= target_year < len(fin.savings_central)
    if target is not None and target > 0 and in_range:
        target_share = lead * float(fin.savings_central[target_year]) / target  # type: ignore[index]
    whole = None
    if fin.partner_shares and fin.lead is not None:
        whole = WholeFigures(low, central, high, costs, net_total, full_low, full_high)
    return FinanceResult(
        npv_low=lead * low,
        npv_central=lead * central,
        npv_high=lead * high,
        payback_years=payback_years(net),
        one_off_costs=lead * costs,
        partner_shares={
            name: PartnerShare(
                share=float(share),
                npv_central=float(share) * central,
                net_total=float(share) * net_total,
                npv_low=float(share) * low,
                npv_high=float(share) * high,
                one_off_costs=float(share) * costs,
            )
            for name, share in fin.partner_shares.items()
        },
        target_share=target_share,
        savings_fall_to_zero=fall,
        net=tuple(lead * x for x in net),
        net_total=lead * net_total,
        lead_share=lead,
        whole=whole,
        savings_full_low=lead * full_low,
        savings_full_high=lead * full_high,
    )


def payback_words(years: float | None, horizon: int) -> str:
    """Payback as a member reads it, in the years of the financial case (year 0 is this
    year): 0.5 years → "pays back during year 1", as the running total turns in year 1."""
    if years is None:
        return f"does not pay back within the {horizon} years of the financial case"
    if years == 0:
        return "pays back in year 0, this year"
    return f"pays back during year {math.ceil(years)}"


def financial_year(day: dt.date) -> str:
    """The English local government financial year `day` falls in, 1 April to 31 March:
    "2026/27" for 12 March 2027 or 1 April 2026."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def apportion(total: float, parts: Mapping[str, float], first: str | None = None) -> dict[str, int]:
    """Whole pounds for `parts` (which add up to `total`) that add up to `total` rounded:
    `first` (the lead council) is rounded as it is everywhere else, so it agrees with the
    comparison table, and the rest of the rounded total is shared out among the others by
    largest remainder."""
    whole = round(total)
    shown: dict[str, int] = {}
    rest = dict(parts)
    if first is not None and first in rest:
        shown[first] = round(rest.pop(first))
    left = whole - sum(shown.values())
    floors = {name: math.floor(x) for name, x in rest.items()}
    short = left - sum(floors.values())
    # Largest remainders gain a pound; should rounding `first` have left too little, the
    # smallest give one back.
    by_remainder = sorted(rest, key=lambda name: floors[name] - rest[name])
    for i, name in enumerate(by_remainder):
        floors[name] += 1 if i < short else 0
    if short < 0:
        for name in by_remainder[short:]:
            floors[name] -= 1
    shown.update(floors)
    return {name: shown[name] for name in parts}


def evaluate_all(
    cases: Mapping[str, FinanceIn],
    *,
    target: float | None = None,
    target_year: int | None = None,
) -> dict[str, FinanceResult]:
    """`evaluate` for every option, keyed as given (ready for `engine.results_to_dict`)."""
    return {
        key: evaluate(case, target=target, target_year=target_year) for key, case in cases.items()
    }
