"""Importing an interchange document: all or nothing, replace, new authorities reported."""

from __future__ import annotations

import copy
import random

import pytest
from django.db import transaction

from appraisals.interchange import (
    AppraisalExists,
    InvalidDocument,
    export_document,
    import_document,
)
from appraisals.models import (
    Appraisal,
    Authority,
    Change,
    Criterion,
    FinancialCase,
    Option,
    Panel,
    PartnerShare,
    Question,
    ReportVersion,
    Risk,
    Score,
    Service,
)
from tests.factories import delivery_model
from tests.test_interchange_validation import make_document

COUNTED = (
    Appraisal,
    Authority,
    Service,
    Option,
    Criterion,
    Panel,
    Score,
    Risk,
    FinancialCase,
    PartnerShare,
    Change,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def catalogue(personas) -> None:
    delivery_model("shared-service", "Shared service")


def test_import_creates_the_appraisal_and_export_gives_the_document_back(personas, catalogue):
    doc = make_document()
    report = import_document(document=copy.deepcopy(doc), user=personas.officer)
    appraisal = report.appraisal
    assert appraisal.lead_authority == personas.lead
    assert appraisal.created_by == personas.officer
    assert appraisal.options.count() == 3
    assert Score.objects.filter(panel__appraisal=appraisal).count() == 18
    assert export_document(appraisal) == doc


def test_the_recommended_option_goes_out_and_comes_back(personas, catalogue):
    doc = make_document()
    doc["options"][2]["recommended"] = True
    appraisal = import_document(document=copy.deepcopy(doc), user=personas.officer).appraisal
    assert appraisal.options.get(recommended=True).key == doc["options"][2]["key"]
    assert export_document(appraisal) == doc


def test_list_order_becomes_the_order_fields(personas, catalogue):
    doc = make_document()
    doc["options"].reverse()
    appraisal = import_document(document=doc).appraisal
    assert [o.key for o in appraisal.options.order_by("order")] == [
        "shared",
        "in-house",
        "do-nothing",
    ]
    assert [o["key"] for o in export_document(appraisal)["options"]] == [
        "shared",
        "in-house",
        "do-nothing",
    ]


def test_import_records_one_change(personas, catalogue):
    appraisal = import_document(document=make_document(), user=personas.officer).appraisal
    change = Change.objects.get(appraisal=appraisal)
    assert (change.kind, change.field, change.user) == ("import", "imported", personas.officer)
    assert change.new == "3 options, 3 criteria, 2 panels, 18 scores, 2 risks"


def test_bad_document_writes_nothing_and_lists_every_problem(personas, catalogue):
    doc = make_document(lead_authority="Brand New Council", services=["Parking"])
    shares = doc["finance"]["options"]["shared"]["partner_shares"]
    shares["Brand New Council"] = shares.pop("Lead District Council")
    doc["scores"][12]["score"] = 7
    doc["options"][2]["baseline"] = True
    before = counts()
    with pytest.raises(InvalidDocument) as refused:
        import_document(document=doc)
    assert [str(p) for p in refused.value.problems] == [
        "options[2].baseline: only one option may be the baseline (options[0] is)",
        "scores[12].score: 7 is above the scale maximum 5",
    ]
    assert counts() == before


def test_existing_reference_is_refused_without_replace(personas, catalogue):
    doc = make_document(reference=personas.appraisal.reference)
    before = counts()
    with pytest.raises(AppraisalExists) as refused:
        import_document(document=doc)
    assert [str(p) for p in refused.value.problems] == [
        'reference: an appraisal "test-appraisal" exists already'
    ]
    assert counts() == before


def test_replace_keeps_the_appraisal_row_its_reports_and_questions(personas, catalogue):
    appraisal = personas.appraisal
    version = ReportVersion.objects.create(
        appraisal=appraisal, number=1, snapshot={}, pdf=b"%PDF", sha256="0" * 64
    )
    question = Question.objects.create(appraisal=appraisal, asked_by=personas.member, text="Why?")
    old_options = set(appraisal.options.values_list("pk", flat=True))
    doc = make_document(reference=appraisal.reference)

    report = import_document(document=copy.deepcopy(doc), user=personas.officer, replace=True)

    assert report.replaced
    assert report.appraisal.pk == appraisal.pk
    assert ReportVersion.objects.filter(pk=version.pk).exists()
    assert Question.objects.filter(pk=question.pk).exists()
    assert old_options.isdisjoint(Option.objects.values_list("pk", flat=True))
    assert export_document(appraisal) == doc
    change = Change.objects.get(appraisal=appraisal, kind="import")
    assert (change.old, change.user) == ("replaced", personas.officer)


def test_replace_keeps_panel_members_where_the_panel_key_remains(personas, catalogue):
    appraisal = personas.appraisal
    appraisal.panels.get(key="panel-1").members.add(personas.member)
    appraisal.panels.get(key="panel-2").members.add(personas.officer)
    doc = make_document(reference=appraisal.reference)
    doc["panels"] = [{"key": "panel-1", "name": "Members"}]
    for score in doc["scores"]:
        score["panel"] = "panel-1"
    doc["scores"] = doc["scores"][:9]

    import_document(document=doc, replace=True)

    assert list(Panel.objects.get(appraisal=appraisal, key="panel-1").members.all()) == [
        personas.member
    ]
    assert not Panel.members.through.objects.filter(user=personas.officer).exists()


def test_bad_document_with_replace_leaves_the_existing_appraisal_alone(personas, catalogue):
    before = export_document(personas.appraisal)
    doc = make_document(reference=personas.appraisal.reference, scale={"min": 5, "max": 1})
    with pytest.raises(InvalidDocument):
        import_document(document=doc, replace=True)
    assert export_document(personas.appraisal) == before


def test_unknown_authorities_and_services_are_created_and_reported(personas, catalogue):
    doc = make_document(services=["Payroll", "Revenues and benefits"])
    doc["options"][2]["partners"] = ["Partner Borough Council", "Shire County Council"]
    doc["finance"]["options"]["shared"]["partner_shares"] = {
        "Lead District Council": 0.5,
        "Riverside NHS Trust": 0.5,
    }
    Service.objects.create(name="Payroll")

    report = import_document(document=doc)

    assert report.created_authorities == ("Shire County Council", "Riverside NHS Trust")
    assert report.created_services == ("Revenues and benefits",)
    assert Authority.objects.get(name="Shire County Council").kind == Authority.Kind.COUNTY
    assert Authority.objects.get(name="Riverside NHS Trust").kind == Authority.Kind.NHS_TRUST


def test_a_body_written_another_way_is_the_body_listed_not_a_new_one(personas, catalogue):
    """Names are matched as the scope page's duplicate check matches them (bodies.py): case,
    punctuation and "Council"/"Borough"/"District" set aside."""
    doc = make_document()
    doc["lead_authority"] = "lead district"
    doc["partners"] = ["Partner Council"]
    doc["options"][2]["partners"] = ["PARTNER BOROUGH COUNCIL", "Partner, Borough of"]
    doc["finance"]["options"]["shared"]["partner_shares"] = {
        "Lead Council": 0.5,
        "Partner Borough Council": 0.5,
    }
    before = Authority.objects.count()

    report = import_document(document=doc)

    assert report.created_authorities == ()
    assert Authority.objects.count() == before
    appraisal = report.appraisal
    assert appraisal.lead_authority == personas.lead
    assert list(appraisal.partners.all()) == [personas.partner]
    option = appraisal.options.get(key=doc["options"][2]["key"])
    assert list(option.partners.all()) == [personas.partner]  # two spellings, one partner
    shares = option.financial_case.partner_shares.order_by("order")
    assert [s.authority for s in shares] == [personas.lead, personas.partner]
    # Exported, each is named as listed.
    exported = export_document(appraisal)
    assert (exported["lead_authority"], exported["partners"]) == (
        "Lead District Council",
        ["Partner Borough Council"],
    )


def test_a_name_two_listed_bodies_share_is_refused_not_guessed(personas, catalogue):
    """Places share names: with Durham County Council and City of Durham Council both listed,
    "Durham Council" could be either, so the import says so and writes nothing; a name
    written as listed finds its body."""
    county = Authority.objects.create(name="Durham County Council", kind="county")
    district = Authority.objects.create(name="City of Durham Council", kind="district")
    doc = make_document()
    doc["partners"] = ["Durham Council"]
    before = Authority.objects.count()
    with pytest.raises(InvalidDocument) as refused:
        import_document(document=doc)
    assert [str(p) for p in refused.value.problems] == [
        'partners[0]: "Durham Council" could be City of Durham Council or Durham County Council: '
        "write the name as it is listed"
    ]
    assert Authority.objects.count() == before
    assert not Appraisal.objects.filter(reference=doc["reference"]).exists()

    doc["partners"] = ["City of Durham Council", "DURHAM COUNTY COUNCIL"]
    report = import_document(document=doc)
    assert set(report.appraisal.partners.all()) == {county, district}


def test_a_body_no_listed_name_matches_is_created_once_however_it_is_written(personas, catalogue):
    doc = make_document()
    doc["partners"] = ["Riverside NHS Trust", "riverside nhs trust"]
    report = import_document(document=doc)
    assert report.created_authorities == ("Riverside NHS Trust",)
    assert [a.name for a in report.appraisal.partners.all()] == ["Riverside NHS Trust"]


def test_known_authorities_are_not_reported(personas, catalogue):
    report = import_document(document=make_document())
    assert report.created_authorities == ()
    assert report.created_services == ("Payroll",)


def test_numbers_are_stored_as_floats_and_written_back_as_given(personas, catalogue):
    doc = make_document()
    doc["scores"][0]["score"] = 2.5
    appraisal = import_document(document=copy.deepcopy(doc)).appraisal
    weights = list(appraisal.criteria.values_list("weight", flat=True))
    assert weights == [2.0, 1.0, 0.5]
    assert all(isinstance(w, float) for w in weights)
    exported = export_document(appraisal)
    assert exported["scores"][0]["score"] == 2.5
    assert exported == doc


def test_documents_without_optional_keys_import_with_defaults(personas, catalogue):
    doc = {
        "format": "councilopts.appraisal/1",
        "reference": "bare",
        "title": "Bare",
        "lead_authority": "Lead District Council",
        "scale": {"min": 1, "max": 10},
        "criteria": [{"key": "cost", "name": "Cost", "weight": 1}],
        "options": [{"key": "in-house", "name": "In house", "delivery_model": "in-house"}],
    }
    appraisal = import_document(document=doc).appraisal
    exported = export_document(appraisal)
    assert exported["options"][0]["status"] == "shortlisted"
    assert exported["finance"] == {"discount_rate": 0.035, "optimism_bias": 0, "options": {}}
    assert exported["report"]["wards_affected"] == "All"
    assert exported["weighting"] == {"method": "direct"}


def test_export_import_export_is_stable(personas, catalogue):
    first = export_document(personas.appraisal)
    first["reference"] = "copy"
    copied = import_document(document=copy.deepcopy(first)).appraisal
    assert export_document(copied) == first


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _paths(value, (*prefix, i))


DAMAGE = [None, True, 0, -1, 2.5, 7, float("nan"), "", "x", "in-house", "a\x00b", [], [1], {}]


def test_damaged_documents_are_refused_or_imported_never_crash(personas, catalogue):
    """Random damage (seeded): validation lists problems without raising, and whatever it
    passes imports and exports."""
    rng = random.Random(1)
    base = make_document()
    paths = [p for p in _paths(base) if p]
    imported = 0
    for n in range(400):
        doc = copy.deepcopy(base)
        for _ in range(rng.randint(1, 3)):
            *parents, last = rng.choice(paths)
            target = doc
            try:
                for part in parents:
                    target = target[part]
                if isinstance(target, dict) and rng.random() < 0.15:
                    del target[last]
                else:
                    target[last] = rng.choice(DAMAGE)
            except (KeyError, IndexError, TypeError):
                pass  # an earlier change removed the parent
        doc["reference"] = f"damaged-{n}" if isinstance(doc.get("reference"), str) else None
        try:
            with transaction.atomic():
                report = import_document(document=doc)
                export_document(report.appraisal)
                imported += 1
                transaction.set_rollback(True)
        except InvalidDocument as refused:
            assert refused.problems
    assert 0 < imported < 400
