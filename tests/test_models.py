"""The database refuses what the model forbids, whatever wrote it (constraints, not forms)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from appraisals.models import FinancialCase, Option, PartnerShare, Risk, Score
from tests.factories import delivery_model


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def option(appraisal, **fields) -> Option:
    values = {"key": "new", "name": "New", "delivery_model": delivery_model(), **fields}
    return Option.objects.create(appraisal=appraisal, **values)


def risk(appraisal, **fields) -> Risk:
    values = {
        "risk": "Late savings",
        "likelihood": 3,
        "impact": 3,
        "residual_likelihood": 2,
        "residual_impact": 2,
        **fields,
    }
    return Risk.objects.create(appraisal=appraisal, **values)


def test_option_keys_are_unique_within_an_appraisal(personas):
    refused(lambda: option(personas.appraisal, key="option-1"))


def test_the_same_option_key_may_appear_in_another_appraisal(personas):
    from tests.factories import make_appraisal

    other = make_appraisal(personas.lead, reference="other")
    assert other.options.filter(key="option-1").exists()


def test_only_one_baseline_per_appraisal(personas):
    refused(lambda: option(personas.appraisal, baseline=True))


def test_rejected_option_needs_a_reason(personas):
    refused(lambda: option(personas.appraisal, status="rejected", rejection_reason=""))
    assert option(personas.appraisal, status="rejected", rejection_reason="Too slow").pk


@pytest.mark.parametrize(
    "field", ["likelihood", "impact", "residual_likelihood", "residual_impact"]
)
@pytest.mark.parametrize("value", [0, 6])
def test_risk_likelihood_and_impact_are_one_to_five(personas, field, value):
    refused(lambda: risk(personas.appraisal, **{field: value}))


def test_risk_of_one_and_five_is_accepted(personas):
    assert risk(personas.appraisal, likelihood=1, impact=5).pk


def test_weights_are_not_negative(personas):
    criterion = personas.appraisal.criteria.first()
    criterion.weight = -0.1
    refused(criterion.save)


@pytest.mark.parametrize(("low", "high"), [(5, 5), (5, 0)])
def test_scale_minimum_is_below_its_maximum(personas, low, high):
    appraisal = personas.appraisal
    appraisal.scale_min, appraisal.scale_max = low, high
    refused(appraisal.save)


def test_one_score_per_panel_option_and_criterion(personas):
    score = Score.objects.filter(panel__appraisal=personas.appraisal).first()
    refused(
        lambda: Score.objects.create(
            panel=score.panel, option=score.option, criterion=score.criterion, score=1
        )
    )


def test_partner_share_is_a_fraction(personas):
    case = FinancialCase.objects.create(option=personas.appraisal.options.first())
    refused(
        lambda: PartnerShare.objects.create(
            financial_case=case, authority=personas.partner, share=1.01
        )
    )
    refused(
        lambda: PartnerShare.objects.create(
            financial_case=case, authority=personas.partner, share=-0.1
        )
    )
    assert PartnerShare.objects.create(financial_case=case, authority=personas.partner, share=1).pk


def test_one_share_per_partner_per_case(personas):
    case = FinancialCase.objects.create(option=personas.appraisal.options.first())
    PartnerShare.objects.create(financial_case=case, authority=personas.partner, share=0.5)
    refused(
        lambda: PartnerShare.objects.create(
            financial_case=case, authority=personas.partner, share=0.5
        )
    )
