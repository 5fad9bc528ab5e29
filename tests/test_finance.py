"""The financial case: NPV, payback, optimism bias, partner shares. Pure: no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from appraisals.finance import (
    FinanceIn,
    PartnerShare,
    apportion,
    evaluate,
    evaluate_all,
    financial_year,
    net_flows,
    npv,
    payback_words,
    payback_years,
)


def case(
    costs: tuple[float, ...],
    savings: tuple[float, ...],
    *,
    rate: float = 0.035,
    bias: float = 0.0,
    shares: dict[str, float] | None = None,
) -> FinanceIn:
    """One range for low, central and high, where the range does not matter."""
    return FinanceIn(costs, savings, savings, savings, shares or {}, rate, bias)


def test_green_book_discounting() -> None:
    # Net -100 now, then 30 a year for five years, at 3.5 %:
    # annuity factor (1 - 1.035 ** -5) / 0.035 = 4.515052, so NPV = -100 + 135.4516 = 35.4516.
    annuity = (1 - 1.035**-5) / 0.035
    assert npv([-100, 30, 30, 30, 30, 30], 0.035) == pytest.approx(-100 + 30 * annuity)
    assert npv([-100, 30, 30, 30, 30, 30], 0.035) == pytest.approx(35.4516, abs=5e-5)
    result = evaluate(case((100, 0, 0, 0, 0, 0), (0, 30, 30, 30, 30, 30)))
    assert result.npv_central == pytest.approx(35.4516, abs=5e-5)


def test_year_zero_is_not_discounted() -> None:
    assert npv([100], 0.035) == 100
    assert npv([0, 103.5], 0.035) == pytest.approx(100)
    assert npv([], 0.035) == 0


def test_payback_example_from_the_interchange_format() -> None:
    # net [-250000, 500000]: C = [-250000, 250000]; first C >= 0 at t = 1:
    # (1 - 1) + 250000 / 500000 = 0.5.
    assert payback_years([-250000, 500000]) == 0.5
    assert evaluate(case((250000, 0), (0, 500000))).payback_years == 0.5


def test_payback_interpolates_within_the_year_it_turns() -> None:
    # C = -100, -70, -40, -10, 20: turns in year 4, (4 - 1) + 10 / 30 = 3.333...
    assert payback_years([-100, 30, 30, 30, 30, 30]) == pytest.approx(3 + 1 / 3)


def test_payback_is_zero_when_the_first_year_is_not_negative_and_none_if_never() -> None:
    assert payback_years([0, -5, 10]) == 0
    assert payback_years([10]) == 0
    assert payback_years([-100, 20, 20]) is None
    assert payback_years([]) is None


def test_the_shared_service_example() -> None:
    # Costs 250000 then 100000; central savings 0, 600000, then 1.2M a year.
    # Central net: -250000, 500000, 1200000, 1200000, 1200000.
    fin = FinanceIn(
        costs=(250000, 100000, 0, 0, 0),
        savings_low=(0, 450000, 900000, 900000, 900000),
        savings_central=(0, 600000, 1200000, 1200000, 1200000),
        savings_high=(0, 750000, 1500000, 1500000, 1500000),
        partner_shares={"Darlington Borough Council": 0.5, "Stockton-on-Tees Borough Council": 0.5},
    )
    d = 1.035
    central = -250000 + 500000 / d + 1200000 / d**2 + 1200000 / d**3 + 1200000 / d**4
    low = -250000 + 350000 / d + 900000 / d**2 + 900000 / d**3 + 900000 / d**4
    high = -250000 + 650000 / d + 1500000 / d**2 + 1500000 / d**3 + 1500000 / d**4
    result = evaluate(fin)
    assert result.npv_central == pytest.approx(central)
    assert result.npv_low == pytest.approx(low)
    assert result.npv_high == pytest.approx(high)
    assert result.net == (-250000, 500000, 1200000, 1200000, 1200000)
    assert result.payback_years == 0.5  # C[1] = 250000 >= 0: 250000 / 500000
    assert result.one_off_costs == 350000
    assert result.net_total == 3850000
    assert result.partner_shares["Darlington Borough Council"] == PartnerShare(
        0.5,
        pytest.approx(central / 2),
        1925000,
        pytest.approx(low / 2),
        pytest.approx(high / 2),
        175000,
    )


def test_optimism_bias_raises_costs() -> None:
    # Costs 100 x 1.2 = 120; at 0 % net is -120, 150: NPV 30, payback 120 / 150 = 0.8.
    result = evaluate(case((100, 0), (0, 150), rate=0.0, bias=0.2))
    assert result.net == pytest.approx((-120, 150))
    assert result.npv_central == pytest.approx(30)
    assert result.payback_years == pytest.approx(0.8)
    assert result.one_off_costs == pytest.approx(120)


def test_share_of_a_savings_target_met_by_a_year() -> None:
    # Wellingborough-style: a 3M target; central savings in year index 2 are 1.2M -> 40 %.
    fin = case((0, 0, 0), (0, 600000, 1200000))
    assert evaluate(fin, target=3_000_000, target_year=2).target_share == pytest.approx(0.4)
    assert evaluate(fin, target=3_000_000, target_year=1).target_share == pytest.approx(0.2)
    assert evaluate(fin, target=3_000_000, target_year=5).target_share is None
    assert evaluate(fin, target=0, target_year=1).target_share is None
    assert evaluate(fin).target_share is None


def test_fall_in_savings_at_which_npv_reaches_zero() -> None:
    # At 0 %: costs 100, savings 60 + 60 = 120, NPV 20; savings can fall by 20 / 120 = 1/6.
    fin = case((100, 0, 0), (0, 60, 60), rate=0.0)
    fall = evaluate(fin).savings_fall_to_zero
    assert fall == pytest.approx(1 / 6)
    shrunk = case((100, 0, 0), tuple(s * (1 - fall) for s in (0, 60, 60)), rate=0.0)
    assert evaluate(shrunk).npv_central == pytest.approx(0, abs=1e-9)
    # Discounted too: the fall is NPV / PV(savings).
    fin = case((250000, 0, 0), (0, 200000, 200000))
    pv = 200000 / 1.035 + 200000 / 1.035**2
    assert evaluate(fin).savings_fall_to_zero == pytest.approx((pv - 250000) / pv)
    # Already negative: savings would have to rise (a negative fall).
    assert evaluate(case((200,), (0, 60, 60), rate=0.0)).savings_fall_to_zero == pytest.approx(
        -80 / 120
    )
    assert evaluate(case((100,), (0,))).savings_fall_to_zero is None


def test_flows_of_different_lengths_count_as_zero_beyond_their_end() -> None:
    assert net_flows((0, 50, 50), (100,), 0.0) == (-100, 50, 50)


def test_from_document_and_evaluate_all() -> None:
    doc = {
        "finance": {
            "discount_rate": 0.05,
            "optimism_bias": 0.1,
            "options": {
                "shared-service": {
                    "costs": [100, 0],
                    "savings": {"low": [0, 50], "central": [0, 150], "high": [0, 200]},
                    "partner_shares": {"A": 0.25, "B": 0.75},
                },
                "in-house": {"savings": {"central": [0, 10]}},
            },
        }
    }
    cases = FinanceIn.from_document(doc)
    assert list(cases) == ["shared-service", "in-house"]
    shared = cases["shared-service"]
    assert (shared.discount_rate, shared.optimism_bias) == (0.05, 0.1)
    assert shared.savings_low == (0, 50) and shared.partner_shares == {"A": 0.25, "B": 0.75}
    # A partial case: low and high fall back to central, costs to zeros.
    assert cases["in-house"].savings_high == (0, 10) and cases["in-house"].costs == (0, 0)
    results = evaluate_all(cases)
    assert results["shared-service"].npv_central == pytest.approx(-110 + 150 / 1.05)
    assert results["shared-service"].partner_shares["A"].net_total == pytest.approx(0.25 * 40)
    assert FinanceIn.from_document({}) == {}


# Basis of comparison (interchange.md): figures to the lead council, the whole apart.

LEAD = "Harborough District Council"
NHS = "Leicestershire Partnership NHS Trust"
COUNTY = "Leicestershire County Council"


def three_partners(**kwargs) -> FinanceIn:
    return FinanceIn(
        costs=(300000, 0, 0),
        savings_low=(0, 300000, 600000),
        savings_central=(0, 450000, 900000),
        savings_high=(0, 600000, 1200000),
        partner_shares={LEAD: 0.2, NHS: 0.5, COUNTY: 0.3},
        discount_rate=0.0,
        lead=LEAD,
        **kwargs,
    )


def test_a_partnership_is_compared_on_the_lead_councils_share() -> None:
    # Whole central net at 0 %: -300000, 450000, 900000 → NPV 1,050,000; the lead's 20 %
    # is 210,000. An in-house option worth 250,000 to the lead council alone beats it,
    # though the whole arrangement's NPV is four times as large.
    shared = evaluate(three_partners())
    alone = evaluate(FinanceIn((0,), (250000,), (250000,), (250000,), lead=LEAD))
    assert shared.lead_share == 0.2
    assert shared.npv_central == pytest.approx(210000)
    assert shared.npv_low == pytest.approx(0.2 * 600000)
    assert shared.npv_high == pytest.approx(0.2 * 1500000)
    assert shared.one_off_costs == pytest.approx(60000)
    assert shared.savings_full_low == pytest.approx(120000)
    assert shared.savings_full_high == pytest.approx(240000)
    assert alone.npv_central > shared.npv_central
    assert alone.whole is None and alone.lead_share == 1
    # The whole arrangement, apart, and every partner's share of it.
    assert shared.whole is not None
    assert shared.whole.npv_central == pytest.approx(1050000)
    assert shared.whole.one_off_costs == pytest.approx(300000)
    assert shared.partner_shares[NHS].npv_central == pytest.approx(525000)
    assert shared.partner_shares[COUNTY].npv_low == pytest.approx(180000)
    assert sum(p.npv_central for p in shared.partner_shares.values()) == pytest.approx(
        shared.whole.npv_central
    )
    # A share scales costs and savings alike: payback and the savings margin do not change.
    whole = evaluate(replace(three_partners(), lead=None))
    assert shared.payback_years == whole.payback_years
    assert shared.savings_fall_to_zero == pytest.approx(whole.savings_fall_to_zero)


def test_target_share_counts_only_the_lead_councils_savings() -> None:
    # Year 2: 900,000 whole, 180,000 to the lead: 18 % of a 1M target, not 90 %.
    result = evaluate(three_partners(), target=1_000_000, target_year=2)
    assert result.target_share == pytest.approx(0.18)


def test_from_document_finds_the_lead_councils_share() -> None:
    doc = {
        "lead_authority": LEAD,
        "finance": {
            "options": {
                "trust": {
                    "costs": [0, 0],
                    "savings": {"central": [0, 100]},
                    "partner_shares": {NHS: 0.75, LEAD: 0.25},
                },
                "alone": {"savings": {"central": [0, 100]}},
            }
        },
    }
    cases = FinanceIn.from_document(doc)
    assert cases["trust"].lead_share == 0.25
    assert cases["alone"].lead_share == 1
    assert evaluate(cases["trust"]).npv_central == pytest.approx(25 / 1.035)


def test_payback_in_words() -> None:
    assert payback_words(0.5, 5) == "pays back during year 1"
    assert payback_words(1.1, 5) == "pays back during year 2"
    assert payback_words(2.0, 5) == "pays back during year 2"
    assert payback_words(0.0, 5) == "pays back in year 0, this year"
    assert payback_words(None, 5) == "does not pay back within the 5 years of the financial case"


def test_apportion_adds_up_to_the_total_shown_and_keeps_the_lead_as_rounded_elsewhere() -> None:
    # Darlington and Stockton 50:50 of £3,086,439.0: each share is £1,543,219.50.
    shown = apportion(3086439.0, {"D": 1543219.5, "S": 1543219.5}, "D")
    assert shown == {"D": round(1543219.5), "S": 3086439 - round(1543219.5)}
    # Thirds of 100 and rounding the first up beyond what is left.
    assert sum(apportion(100.0, {"a": 100 / 3, "b": 100 / 3, "c": 100 / 3}).values()) == 100
    assert apportion(10.5, {"a": 1.5, "b": 9.0}, "a") == {"a": 2, "b": 8}
    shares = {"a": 0.2 * 1050000.4, "b": 0.5 * 1050000.4, "c": 0.3 * 1050000.4}
    assert sum(apportion(1050000.4, shares, "a").values()) == round(1050000.4)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 4, 1), "2026/27"),
        (dt.date(2027, 3, 31), "2026/27"),
        (dt.date(2011, 10, 31), "2011/12"),
        (dt.date(2099, 12, 1), "2099/00"),
    ],
)
def test_financial_year_runs_from_april_to_march(day, year):
    assert financial_year(day) == year
