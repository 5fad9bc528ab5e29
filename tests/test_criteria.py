"""Criteria from the library or written by the officer, and weights three ways."""

import pytest
from django.urls import reverse

from appraisals.models import Appraisal, Change, CriteriaSet


def _url(personas, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


@pytest.fixture
def library(db):
    harborough = CriteriaSet.objects.create(key="harborough", name="Harborough's twelve")
    return [
        harborough.criteria.create(
            key="political", name="Politically viable", group="Strategic", guidance="0 … 5"
        ),
        harborough.criteria.create(key="timescales", name="Timescales", order=2),
    ]


def test_officer_adds_criteria_from_the_library(client, personas, library):
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "criteria-from-library"), {"library_criteria": [c.pk for c in library]}
    )
    assert response.status_code == 302
    added = personas.appraisal.criteria.get(key="political")
    assert (added.group, added.guidance, added.weight) == ("Strategic", "0 … 5", 1)
    assert Change.objects.filter(kind="criterion", field="added").count() == 2
    # offered no more once added, and adding twice does nothing
    page = client.get(_url(personas, "criteria")).text
    assert f'value="{library[0].pk}"' not in page
    client.post(_url(personas, "criteria-from-library"), {"library_criteria": [library[0].pk]})
    assert personas.appraisal.criteria.filter(name="Politically viable").count() == 1


@pytest.mark.parametrize(
    ("method", "opens", "offered"),
    [
        ("direct", "weights", ["weights-swing", "weights-pairwise"]),
        ("swing", "weights-swing", ["weights", "weights-pairwise"]),
        ("pairwise", "weights-pairwise", ["weights", "weights-swing"]),
    ],
)
def test_set_weights_opens_the_appraisals_own_method_and_offers_the_others(
    client, personas, method, opens, offered
):
    Appraisal.objects.filter(pk=personas.appraisal.pk).update(weighting_method=method)
    client.force_login(personas.officer)
    page = client.get(_url(personas, "criteria")).text
    assert f'href="{_url(personas, opens)}">Set weights</a>' in page
    first, second = (_url(personas, name) for name in offered)
    assert f'You can weight them by <a class="govuk-link" href="{first}">' in page
    assert f'</a> or <a class="govuk-link" href="{second}">' in page
    client.force_login(personas.member)
    assert "You can weight them by" not in client.get(_url(personas, "criteria")).text


def test_officer_writes_their_own_criterion(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "criterion-add"),
        {"name": "Local fit", "group": "Partnership", "guidance": "5 = alike", "weight": "2.5"},
    )
    assert response.status_code == 302
    criterion = personas.appraisal.criteria.get(key="local-fit")
    assert (criterion.weight, criterion.group) == (2.5, "Partnership")
    response = client.post(_url(personas, "criterion-add"), {"name": "", "weight": "-1"})
    assert 'href="#id_name"' in response.text and 'href="#id_weight"' in response.text


def test_editing_a_criterion_records_each_field(client, personas):
    client.force_login(personas.officer)
    client.post(
        _url(personas, "criterion-edit", "criterion-1"),
        {"name": "Criterion one", "group": "", "description": "", "guidance": "0 bad, 5 good"},
    )
    fields = set(Change.objects.filter(kind="criterion").values_list("field", flat=True))
    assert fields == {"name", "guidance"}


def test_direct_weights_are_saved_recorded_and_shown_normalised(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "weights"),
        {"weight_criterion-1": "1", "weight_criterion-2": "1", "weight_criterion-3": "2"},
    )
    assert response.status_code == 302
    page = client.get(_url(personas, "weights")).text
    assert "50.0%" in page and "25.0%" in page
    # Criterion 1 kept its weight: nothing recorded for it
    changes = {c.subject: (c.old, c.new) for c in Change.objects.filter(field="weight")}
    assert changes == {"Criterion 2": ("2", "1"), "Criterion 3": ("3", "2")}


def test_weights_must_not_all_be_zero_or_negative(client, personas):
    client.force_login(personas.officer)
    data = {"weight_criterion-1": "0", "weight_criterion-2": "0", "weight_criterion-3": "0"}
    assert "at least one criterion a weight" in client.post(_url(personas, "weights"), data).text
    data["weight_criterion-1"] = "-2"
    assert 'href="#id_weight_criterion-1"' in client.post(_url(personas, "weights"), data).text


def test_weights_page_includes_the_live_script(client, personas):
    client.force_login(personas.officer)
    page = client.get(_url(personas, "weights")).text
    assert "build/weights.js" in page
    assert "data-live-weights" in page


def test_swing_weights_put_the_top_swing_at_100(client, personas):
    client.force_login(personas.officer)
    data = {
        "rank_criterion-1": "1", "points_criterion-1": "100",
        "rank_criterion-2": "2", "points_criterion-2": "50",
        "rank_criterion-3": "3", "points_criterion-3": "50",
    }  # fmt: skip
    assert client.post(_url(personas, "weights-swing"), data).status_code == 302
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.weighting_method == Appraisal.Weighting.SWING
    assert "50.0%" in client.get(_url(personas, "criteria")).text


def test_swing_points_must_follow_the_ranks(client, personas):
    client.force_login(personas.officer)
    data = {
        "rank_criterion-1": "1", "points_criterion-1": "80",
        "rank_criterion-2": "2", "points_criterion-2": "90",
        "rank_criterion-3": "3", "points_criterion-3": "10",
    }  # fmt: skip
    page = client.post(_url(personas, "weights-swing"), data).text
    assert "must have 100 points" in page
    assert "cannot have more points" in page


def test_pairwise_weights_show_the_consistency_ratio_and_worst_judgement(client, personas):
    client.force_login(personas.officer)
    # 1 ≫ 2, 2 ≫ 3, but 3 ≫ 1: inconsistent
    data = {
        "pair_criterion-1__criterion-2": "5",
        "pair_criterion-1__criterion-3": "1/5",
        "pair_criterion-2__criterion-3": "5",
    }
    assert client.post(_url(personas, "weights-pairwise"), data).status_code == 302
    personas.appraisal.refresh_from_db()
    matrix = personas.appraisal.pairwise_matrix
    assert matrix[0][1] == 5 and matrix[1][0] == pytest.approx(0.2)
    page = client.get(_url(personas, "weights-pairwise")).text
    assert "Consistency ratio" in page
    assert "inconsistent" in page
    assert "times as important as" in page
    # the saved judgements are shown again
    assert '<option value="1/5" selected>' in page
    assert Change.objects.filter(field="pairwise_matrix").exists()


def test_consistent_pairwise_judgements_are_not_flagged(client, personas):
    client.force_login(personas.officer)
    data = {
        "pair_criterion-1__criterion-2": "2",
        "pair_criterion-1__criterion-3": "4",
        "pair_criterion-2__criterion-3": "2",
    }
    client.post(_url(personas, "weights-pairwise"), data)
    page = client.get(_url(personas, "criteria")).text
    assert "within the 10%" in page
    assert "57.1%" in page  # 4 / 7


def test_a_new_criterion_joins_the_pairwise_matrix_as_equal(client, personas):
    client.force_login(personas.officer)
    client.post(
        _url(personas, "weights-pairwise"),
        {
            "pair_criterion-1__criterion-2": "2",
            "pair_criterion-1__criterion-3": "4",
            "pair_criterion-2__criterion-3": "2",
        },
    )
    client.post(_url(personas, "criterion-add"), {"name": "Fourth", "weight": "1"})
    personas.appraisal.refresh_from_db()
    assert len(personas.appraisal.pairwise_matrix) == 4
    assert personas.appraisal.pairwise_matrix[3] == [1, 1, 1, 1]


def test_criteria_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)
    # session, user, appraisal, memberships, criteria, the library, the header's council
    with django_assert_num_queries(7):
        client.get(_url(personas, "criteria"))
    for i in range(6):
        personas.appraisal.criteria.create(key=f"extra-{i}", name=f"Extra {i}", order=10 + i)
    with django_assert_num_queries(7):
        client.get(_url(personas, "criteria"))


def test_direct_weight_errors_name_the_criterion(client, personas):
    client.force_login(personas.officer)
    data = {"weight_criterion-1": "lots", "weight_criterion-2": "-1", "weight_criterion-3": "1"}
    page = client.post(_url(personas, "weights"), data).text
    assert (
        '<a href="#id_weight_criterion-1">Enter the weight for Criterion 1 as a number</a>' in page
    )
    assert (
        '<a href="#id_weight_criterion-2">The weight for Criterion 2 must be 0 or more</a>' in page
    )
    assert "Enter a number." not in page and "greater than or equal" not in page


def test_swing_weight_errors_name_the_criterion(client, personas):
    client.force_login(personas.officer)
    data = {
        "rank_criterion-1": "first", "points_criterion-1": "100",
        "rank_criterion-2": "2", "points_criterion-2": "150",
        "rank_criterion-3": "3", "points_criterion-3": "",
    }  # fmt: skip
    page = client.post(_url(personas, "weights-swing"), data).text
    assert "Enter the rank of Criterion 1 as a whole number" in page
    assert "The points for Criterion 2 must be 100 or less" in page
    assert '<a href="#id_points_criterion-3">Enter the points for Criterion 3</a>' in page
