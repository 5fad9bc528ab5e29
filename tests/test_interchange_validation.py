"""Every rule of interchange.md "Rules": a bad document is refused with each problem located.

Each test mutates one small valid document (`make_document`, in canonical form) and pins the
exact message, path included. Other interchange tests import `make_document` from here.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from appraisals.interchange import FORMAT, Problem, validate_document
from tests.factories import delivery_model


def make_document(**changes: Any) -> dict[str, Any]:
    """A small valid document in canonical form: three options (one the baseline) scored on
    three criteria by two panels, two risks, one financial case with partner shares."""
    options = ["do-nothing", "in-house", "shared"]
    criteria = ["cost", "quality", "speed"]
    panels = ["officers", "members"]
    doc = {
        "format": FORMAT,
        "reference": "small-appraisal",
        "title": "Payroll: how should we deliver it?",
        "lead_authority": "Lead District Council",
        "partners": ["Partner Borough Council"],
        "services": ["Payroll"],
        "status": "draft",
        "archived": False,
        "illustrative": False,
        "summary": "Whether to share payroll.",
        "objectives": ["Save money", "Keep payroll on time"],
        "savings_target": {"amount": 100000, "year": 2},
        "committee": {"name": "Cabinet", "meeting_date": "2024-05-01", "agenda_item": "7"},
        "scale": {"min": 0, "max": 5},
        "criteria": [
            {
                "key": key,
                "name": key.title(),
                "weight": weight,
                "group": "",
                "guidance": "0 = poor\n5 = excellent",
                "description": "",
            }
            for key, weight in zip(criteria, (2, 1, 0.5), strict=True)
        ],
        "weighting": {"method": "direct"},
        "options": [
            {
                "key": "do-nothing",
                "name": "Do nothing",
                "delivery_model": "do-nothing",
                "partners": [],
                "baseline": True,
                "recommended": False,
                "status": "shortlisted",
                "rejection_reason": "",
                "description": "",
            },
            {
                "key": "in-house",
                "name": "Improve in house",
                "delivery_model": "in-house",
                "partners": [],
                "baseline": False,
                "recommended": False,
                "status": "shortlisted",
                "rejection_reason": "",
                "description": "Lean review first.",
            },
            {
                "key": "shared",
                "name": "Share with the partner",
                "delivery_model": "shared-service",
                "partners": ["Partner Borough Council"],
                "baseline": False,
                "recommended": False,
                "status": "shortlisted",
                "rejection_reason": "",
                "description": "",
            },
        ],
        "panels": [
            {"key": "officers", "name": "Officers", "scored_when": "May 2024"},
            {"key": "members", "name": "Members", "scored_when": ""},
        ],
        "scores": [
            {
                "panel": p,
                "option": o,
                "criterion": c,
                "score": (i + j + k) % 6,
                "reason": f"Because {i}{j}{k}",
            }
            for k, p in enumerate(panels)
            for i, o in enumerate(options)
            for j, c in enumerate(criteria)
        ],
        "risks": [
            {
                "option": None,
                "risk": "Savings come late",
                "consequences": "Budget gap",
                "likelihood": 4,
                "impact": 5,
                "controls": "Programme management",
                "residual_likelihood": 3,
                "residual_impact": 4,
                "owner": "Chief Executive",
            },
            {
                "option": "shared",
                "risk": "Partner withdraws",
                "consequences": "",
                "likelihood": 2,
                "impact": 4,
                "controls": "",
                "residual_likelihood": 2,
                "residual_impact": 4,
                "owner": "",
            },
        ],
        "finance": {
            "discount_rate": 0.035,
            "optimism_bias": 0.1,
            "options": {
                "shared": {
                    "costs": [250000, 100000, 0],
                    "savings": {
                        "low": [0, 450000, 900000],
                        "central": [0, 600000, 1200000],
                        "high": [0, 750000, 1500000],
                    },
                    "partner_shares": {
                        "Lead District Council": 0.6,
                        "Partner Borough Council": 0.4,
                    },
                }
            },
        },
        "report": {
            "author": "A. Officer, Head of Finance",
            "report_of": "Director of Finance",
            "portfolio_holder": "",
            "uses_portfolio_holders": True,
            "contact_name": "A. Officer",
            "contact_job_title": "Head of Finance",
            "contact_telephone": "01632 960000",
            "contact_email": "a.officer@lead.example",
            "officers_consulted": "",
            "wards_affected": "All",
            "ward_members_consulted": "",
            "papers_inspection": "",
            "key_decision": False,
            "forward_plan_reference": "",
            "status": "open",
            "exempt_paragraph": "",
            "purpose": "decision",
            "narrative": {"purpose": "To decide how payroll is delivered."},
        },
    }
    doc.update(changes)
    return doc


@pytest.fixture
def catalogue(db) -> None:
    for key in ("do-nothing", "in-house", "shared-service"):
        delivery_model(key, key)


def problems(doc: Any) -> list[str]:
    return [str(p) for p in validate_document(doc)]


def mutated(change) -> dict[str, Any]:
    doc = copy.deepcopy(make_document())
    change(doc)
    return doc


def test_the_small_document_is_valid(catalogue):
    assert problems(make_document()) == []


def test_problem_reads_path_then_message():
    assert str(Problem("scores[12].score", "7 is above the scale maximum 5")) == (
        "scores[12].score: 7 is above the scale maximum 5"
    )


def test_document_must_be_an_object(catalogue):
    assert problems([1, 2]) == ["a document must be a JSON object, not a list"]


# Format, required keys and types


def test_wrong_format_is_refused(catalogue):
    doc = make_document(format="councilopts.appraisal/2")
    assert problems(doc) == [
        'format: must be "councilopts.appraisal/1", not "councilopts.appraisal/2"'
    ]


def test_missing_format_is_refused(catalogue):
    doc = make_document()
    del doc["format"]
    assert problems(doc) == ['format: is missing (it must be "councilopts.appraisal/1")']


@pytest.mark.parametrize(
    ("remove", "path"),
    [
        (lambda d: d.pop("title"), "title"),
        (lambda d: d.pop("lead_authority"), "lead_authority"),
        (lambda d: d.pop("scale"), "scale"),
        (lambda d: d.pop("criteria"), "criteria"),
        (lambda d: d.pop("options"), "options"),
        (lambda d: d["criteria"][1].pop("name"), "criteria[1].name"),
        (lambda d: d["criteria"][1].pop("weight"), "criteria[1].weight"),
        (lambda d: d["options"][2].pop("delivery_model"), "options[2].delivery_model"),
        (lambda d: d["panels"][0].pop("key"), "panels[0].key"),
        (lambda d: d["risks"][0].pop("likelihood"), "risks[0].likelihood"),
        (lambda d: d["scores"][3].pop("score"), "scores[3].score"),
    ],
)
def test_required_keys_are_required(catalogue, remove, path):
    doc = mutated(remove)
    assert f"{path}: is missing" in problems(doc)


def test_types_are_checked(catalogue):
    def change(d):
        d["criteria"][1]["weight"] = "heavy"
        d["options"][0]["baseline"] = "yes"
        d["partners"] = "Partner Borough Council"
        d["title"] = 12
        d["scores"][0]["score"] = True  # a boolean is not a number

    assert problems(mutated(change)) == [
        "title: must be text, not 12",
        'partners: must be a list, not "Partner Borough Council"',
        'criteria[1].weight: must be a number, not "heavy"',
        'options[0].baseline: must be true or false, not "yes"',
        "scores[0].score: must be a number, not true",
    ]


def test_keys_must_be_slugs(catalogue):
    doc = mutated(lambda d: d["panels"][1].update(key="our members"))
    assert (
        'panels[1].key: must be a key (letters, digits, hyphens and underscores), not "our members"'
        in problems(doc)
    )


def test_overlong_text_is_refused(catalogue):
    doc = make_document(title="x" * 301)
    assert problems(doc) == ["title: is 301 characters long; the most allowed is 300"]


# Unique keys and references


@pytest.mark.parametrize(
    ("listing", "index", "duplicate_of"),
    [("criteria", 2, 0), ("options", 1, 0), ("panels", 1, 0)],
)
def test_keys_are_unique_within_their_list(catalogue, listing, index, duplicate_of):
    doc = make_document()
    key = doc[listing][duplicate_of]["key"]
    doc[listing][index]["key"] = key
    assert f'{listing}[{index}].key: "{key}" is used already by {listing}[{duplicate_of}]' in (
        problems(doc)
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["scores"][4].update(option="outsource"),
            'scores[4].option: no option has the key "outsource"',
        ),
        (
            lambda d: d["scores"][5].update(panel="union"),
            'scores[5].panel: no panel has the key "union"',
        ),
        (
            lambda d: d["scores"][6].update(criterion="beauty"),
            'scores[6].criterion: no criterion has the key "beauty"',
        ),
        (
            lambda d: d["risks"][1].update(option="outsource"),
            'risks[1].option: no option has the key "outsource"',
        ),
        (
            lambda d: d["finance"]["options"].update(outsource=d["finance"]["options"]["shared"]),
            'finance.options.outsource: no option has the key "outsource"',
        ),
    ],
)
def test_every_reference_names_an_existing_key(catalogue, change, expected):
    assert problems(mutated(change)) == [expected]


def test_delivery_model_must_be_in_the_catalogue(catalogue):
    doc = mutated(lambda d: d["options"][1].update(delivery_model="franchise"))
    assert problems(doc) == [
        'options[1].delivery_model: "franchise" is not in the delivery-model catalogue'
    ]


def test_partner_named_twice_is_refused(catalogue):
    doc = make_document(partners=["Partner Borough Council", "Partner Borough Council"])
    assert problems(doc) == [
        'partners[1]: "Partner Borough Council" is named already at partners[0]'
    ]


# Scores, scale, risks, dates


def test_score_above_the_scale_is_refused(catalogue):
    doc = mutated(lambda d: d["scores"][12].update(score=7))
    assert problems(doc) == ["scores[12].score: 7 is above the scale maximum 5"]


def test_score_below_the_scale_is_refused(catalogue):
    doc = mutated(lambda d: d["scores"][0].update(score=-0.5))
    assert problems(doc) == ["scores[0].score: -0.5 is below the scale minimum 0"]


def test_scale_minimum_must_be_below_its_maximum(catalogue):
    doc = make_document(scale={"min": 5, "max": 5})
    assert problems(doc) == ["scale: the minimum 5 must be below the maximum 5"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("likelihood", 0), ("likelihood", 6), ("impact", 2.5), ("residual_impact", 6)],
)
def test_likelihood_and_impact_are_whole_numbers_from_one_to_five(catalogue, field, value):
    doc = mutated(lambda d: d["risks"][0].update({field: value}))
    assert problems(doc) == [f"risks[0].{field}: must be a whole number from 1 to 5, not {value}"]


@pytest.mark.parametrize("date", ["31/10/2011", "2011-13-01", "2011-10-31T10:00"])
def test_meeting_date_must_be_an_iso_date(catalogue, date):
    doc = mutated(lambda d: d["committee"].update(meeting_date=date))
    assert problems(doc) == [f'committee.meeting_date: "{date}" is not an ISO date (YYYY-MM-DD)']


def test_duplicate_score_cell_is_refused(catalogue):
    def change(d):
        d["scores"].append(dict(d["scores"][2], score=1))

    assert problems(mutated(change)) == [
        'scores[18]: panel "officers" has scored option "do-nothing" on criterion "speed" '
        "already, at scores[2]"
    ]


# Weights and the pairwise matrix


def test_weight_must_not_be_negative(catalogue):
    doc = mutated(lambda d: d["criteria"][2].update(weight=-1))
    assert problems(doc) == ["criteria[2].weight: must not be negative (-1)"]


def test_at_least_one_weight_must_be_positive(catalogue):
    def change(d):
        for c in d["criteria"]:
            c["weight"] = 0

    assert problems(mutated(change)) == [
        "criteria: at least one criterion's weight must be above 0"
    ]


def pairwise(matrix) -> dict[str, Any]:
    return make_document(weighting={"method": "pairwise", "matrix": matrix})


def test_a_consistent_pairwise_matrix_is_accepted_within_the_tolerance(catalogue):
    doc = pairwise([[1, 3, 5], [0.3333333, 1, 2], [0.2, 0.5, 1]])
    for c in doc["criteria"]:
        del c["weight"]  # ignored with pairwise weighting, so not required
    assert problems(doc) == []


def test_pairwise_needs_a_matrix(catalogue):
    assert problems(make_document(weighting={"method": "pairwise"})) == [
        "weighting.matrix: is missing"
    ]


def test_unknown_weighting_method_is_refused(catalogue):
    assert problems(make_document(weighting={"method": "guess"})) == [
        'weighting.method: must be one of direct, swing, pairwise, not "guess"'
    ]


def test_pairwise_matrix_has_one_row_per_criterion(catalogue):
    assert problems(pairwise([[1, 2], [0.5, 1]])) == [
        "weighting.matrix: must have 3 rows, one per criterion, not 2"
    ]


def test_pairwise_matrix_is_square(catalogue):
    assert problems(pairwise([[1, 3, 5], [1 / 3, 1], [0.2, 0.5, 1]])) == [
        "weighting.matrix[1]: must have 3 entries, one per criterion, not 2"
    ]


def test_pairwise_entries_are_positive(catalogue):
    assert problems(pairwise([[1, 3, 0], [1 / 3, 1, 2], [0.2, 0.5, 1]])) == [
        "weighting.matrix[0][2]: must be a positive number, not 0"
    ]


def test_pairwise_diagonal_is_one(catalogue):
    assert problems(pairwise([[1, 3, 5], [1 / 3, 2, 2], [0.2, 0.5, 1]])) == [
        "weighting.matrix[1][1]: must be 1 on the diagonal, not 2"
    ]


def test_pairwise_matrix_is_reciprocal(catalogue):
    assert problems(pairwise([[1, 3, 5], [0.5, 1, 2], [0.2, 0.5, 1]])) == [
        "weighting.matrix[1][0]: must be the reciprocal of weighting.matrix[0][1] "
        "(1/3 = 0.333333), not 0.5"
    ]


# Options


def test_at_most_one_baseline(catalogue):
    doc = mutated(lambda d: d["options"][2].update(baseline=True))
    assert problems(doc) == [
        "options[2].baseline: only one option may be the baseline (options[0] is)"
    ]


def test_at_most_one_recommended_option_and_never_a_rejected_one(catalogue):
    def two(d):
        d["options"][1]["recommended"] = d["options"][2]["recommended"] = True

    assert problems(mutated(two)) == [
        "options[2].recommended: only one option may be recommended (options[1] is)"
    ]
    doc = mutated(
        lambda d: d["options"][1].update(
            recommended=True, status="rejected", rejection_reason="Too slow"
        )
    )
    assert problems(doc) == ["options[1].recommended: a rejected option cannot be recommended"]


def test_rejected_option_needs_a_reason(catalogue):
    doc = mutated(lambda d: d["options"][1].update(status="rejected", rejection_reason=" "))
    assert problems(doc) == [
        "options[1].rejection_reason: a rejected option needs the reason it was rejected"
    ]


def test_unknown_option_status_is_refused(catalogue):
    doc = mutated(lambda d: d["options"][1].update(status="maybe"))
    assert problems(doc) == [
        'options[1].status: must be one of longlisted, shortlisted, rejected, not "maybe"'
    ]


# Finance


def test_finance_arrays_of_one_option_have_the_same_length(catalogue):
    doc = mutated(lambda d: d["finance"]["options"]["shared"]["savings"]["high"].append(1))
    assert problems(doc) == [
        "finance.options.shared: all arrays must have the same number of years, "
        "not costs 3, low 3, central 3, high 4"
    ]


def test_empty_finance_array_counts_as_absent(catalogue):
    doc = mutated(lambda d: d["finance"]["options"]["shared"]["savings"].update(low=[], high=[]))
    assert problems(doc) == []


def test_finance_values_are_numbers(catalogue):
    doc = mutated(lambda d: d["finance"]["options"]["shared"]["costs"].__setitem__(1, "lots"))
    assert problems(doc) == ['finance.options.shared.costs[1]: must be a number, not "lots"']


def test_unknown_savings_series_is_refused(catalogue):
    doc = mutated(lambda d: d["finance"]["options"]["shared"]["savings"].update(typical=[0, 1, 2]))
    assert problems(doc) == [
        "finance.options.shared.savings.typical: is not a savings series (use low, central, high)"
    ]


def test_partner_shares_sum_to_one(catalogue):
    doc = mutated(
        lambda d: d["finance"]["options"]["shared"]["partner_shares"].update(
            {"Partner Borough Council": 0.3}
        )
    )
    assert problems(doc) == [
        "finance.options.shared.partner_shares: shares must add up to 1, not 0.9"
    ]


def test_partner_shares_must_include_the_lead_council(catalogue):
    def leave_out_the_lead(d):
        d["finance"]["options"]["shared"]["partner_shares"] = {
            "Partner Borough Council": 0.5,
            "Riverside NHS Trust": 0.5,
        }

    assert problems(mutated(leave_out_the_lead)) == [
        "finance.options.shared.partner_shares: must include the lead council, "
        '"Lead District Council", with its share'
    ]


def test_partner_share_is_a_fraction(catalogue):
    doc = mutated(
        lambda d: d["finance"]["options"]["shared"]["partner_shares"].update(
            {"Lead District Council": 1.5, "Partner Borough Council": -0.5}
        )
    )
    assert problems(doc) == [
        "finance.options.shared.partner_shares.Lead District Council: "
        "must be a fraction from 0 to 1, not 1.5",
        "finance.options.shared.partner_shares.Partner Borough Council: "
        "must be a fraction from 0 to 1, not -0.5",
    ]


def test_discount_rate_and_optimism_bias_are_in_range(catalogue):
    doc = mutated(lambda d: d["finance"].update(discount_rate=1, optimism_bias=-0.1))
    assert problems(doc) == [
        "finance.discount_rate: must be from 0 up to (not including) 1, not 1",
        "finance.optimism_bias: must not be negative (-0.1)",
    ]


# Optional keys beyond the core format


def test_exempt_report_needs_its_paragraph(catalogue):
    doc = mutated(lambda d: d["report"].update(status="exempt"))
    assert problems(doc) == [
        "report.exempt_paragraph: an exempt report needs its Schedule 12A paragraph"
    ]


def test_savings_target_is_checked(catalogue):
    doc = make_document(savings_target={"amount": -5, "year": 1.5})
    assert problems(doc) == [
        "savings_target.amount: must not be negative (-5)",
        "savings_target.year: must be a whole number of years from 0, not 1.5",
    ]


def test_optional_keys_may_be_left_out(catalogue):
    doc = make_document()
    for key in ("partners", "services", "status", "archived", "illustrative", "summary"):
        del doc[key]
    for key in ("objectives", "savings_target", "committee", "weighting", "panels", "scores"):
        del doc[key]
    for key in ("risks", "finance", "report"):
        del doc[key]
    for option in doc["options"]:
        for key in ("partners", "baseline", "status", "rejection_reason", "description"):
            del option[key]
    assert problems(doc) == []


# All the problems, not just the first


def test_every_problem_is_listed_in_document_order(catalogue):
    def change(d):
        d["format"] = "other"
        d["scores"][12]["score"] = 7
        d["scores"][13]["option"] = "nowhere"
        d["risks"][1]["impact"] = 9
        d["options"][1]["delivery_model"] = "franchise"

    assert problems(mutated(change)) == [
        'format: must be "councilopts.appraisal/1", not "other"',
        'options[1].delivery_model: "franchise" is not in the delivery-model catalogue',
        "scores[12].score: 7 is above the scale maximum 5",
        'scores[13].option: no option has the key "nowhere"',
        "risks[1].impact: must be a whole number from 1 to 5, not 9",
    ]


def test_contact_email_must_be_an_email_address(catalogue):
    doc = mutated(lambda d: d["report"].update(contact_email="ring me"))
    assert problems(doc) == ['report.contact_email: must be an e-mail address, not "ring me"']


def test_report_header_facts_and_when_a_panel_scored_are_checked(catalogue):
    def change(d):
        d["report"].update(uses_portfolio_holders="no", contact_telephone=7)
        d["panels"][0]["scored_when"] = "x" * 101

    assert problems(mutated(change)) == [
        "panels[0].scored_when: is 101 characters long; the most allowed is 100",
        "report.contact_telephone: must be text, not 7",
        'report.uses_portfolio_holders: must be true or false, not "no"',
    ]
