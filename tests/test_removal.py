"""Removing an option, a criterion or a panel: "Are you sure?" with what goes, then the removal.

The personas' appraisal has a baseline and three options, criteria weighted 1, 2 and 3, and two
panels that scored every cell: 6 scores per option, 8 per criterion, 12 per panel, 24 in all.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from appraisals import actions
from appraisals.models import (
    Appraisal,
    Change,
    Criterion,
    FinancialCase,
    Membership,
    Option,
    Panel,
    PartnerShare,
    Risk,
    Score,
)
from tests.factories import make_user

# (URL name, key of the item, its model, the list page the removal returns to)
KINDS = [
    ("option-remove", "option-1", Option, "options"),
    ("criterion-remove", "criterion-1", Criterion, "criteria"),
    ("panel-remove", "panel-1", Panel, "panels"),
]
KIND_IDS = ["option", "criterion", "panel"]


def _url(personas, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


def _add_finance_and_risks(personas) -> None:
    """Option 1 gets a financial case shared with the partner, and a risk of its own; the
    register also holds a risk to the whole appraisal."""
    appraisal = personas.appraisal
    option = appraisal.options.get(key="option-1")
    actions.save_financial_case(
        appraisal=appraisal,
        user=personas.officer,
        option=option,
        flows={
            "costs": [250000, 0],
            "savings_low": [0, 400000],
            "savings_central": [0, 500000],
            "savings_high": [0, 600000],
        },
        shares={personas.lead: 0.6, personas.partner: 0.4},
    )
    option.partners.add(personas.partner)
    risk = {"likelihood": 3, "impact": 3, "residual_likelihood": 2, "residual_impact": 2}
    Risk.objects.create(appraisal=appraisal, option=option, risk="Staff leave", **risk)
    Risk.objects.create(appraisal=appraisal, risk="Delay", **risk)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _removed(kind: str) -> list[Change]:
    return list(Change.objects.filter(kind=kind, field="removed"))


# --------------------------------------------------------------------------------------------
# Options


def test_confirming_an_option_removal_says_what_goes_with_it(client, personas):
    _add_finance_and_risks(personas)
    Change.objects.all().delete()
    client.force_login(personas.officer)
    response = client.get(_url(personas, "option-remove", "option-1"))
    assert response.status_code == 200
    page = response.text
    assert '<h1 class="govuk-heading-l">Are you sure you want to remove Option 1?</h1>' in page
    assert "govuk-warning-text" in page
    assert (
        "Removing Option 1 also removes 6 scores, its financial case with 2 partner shares of "
        "the savings and 1 risk recorded against it. You cannot undo this." in page
    )
    assert "is the baseline" not in page
    assert 'class="govuk-button govuk-button--warning"' in page
    assert "Yes, remove this option" in page
    assert f'href="{_url(personas, "option-edit", "option-1")}">Cancel</a>' in page
    # Looking is not removing.
    assert personas.appraisal.options.filter(key="option-1").exists()
    assert not Change.objects.exists()


def test_an_option_with_nothing_attached_says_so(client, personas):
    Score.objects.filter(option__key="option-3").delete()
    client.force_login(personas.officer)
    page = client.get(_url(personas, "option-remove", "option-3")).text
    assert "It has no scores, financial case or risks, so nothing else goes with it." in page
    assert "also removes" not in page


def test_removing_an_option_removes_its_scores_finance_and_risks(client, personas):
    _add_finance_and_risks(personas)
    Change.objects.all().delete()
    option = personas.appraisal.options.get(key="option-1")
    client.force_login(personas.officer)
    response = client.post(_url(personas, "option-remove", "option-1"), follow=True)
    assert response.redirect_chain == [(_url(personas, "options"), 302)]
    assert _messages(response) == ["Option “Option 1” removed."]
    assert not Option.objects.filter(pk=option.pk).exists()
    assert Score.objects.count() == 24 - 6
    assert not Score.objects.filter(option_id=option.pk).exists()
    assert not FinancialCase.objects.exists() and not PartnerShare.objects.exists()
    assert list(Risk.objects.values_list("risk", flat=True)) == ["Delay"]
    assert not Option.partners.through.objects.filter(option_id=option.pk).exists()
    assert personas.appraisal.partners.get() == personas.partner  # the council stays
    (change,) = Change.objects.all()
    assert (change.kind, change.subject, change.field, change.new) == (
        "option",
        "Option 1",
        "removed",
        "",
    )
    assert change.user == personas.officer
    assert change.old == (
        "short-listed; 6 scores, its financial case with 2 partner shares of the savings and "
        "1 risk recorded against it"
    )
    assert "Option 1" in client.get(reverse("appraisals:history", args=["test-appraisal"])).text


def test_removing_the_baseline_is_warned_and_the_results_still_render(client, personas):
    client.force_login(personas.officer)
    page = client.get(_url(personas, "option-remove", "do-nothing")).text
    assert "Do nothing is the baseline. Without it the appraisal has no baseline" in page
    client.post(_url(personas, "option-remove", "do-nothing"))
    assert not personas.appraisal.options.filter(baseline=True).exists()
    assert "the baseline" in Change.objects.get(field="removed").old
    response = client.get(_url(personas, "results"))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.baseline is None
    assert [o.key for o in result.ranking] and all(o.vs_baseline is None for o in result.options)


# --------------------------------------------------------------------------------------------
# Criteria


def test_confirming_a_criterion_removal_shows_its_scores_and_the_weights_after(client, personas):
    client.force_login(personas.officer)
    response = client.get(_url(personas, "criterion-remove", "criterion-3"))
    assert response.status_code == 200
    page = response.text
    assert "Are you sure you want to remove Criterion 3?" in page
    assert "Removing Criterion 3 also removes 8 scores. You cannot undo this." in page
    assert "Criterion 3 has 50.0% of the weight." in page
    # weights 1, 2, 3: one sixth and two sixths now, one third and two thirds after
    weights = response.context["weights"]
    assert [(c.key, now, after) for c, now, after in weights.rows] == [
        ("criterion-1", pytest.approx(1 / 6), pytest.approx(1 / 3)),
        ("criterion-2", pytest.approx(2 / 6), pytest.approx(2 / 3)),
    ]
    assert "16.7%" in page and "33.3%" in page and "66.7%" in page
    assert "Yes, remove this criterion" in page
    assert f'href="{_url(personas, "criterion-edit", "criterion-3")}">Cancel</a>' in page


def test_removing_a_criterion_removes_its_scores_and_the_rest_reweigh_to_100(client, personas):
    criterion = personas.appraisal.criteria.get(key="criterion-3")
    client.force_login(personas.officer)
    response = client.post(_url(personas, "criterion-remove", "criterion-3"), follow=True)
    assert response.redirect_chain == [(_url(personas, "criteria"), 302)]
    assert _messages(response) == ["Criterion “Criterion 3” removed."]
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert Score.objects.count() == 24 - 8
    (change,) = Change.objects.all()  # direct weights: nothing else to record
    assert (change.kind, change.subject, change.old) == (
        "criterion",
        "Criterion 3",
        "weight 3; 8 scores",
    )
    assert "33.3%" in response.text and "66.7%" in response.text
    results = client.get(_url(personas, "results"))
    assert results.status_code == 200
    weights = results.context["result"].weights
    assert weights == {"criterion-1": pytest.approx(1 / 3), "criterion-2": pytest.approx(2 / 3)}


def _set_pairwise(personas) -> None:
    # consistent: criterion 1 is twice as important as 2 and four times as important as 3
    matrix = [[1.0, 2.0, 4.0], [0.5, 1.0, 2.0], [0.25, 0.5, 1.0]]
    actions.set_weights(
        appraisal=personas.appraisal, user=personas.officer, method="pairwise", matrix=matrix
    )
    Change.objects.all().delete()


def test_removing_a_criterion_drops_its_row_and_column_of_pairwise_judgements(client, personas):
    _set_pairwise(personas)
    client.force_login(personas.officer)
    page = client.get(_url(personas, "criterion-remove", "criterion-2")).text
    assert "8 scores and 2 pairwise judgements against the others" in page
    assert "the judgements between them are kept" in page
    assert "80.0%" in page and "20.0%" in page  # 4 : 1 once criterion 2 goes
    client.post(_url(personas, "criterion-remove", "criterion-2"))
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.pairwise_matrix == [[1.0, 4.0], [0.25, 1.0]]
    changes = {(c.kind, c.field): (c.old, c.new) for c in Change.objects.all()}
    assert changes == {
        ("criterion", "removed"): (
            "weight 2; 8 scores and 2 pairwise judgements against the others",
            "",
        ),
        ("weight", "pairwise_matrix"): ("1 2 4; 0.5 1 2; 0.25 0.5 1", "1 4; 0.25 1"),
    }
    results = client.get(_url(personas, "results"))
    assert results.status_code == 200
    weights = results.context["result"].weights
    assert weights == {"criterion-1": pytest.approx(0.8), "criterion-3": pytest.approx(0.2)}


@pytest.mark.parametrize("method", ["direct", "swing", "pairwise"])
def test_weights_still_add_up_to_100_after_a_removal(client, personas, method):
    if method == "pairwise":
        _set_pairwise(personas)
    else:
        personas.appraisal.weighting_method = method
        personas.appraisal.save()
    client.force_login(personas.officer)
    # criterion 3 holds the top swing (3 points, counted as 100): removing it rescales the rest
    client.post(_url(personas, "criterion-remove", "criterion-3"))
    response = client.get(_url(personas, "results"))
    assert response.status_code == 200
    weights = response.context["result"].weights
    assert set(weights) == {"criterion-1", "criterion-2"}
    assert sum(weights.values()) == pytest.approx(1.0)
    expected = {"direct": 1 / 3, "swing": 1 / 3, "pairwise": 2 / 3}[method]
    assert weights["criterion-1"] == pytest.approx(expected)


def test_removing_every_criterion_of_a_pairwise_appraisal_leaves_pages_working(client, personas):
    _set_pairwise(personas)
    client.force_login(personas.officer)
    page = client.get(_url(personas, "criterion-remove", "criterion-1")).text
    assert "Criterion 1 is the only criterion" not in page
    for key in ("criterion-1", "criterion-2"):
        client.post(_url(personas, "criterion-remove", key))
    page = client.get(_url(personas, "criterion-remove", "criterion-3")).text
    assert "Criterion 3 is the only criterion" in page
    client.post(_url(personas, "criterion-remove", "criterion-3"))
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.pairwise_matrix == []
    assert not Score.objects.exists()
    for name in ("results", "criteria", "weights-pairwise"):
        assert client.get(_url(personas, name)).status_code == 200, name
    # a criterion added afterwards joins the (empty) matrix
    client.post(_url(personas, "criterion-add"), {"name": "Fresh start", "weight": "1"})
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.pairwise_matrix == [[1.0]]
    assert client.get(_url(personas, "results")).status_code == 200


def test_other_criteria_all_weighted_zero_are_warned_about(client, personas):
    personas.appraisal.criteria.exclude(key="criterion-3").update(weight=0)
    client.force_login(personas.officer)
    page = client.get(_url(personas, "criterion-remove", "criterion-3")).text
    assert "The other criteria all have a weight of 0, so they would count equally." in page
    page = client.get(_url(personas, "criterion-remove", "criterion-1")).text
    assert "would count equally" not in page


# --------------------------------------------------------------------------------------------
# Panels


def test_confirming_a_panel_removal_names_its_members_and_counts_its_scores(client, personas):
    panel = personas.appraisal.panels.get(key="panel-1")
    panel.members.set([personas.member, personas.partner_officer])
    client.force_login(personas.officer)
    page = client.get(_url(personas, "panel-remove", "panel-1")).text
    assert "Are you sure you want to remove Panel 1?" in page
    assert "Removing Panel 1 also removes 12 scores. You cannot undo this." in page
    assert "bob, pat will no longer sit on Panel 1. Their accounts and any places" in page
    assert "Yes, remove this panel" in page
    assert f'href="{_url(personas, "panel-edit", "panel-1")}">Cancel</a>' in page
    page = client.get(_url(personas, "panel-remove", "panel-2")).text
    assert "Only officers score in this panel" in page


def test_removing_a_panel_removes_its_scores_but_not_its_members(client, personas):
    panel = personas.appraisal.panels.get(key="panel-1")
    panel.members.set([personas.member])
    client.force_login(personas.officer)
    response = client.post(_url(personas, "panel-remove", "panel-1"), follow=True)
    assert response.redirect_chain == [(_url(personas, "panels"), 302)]
    assert _messages(response) == ["Panel “Panel 1” removed."]
    assert not Panel.objects.filter(pk=panel.pk).exists()
    assert Score.objects.count() == 24 - 12
    assert get_user_model().objects.filter(pk=personas.member.pk).exists()
    assert not Panel.members.through.objects.filter(panel_id=panel.pk).exists()
    (change,) = Change.objects.all()
    assert (change.kind, change.subject, change.old) == (
        "panel",
        "Panel 1",
        "12 scores; members bob",
    )
    assert client.get(_url(personas, "results")).status_code == 200


def test_removing_an_empty_panel_is_still_recorded(client, personas):
    Score.objects.filter(panel__key="panel-2").delete()
    client.force_login(personas.officer)
    client.post(_url(personas, "panel-remove", "panel-2"))
    assert [c.old for c in _removed("panel")] == ["no members or scores"]


# --------------------------------------------------------------------------------------------
# Who may remove


def _snapshot() -> tuple[int, ...]:
    return (
        Option.objects.count(),
        Criterion.objects.count(),
        Panel.objects.count(),
        Score.objects.count(),
        Change.objects.count(),
    )


@pytest.mark.parametrize(("name", "key", "model", "listing"), KINDS, ids=KIND_IDS)
def test_another_councils_officer_gets_404_and_nothing_is_removed(
    client, personas, name, key, model, listing
):
    before = _snapshot()
    client.force_login(personas.outsider)
    assert client.get(_url(personas, name, key)).status_code == 404
    assert client.post(_url(personas, name, key)).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "key", "model", "listing"), KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("who", ["member", "partner_officer"])
def test_members_and_partners_cannot_remove(client, personas, name, key, model, listing, who):
    before = _snapshot()
    client.force_login(getattr(personas, who))
    assert client.get(_url(personas, name, key)).status_code == 403
    assert client.post(_url(personas, name, key)).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "key", "model", "listing"), KINDS, ids=KIND_IDS)
def test_an_administrator_may_remove(client, personas, name, key, model, listing):
    client.force_login(personas.admin)
    response = client.post(_url(personas, name, key))
    assert response.status_code == 302 and response["Location"] == _url(personas, listing)
    assert not model.objects.filter(appraisal=personas.appraisal, key=key).exists()


@pytest.mark.parametrize(("name", "key", "model", "listing"), KINDS, ids=KIND_IDS)
def test_an_item_is_found_only_through_its_appraisal(client, personas, name, key, model, listing):
    """The same key in another appraisal is untouched; an unknown key is 404."""
    from tests.factories import make_appraisal

    other = make_appraisal(personas.lead, reference="elsewhere")  # the officer sees both
    client.force_login(personas.officer)
    assert client.post(_url(personas, name, "nope")).status_code == 404
    assert client.post(_url(personas, name, key)).status_code == 302
    assert model.objects.filter(appraisal=other, key=key).exists()
    assert Score.objects.filter(panel__appraisal=other).count() == 24


@pytest.mark.parametrize(("name", "key", "model", "listing"), KINDS, ids=KIND_IDS)
def test_removal_needs_the_csrf_token(personas, name, key, model, listing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer)
    assert client.post(_url(personas, name, key)).status_code == 403
    assert model.objects.filter(appraisal=personas.appraisal, key=key).exists()


@pytest.mark.parametrize(("name", "key", "model", "listing"), KINDS, ids=KIND_IDS)
def test_only_get_and_post(client, personas, name, key, model, listing):
    client.force_login(personas.officer)
    assert client.put(_url(personas, name, key)).status_code == 405
    assert client.delete(_url(personas, name, key)).status_code == 405
    assert model.objects.filter(appraisal=personas.appraisal, key=key).exists()


@pytest.mark.parametrize(
    ("edit", "key", "remove"),
    [
        ("option-edit", "option-1", "option-remove"),
        ("criterion-edit", "criterion-1", "criterion-remove"),
        ("panel-edit", "panel-1", "panel-remove"),
    ],
    ids=KIND_IDS,
)
def test_edit_pages_link_to_the_confirmation(client, personas, edit, key, remove):
    client.force_login(personas.officer)
    page = client.get(_url(personas, edit, key)).text
    assert f'href="{_url(personas, remove, key)}">Remove this ' in page
    assert "govuk-button--warning" in page


# --------------------------------------------------------------------------------------------
# Query counts of the confirmation pages


def _grow(personas) -> None:
    """More of everything the confirmation pages count: criteria, scores, risks, members."""
    _add_finance_and_risks(personas)
    appraisal = personas.appraisal
    option = appraisal.options.get(key="option-1")
    panel = appraisal.panels.get(key="panel-1")
    for i in range(5):
        criterion = appraisal.criteria.create(key=f"extra-{i}", name=f"Extra {i}", order=10 + i)
        Score.objects.create(panel=panel, option=option, criterion=criterion, score=3)
        Risk.objects.create(
            appraisal=appraisal, option=option, risk=f"Risk {i}", likelihood=1, impact=1,
            residual_likelihood=1, residual_impact=1,
        )  # fmt: skip
        panel.members.add(make_user(f"extra{i}", personas.lead, Membership.Role.MEMBER))


@pytest.mark.parametrize(
    ("name", "key", "queries"),
    [
        # session, user, appraisal, memberships, the option with its delivery model, its
        # scores, risks, financial case and partner shares counted in one query, the header's
        # council; and for the form's stamp (views/edit.py) the option read again and the
        # newest history row
        ("option-remove", "option-1", 9),
        # session, user, appraisal, memberships, the criteria (for the weights before and
        # after), the criterion's scores counted, the header's council; the criteria read
        # again for the stamp, the newest history row
        ("criterion-remove", "criterion-1", 9),
        # session, user, appraisal, memberships, the panel, its scores counted, its members,
        # the header's council; the panel read again for the stamp, the newest history row
        ("panel-remove", "panel-1", 10),
    ],
    ids=KIND_IDS,
)
def test_confirmation_query_counts_are_fixed(
    client, personas, django_assert_num_queries, name, key, queries
):
    client.force_login(personas.officer)
    with django_assert_num_queries(queries):
        assert client.get(_url(personas, name, key)).status_code == 200
    _grow(personas)
    Appraisal.objects.filter(pk=personas.appraisal.pk).update(weighting_method="swing")
    with django_assert_num_queries(queries):
        assert client.get(_url(personas, name, key)).status_code == 200
