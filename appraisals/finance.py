"""The financial case: pure functions over yearly cash flows, no Django.

Definitions from interchange.md "Results": year index 0 is the current year (not
discounted), year t is discounted by (1 + discount_rate) ** t, costs carry the optimism-bias
uplift, payback interpolates within the year the running total turns non-negative.
Flows are a handful of numbers, so plain Python is exact enough and quicker than numpy.
"""

from __future__ import annotations

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

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> dict[str, FinanceIn]:
        """Each option's financial case from an interchange document, keyed by option key.

        The document is validated upstream; a missing low or high range falls back to the
        central one, and missing costs to zeros, so a partial spreadsheet still evaluates.
        """
        section = doc.get("finance") or {}
        rate = float(section.get("discount_rate", GREEN_BOOK_RATE))
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
            )
        return result


@dataclass(frozen=True, slots=True)
class PartnerShare:
    share: float
    npv_central: float  # share x central NPV
    net_total: float  # share x undiscounted central net over all years


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
    """NPVs, payback, partner shares, progress to a savings target and the savings margin."""
    bias, rate = fin.optimism_bias, fin.discount_rate
    net = net_flows(fin.savings_central, fin.costs, bias)
    central = npv(net, rate)
    net_total = sum(net)
    # NPV is linear in a uniform fall f of central savings: NPV(f) = NPV - f x PV(savings),
    # so it reaches zero at f = NPV / PV(savings). Negative means savings must rise instead.
    pv_savings = npv(fin.savings_central, rate)
    fall = central / pv_savings if pv_savings > 0 else None
    target_share = None
    in_range = target_year is not None and 0 <= target_year < len(fin.savings_central)
    if target is not None and target > 0 and in_range:
        target_share = float(fin.savings_central[target_year]) / target  # type: ignore[index]
    return FinanceResult(
        npv_low=npv(net_flows(fin.savings_low, fin.costs, bias), rate),
        npv_central=central,
        npv_high=npv(net_flows(fin.savings_high, fin.costs, bias), rate),
        payback_years=payback_years(net),
        one_off_costs=sum(float(c) for c in fin.costs) * (1.0 + bias),
        partner_shares={
            name: PartnerShare(float(share), float(share) * central, float(share) * net_total)
            for name, share in fin.partner_shares.items()
        },
        target_share=target_share,
        savings_fall_to_zero=fall,
        net=net,
        net_total=net_total,
    )


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
