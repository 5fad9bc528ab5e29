"""Exporting an appraisal as an interchange document: content, order and a fixed query count."""

from __future__ import annotations

import datetime as dt

from appraisals.interchange import FORMAT, export_document, validate_document
from appraisals.models import (
    Authority,
    Criterion,
    FinancialCase,
    Option,
    PartnerShare,
    Risk,
    Service,
)
from tests.factories import delivery_model, make_appraisal

# appraisal + lead authority; partners; services; options (+ delivery model, financial case);
# criteria; panels; risks; options' partners; partner shares; scores.
EXPORT_QUERIES = 10


def add_finance_and_risks(appraisal, partner: Authority) -> None:
    """A financial case with partner shares on every option, a risk on each, a service."""
    appraisal.services.add(Service.objects.get_or_create(name="Payroll")[0])
    for option in appraisal.options.all():
        option.partners.add(partner)
        case = FinancialCase.objects.create(
            option=option, costs=[100.0, 0.0], savings_central=[0.0, 250.5]
        )
        PartnerShare.objects.create(financial_case=case, authority=partner, share=0.25, order=1)
        PartnerShare.objects.create(
            financial_case=case, authority=appraisal.lead_authority, share=0.75, order=0
        )
        Risk.objects.create(
            appraisal=appraisal,
            option=option,
            risk=f"Risk to {option.name}",
            likelihood=2,
            impact=3,
            residual_likelihood=1,
            residual_impact=3,
        )


def test_document_holds_the_appraisal(personas):
    appraisal = personas.appraisal
    appraisal.meeting_date = dt.date(2011, 10, 31)
    appraisal.committee_name = "Full Council"
    appraisal.objectives = "Save money\n\n  Keep quality  \n"
    appraisal.savings_target, appraisal.savings_target_year = 3_000_000.0, 4
    appraisal.save()
    add_finance_and_risks(appraisal, personas.partner)

    doc = export_document(appraisal)

    assert doc["format"] == FORMAT
    assert doc["reference"] == "test-appraisal"
    assert doc["lead_authority"] == "Lead District Council"
    assert doc["partners"] == ["Partner Borough Council"]
    assert doc["services"] == ["Payroll"]
    assert doc["objectives"] == ["Save money", "Keep quality"]
    assert doc["savings_target"] == {"amount": 3_000_000, "year": 4}
    assert doc["committee"] == {
        "name": "Full Council",
        "meeting_date": "2011-10-31",
        "agenda_item": "",
    }
    assert [o["key"] for o in doc["options"]] == ["do-nothing", "option-1", "option-2", "option-3"]
    assert doc["options"][0]["baseline"] is True
    assert doc["options"][1]["partners"] == ["Partner Borough Council"]
    assert len(doc["scores"]) == 2 * 4 * 3
    assert doc["finance"]["options"]["option-1"] == {
        "costs": [100, 0],
        "savings": {"low": [], "central": [0, 250.5], "high": []},
        "partner_shares": {"Lead District Council": 0.75, "Partner Borough Council": 0.25},
    }
    assert doc["risks"][1]["option"] == "option-1"
    assert validate_document(doc) == []


def test_whole_numbers_are_written_as_integers(personas):
    doc = export_document(personas.appraisal)
    assert doc["scale"] == {"min": 0, "max": 5}
    assert type(doc["scale"]["max"]) is int
    assert type(doc["criteria"][0]["weight"]) is int
    assert all(type(s["score"]) is int for s in doc["scores"])


def test_lists_follow_the_order_fields_then_the_primary_key(personas):
    appraisal = personas.appraisal
    Option.objects.filter(appraisal=appraisal, key="option-3").update(order=0)
    Criterion.objects.filter(appraisal=appraisal, key="criterion-1").update(order=9)
    doc = export_document(appraisal)
    assert [o["key"] for o in doc["options"]] == ["do-nothing", "option-3", "option-1", "option-2"]
    assert [c["key"] for c in doc["criteria"]] == ["criterion-2", "criterion-3", "criterion-1"]
    # Scores by panel, then option, then criterion, in those orders.
    cells = [(s["panel"], s["option"], s["criterion"]) for s in doc["scores"]]
    assert cells[:4] == [
        ("panel-1", "do-nothing", "criterion-2"),
        ("panel-1", "do-nothing", "criterion-3"),
        ("panel-1", "do-nothing", "criterion-1"),
        ("panel-1", "option-3", "criterion-2"),
    ]


def test_pairwise_weighting_carries_its_matrix(personas):
    appraisal = personas.appraisal
    appraisal.weighting_method = "pairwise"
    appraisal.pairwise_matrix = [[1.0, 3.0, 5.0], [1 / 3, 1.0, 2.0], [0.2, 0.5, 1.0]]
    appraisal.save()
    assert export_document(appraisal)["weighting"] == {
        "method": "pairwise",
        "matrix": [[1, 3, 5], [1 / 3, 1, 2], [0.2, 0.5, 1]],
    }


def test_direct_weighting_has_no_matrix(personas):
    assert export_document(personas.appraisal)["weighting"] == {"method": "direct"}


def test_query_count_is_fixed(personas, django_assert_num_queries):
    add_finance_and_risks(personas.appraisal, personas.partner)
    with django_assert_num_queries(EXPORT_QUERIES):
        export_document(personas.appraisal)


def test_query_count_does_not_grow_with_the_appraisal(personas, django_assert_num_queries):
    big = make_appraisal(personas.lead, reference="big", options=8, criteria=12, panels=4)
    big.partners.add(personas.partner, personas.unrelated)
    delivery_model("shared-service", "Shared service")
    add_finance_and_risks(big, personas.partner)
    with django_assert_num_queries(EXPORT_QUERIES):
        doc = export_document(big)
    assert len(doc["scores"]) == 9 * 12 * 4
    assert len(doc["finance"]["options"]) == 9


def test_query_count_is_the_same_for_an_empty_appraisal(personas, django_assert_num_queries):
    empty = make_appraisal(personas.lead, reference="empty", options=0, criteria=0, panels=0)
    with django_assert_num_queries(EXPORT_QUERIES):
        export_document(empty)
