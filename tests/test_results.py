"""`results.evaluate` and `results_document`: everything a screen or report shows, in one place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appraisals import engine
from appraisals.interchange import export_document, import_document
from appraisals.models import Appraisal, Risk, Score
from appraisals.results import WHOLE_APPRAISAL, evaluate, results_document
from tests.factories import delivery_model, make_appraisal

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# The ten queries of the export (see tests/test_interchange_export.py), and the declarations
# of interest (none here: one query); nothing more.
EVALUATE_QUERIES = 11


@pytest.fixture
def harborough(db) -> Appraisal:
    for key in ("do-nothing", "in-house", "outsourcing", "shared-service", "shared-management"):
        delivery_model(key, key)
    doc = json.loads((FIXTURES / "demo" / "hdc-future-options-2011.json").read_text())
    return import_document(document=doc).appraisal


def test_harborough_demo_has_a_leader_and_explanations(harborough):
    evaluation = evaluate(harborough, samples=500)
    assert evaluation.leader == "in-house"
    assert evaluation.option_name(evaluation.leader) == "In-house transformation"
    assert evaluation.explanations[0].startswith("In-house transformation leads with")
    assert evaluation.result.rank_acceptability.samples == 500
    assert evaluation.document == export_document(harborough)


def test_finance_is_evaluated_per_option_with_a_case(harborough):
    evaluation = evaluate(harborough, samples=0)
    assert set(evaluation.finance) == {
        "in-house",
        "outsourcing",
        "shared-services",
        "shared-management",
    }
    # In house: -150,000 then 50,000, 300,000 … pays back a third of the way into year 2.
    assert evaluation.finance["in-house"].payback_years == pytest.approx(1 + 100000 / 300000)


def test_savings_target_is_passed_to_finance(harborough):
    harborough.savings_target, harborough.savings_target_year = 800000, 4
    harborough.save()
    evaluation = evaluate(harborough, samples=0)
    assert evaluation.finance["in-house"].target_share == pytest.approx(400000 / 800000)


def test_risks_are_rated_before_and_after_controls_on_the_lead_councils_matrix(harborough):
    evaluation = evaluate(harborough, samples=0)
    first = evaluation.risks[0]
    assert first.risk.startswith("Efficiency targets are not met")
    assert (first.before, first.after) == (
        engine.RiskRating(20, "very high"),
        engine.RiskRating(12, "high"),
    )
    assert first.option is None and first.option_name == WHOLE_APPRAISAL
    lead = harborough.lead_authority
    lead.risk_low_max, lead.risk_medium_max, lead.risk_high_max = 6, 12, 20
    lead.save()
    again = evaluate(harborough, samples=0).risks[0]
    assert (again.before.band, again.after.band) == ("high", "medium")
    assert evaluate(harborough, samples=0).risk_cutoffs == (6, 12, 20)


def test_option_risks_carry_the_option_name(personas):
    option = personas.appraisal.options.get(key="option-2")
    Risk.objects.create(
        appraisal=personas.appraisal,
        option=option,
        risk="Contractor fails",
        likelihood=2,
        impact=2,
        residual_likelihood=1,
        residual_impact=1,
    )
    (view,) = evaluate(personas.appraisal, samples=0).risks
    assert (view.option, view.option_name) == ("option-2", "Option 2")
    assert view.before == engine.RiskRating(4, "low")


def test_names_by_key(personas):
    evaluation = evaluate(personas.appraisal, samples=0)
    assert evaluation.criterion_name("criterion-2") == "Criterion 2"
    assert evaluation.panel_name("panel-1") == "Panel 1"
    assert evaluation.option_names["do-nothing"] == "Do nothing"
    assert evaluation.option_name(None) == WHOLE_APPRAISAL


def test_evaluate_uses_the_exports_queries_and_one_for_interests(
    personas, django_assert_num_queries
):
    with django_assert_num_queries(EVALUATE_QUERIES):
        evaluate(personas.appraisal, samples=100)


def test_evaluate_query_count_does_not_grow(personas, django_assert_num_queries):
    big = make_appraisal(personas.lead, reference="big", options=7, criteria=10, panels=4)
    for option in big.options.all():
        Risk.objects.create(
            appraisal=big,
            option=option,
            risk="r",
            likelihood=3,
            impact=3,
            residual_likelihood=2,
            residual_impact=2,
        )
    with django_assert_num_queries(EVALUATE_QUERIES):
        evaluation = evaluate(big, samples=100)
    assert len(evaluation.risks) == 8


def test_results_document_is_the_export_plus_results(personas):
    doc = results_document(personas.appraisal, samples=300, seed=5)
    assert {k: v for k, v in doc.items() if k != "results"} == export_document(personas.appraisal)
    results = doc["results"]
    assert {"weights", "consistency_ratio", "options", "switching", "rank_acceptability"} <= set(
        results
    )
    assert results["consistency_ratio"] is None  # direct weights
    assert sum(results["weights"].values()) == pytest.approx(1)
    assert {"key", "value", "rank", "complete", "vs_baseline", "contributions", "spread"} <= set(
        results["options"][0]
    )
    assert (results["rank_acceptability"]["samples"], results["rank_acceptability"]["seed"]) == (
        300,
        5,
    )
    json.dumps(doc)  # plain JSON all the way down


def test_results_document_carries_finance_per_option(harborough):
    results = results_document(harborough, samples=0)["results"]
    by_key = {o["key"]: o for o in results["options"]}
    assert by_key["do-nothing"]["finance"] is None
    assert set(by_key["in-house"]["finance"]["npv"]) == {"low", "central", "high"}


def test_a_seed_reproduces_the_results(personas):
    first = results_document(personas.appraisal, samples=500, seed=3)
    assert results_document(personas.appraisal, samples=500, seed=3) == first


def test_an_evaluation_is_computed_once_per_content(personas, monkeypatch):
    """The second page computes nothing; an edit, or other samples, is computed afresh."""
    calls = []
    compute = engine.compute
    monkeypatch.setattr(engine, "compute", lambda *a, **k: calls.append(1) or compute(*a, **k))
    appraisal = personas.appraisal
    first = evaluate(appraisal, samples=100)
    assert evaluate(appraisal, samples=100) == first and len(calls) == 1
    evaluate(appraisal, samples=200)
    assert len(calls) == 2
    score = Score.objects.filter(panel__appraisal=appraisal).first()
    score.score = 0 if score.score else 1
    score.save()
    changed = evaluate(appraisal, samples=100)
    assert len(calls) == 3 and changed.document != first.document


def test_a_cached_evaluation_cannot_be_changed_by_its_reader(personas):
    evaluation = evaluate(personas.appraisal, samples=0)
    evaluation.document["title"] = "Changed by a careless view"
    assert evaluate(personas.appraisal, samples=0).document["title"] != evaluation.document["title"]


def test_new_risk_rows_with_the_same_content_get_their_own_ids(personas):
    """An import --replace makes new rows with the same content: links use the new ids."""
    appraisal = personas.appraisal
    fields = dict(risk="r", likelihood=3, impact=3, residual_likelihood=2, residual_impact=2)
    old = Risk.objects.create(appraisal=appraisal, **fields)
    assert evaluate(appraisal, samples=0).risks[0].pk == old.pk
    old.delete()
    new = Risk.objects.create(appraisal=appraisal, **fields)
    assert evaluate(appraisal, samples=0).risks[0].pk == new.pk
