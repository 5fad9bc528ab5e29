"""Each option's financial case: the yearly table, the fill helper, NPV and payback."""

import pytest
from django.urls import reverse

from appraisals.actions import cash_flows_from_profile
from appraisals.models import Change, FinancialCase


def _url(personas, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


def test_profile_ramps_savings_up_to_the_steady_state():
    flows = cash_flows_from_profile(
        one_off_cost=250_000, steady_saving=1_200_000, ramp_up_years=2, horizon=5
    )
    assert flows["costs"] == [250_000, 0, 0, 0, 0]
    assert flows["savings_central"] == [0, 600_000, 1_200_000, 1_200_000, 1_200_000]
    assert flows["savings_low"] == [0, 450_000, 900_000, 900_000, 900_000]
    assert flows["savings_high"] == [0, 750_000, 1_500_000, 1_500_000, 1_500_000]


def test_profile_without_ramp_up_saves_in_full_from_year_0():
    flows = cash_flows_from_profile(
        one_off_cost=0, steady_saving=100, ramp_up_years=0, horizon=3, range_fraction=0
    )
    assert flows["savings_low"] == flows["savings_central"] == [100, 100, 100]


def test_profile_refuses_a_horizon_of_no_years():
    with pytest.raises(ValueError):
        cash_flows_from_profile(one_off_cost=0, steady_saving=1, ramp_up_years=0, horizon=0)


def _table(years: list[tuple[float, float, float, float]]) -> dict[str, str]:
    data = {}
    for t, (cost, low, central, high) in enumerate(years):
        data |= {
            f"costs_{t}": str(cost),
            f"savings_low_{t}": str(low),
            f"savings_central_{t}": str(central),
            f"savings_high_{t}": str(high),
        }
    return data


def test_officer_enters_a_yearly_table_and_sees_npv_and_payback(client, personas):
    client.force_login(personas.officer)
    data = _table([(250_000, 0, 0, 0), (0, 250_000, 500_000, 750_000)])
    response = client.post(_url(personas, "finance-edit", "option-1"), data)
    assert response.status_code == 302
    case = FinancialCase.objects.get(option__key="option-1", option__appraisal=personas.appraisal)
    assert case.costs == [250_000, 0]  # empty years at the end are dropped
    assert case.savings_central == [0, 500_000]
    assert Change.objects.filter(kind="finance", field="savings central").exists()
    response = client.get(_url(personas, "finance-edit", "option-1"))
    result = response.context["result"]
    assert result.payback_years == pytest.approx(0.5)
    assert result.npv_central == pytest.approx(-250_000 + 500_000 / 1.035)
    assert "0.5 years" in response.text
    assert "£233,092" in client.get(_url(personas, "finances")).text


def test_partner_shares_must_add_up_to_100(client, personas):
    client.force_login(personas.officer)
    data = _table([(0, 1, 1, 1)])
    lead, partner = personas.lead.pk, personas.partner.pk
    response = client.post(
        _url(personas, "finance-edit", "option-1"),
        data | {f"share_{lead}": "60", f"share_{partner}": "30"},
    )
    assert "must add up to 100%" in response.text
    assert f'href="#id_share_{lead}"' in response.text
    client.post(
        _url(personas, "finance-edit", "option-1"),
        data | {f"share_{lead}": "50", f"share_{partner}": "50"},
    )
    case = FinancialCase.objects.get(option__key="option-1", option__appraisal=personas.appraisal)
    assert sorted(s.share for s in case.partner_shares.all()) == [0.5, 0.5]


def test_fill_helper_fills_the_table_and_records_it(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "finance-fill", "option-2"),
        {
            "one_off_cost": "250000",
            "steady_saving": "1200000",
            "ramp_up_years": "2",
            "horizon": "5",
            "range_percent": "25",
        },
    )
    assert response.status_code == 302
    case = FinancialCase.objects.get(option__key="option-2", option__appraisal=personas.appraisal)
    assert case.savings_high == [0, 750_000, 1_500_000, 1_500_000, 1_500_000]
    assert Change.objects.filter(kind="finance", subject="Option 2").count() == 4


def test_fill_helper_errors_are_shown(client, personas):
    client.force_login(personas.officer)
    response = client.post(_url(personas, "finance-fill", "option-2"), {"horizon": "0"})
    assert response.status_code == 200
    assert 'href="#id_one_off_cost"' in response.text
    assert 'href="#id_horizon"' in response.text


def test_discount_rate_and_optimism_bias_are_saved_as_fractions(client, personas):
    client.force_login(personas.officer)
    client.post(_url(personas, "finances"), {"discount_rate": "3.5", "optimism_bias": "20"})
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.discount_rate == pytest.approx(0.035)
    assert personas.appraisal.optimism_bias == pytest.approx(0.2)
    assert Change.objects.filter(kind="finance", field="optimism_bias").exists()


def test_members_see_finance_without_forms(client, personas):
    client.force_login(personas.member)
    response = client.get(_url(personas, "finances"))
    assert response.status_code == 200
    assert "Save rates" not in response.text


def test_finances_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)
    client.post(_url(personas, "finance-edit", "do-nothing"), _table([(0, 0, 0, 0)]))
    # session, user, appraisal, memberships, options with their cases, partner shares
    # (with councils; skipped while no option has a case), the header's council, and the
    # newest history row (the rates form's stamp: views/edit.py)
    with django_assert_num_queries(8):
        client.get(_url(personas, "finances"))
    for key in ("option-1", "option-2", "option-3"):
        client.post(_url(personas, "finance-edit", key), _table([(1, 2, 3, 4)]))
    with django_assert_num_queries(8):
        client.get(_url(personas, "finances"))


def test_yearly_table_accepts_pounds_commas_and_spaces(client, personas):
    client.force_login(personas.officer)
    data = _table([(0, 0, 0, 0)]) | {
        "costs_0": "£225,000",
        "savings_low_1": "£1 000 000",
        "savings_central_1": " 1,200,000.50 ",
        "savings_high_1": "1500000",
    }
    response = client.post(_url(personas, "finance-edit", "option-1"), data)
    assert response.status_code == 302
    case = FinancialCase.objects.get(option__key="option-1", option__appraisal=personas.appraisal)
    assert case.costs == [225_000, 0]
    assert case.savings_central == [0, 1_200_000.5]
    page = client.get(_url(personas, "finance-edit", "option-1")).text
    assert 'value="1,500,000"' in page  # not "1.5e+06", which the form would refuse


def test_yearly_table_errors_name_the_figure_and_year(client, personas):
    client.force_login(personas.officer)
    data = _table([(0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)]) | {
        "savings_central_2": "1.2m",
        "costs_1": "-5",
    }
    page = client.post(_url(personas, "finance-edit", "option-1"), data).text
    assert (
        '<a href="#id_savings_central_2">Enter the central savings for year 2 as a number</a>'
        in page
    )
    assert '<a href="#id_costs_1">The costs for year 1 must be £0 or more</a>' in page
    assert "Enter a number." not in page


def test_fill_helper_accepts_pounds_typed_the_usual_way(client, personas):
    client.force_login(personas.officer)
    data = {
        "one_off_cost": "£250,000",
        "steady_saving": "£1,200,000",
        "ramp_up_years": "0",
        "horizon": "2",
        "range_percent": "0",
    }
    assert client.post(_url(personas, "finance-fill", "option-2"), data).status_code == 302
    case = FinancialCase.objects.get(option__key="option-2", option__appraisal=personas.appraisal)
    assert case.costs == [250_000, 0]
    assert case.savings_central == [1_200_000, 1_200_000]


def test_fill_helper_errors_name_the_field(client, personas):
    client.force_login(personas.officer)
    data = {"one_off_cost": "", "steady_saving": "£12k", "horizon": "99", "range_percent": "150"}
    page = client.post(_url(personas, "finance-fill", "option-2"), data).text
    assert '<a href="#id_one_off_cost">Enter the one-off cost</a>' in page
    assert '<a href="#id_steady_saving">Enter the saving a year as a number</a>' in page
    assert '<a href="#id_horizon">The number of years must be 60 or less</a>' in page
    assert '<a href="#id_range_percent">The range of savings must be 100% or less</a>' in page


def test_baseline_needs_no_financial_case(client, personas):
    """The baseline is the comparator: the others' costs and savings are net of it."""
    client.force_login(personas.officer)
    for key in ("option-1", "option-2", "option-3"):
        client.post(_url(personas, "finance-edit", key), _table([(1, 2, 3, 4)]))
    tasks = client.get(_url(personas, "appraisal")).context["tasks"]
    assert {t.name: t.status for t in tasks}["Finance"] == "Completed"
    page = client.get(_url(personas, "finances")).text
    assert "Baseline: the costs and savings of other options are measured against it" in page
    assert "No financial case yet" not in page
    edit = _url(personas, "finance-edit", "do-nothing")
    assert f'href="{edit}"' not in page
