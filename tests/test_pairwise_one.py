"""Pairwise comparison one pair at a time: words on Saaty's scale, progress, the consistency
ratio and worst judgement after each answer, a stale-safe save with a history row in words,
and the matrix page still there."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from appraisals import engine, saaty
from appraisals.models import Appraisal, Change
from appraisals.views.edit import stamp
from tests.factories import make_appraisal


def url(first: str, second: str, reference: str = "test-appraisal") -> str:
    return reverse("appraisals:weights-pairwise-one", args=[reference, first, second])


def loaded(html: str) -> str:
    return re.search(r'name="loaded" value="([^"]*)"', html).group(1)


def answer(client, first, second, judgement: str, reference="test-appraisal"):
    page = client.get(url(first, second, reference)).content.decode()
    return client.post(
        url(first, second, reference), {"judgement": judgement, "loaded": loaded(page)}
    )


def test_the_scale_in_words():
    assert saaty.in_words("Cost", "Quality", "5") == "Cost is much more important than Quality"
    assert saaty.in_words("Cost", "Quality", "1/7") == (
        "Quality is very much more important than Cost"
    )
    assert saaty.in_words("Cost", "Quality", "1") == "Cost and Quality are equally important"
    assert len(saaty.pairs(12)) == 66 and saaty.pairs(3) == [(0, 1), (0, 2), (1, 2)]
    assert saaty.nearest(4.6) == "5" and saaty.nearest(0.34) == "1/3"


def test_a_comparison_asks_in_words_with_progress(client, personas):
    client.force_login(personas.officer)
    html = client.get(url("criterion-1", "criterion-3")).content.decode()
    assert "Comparison 2 of 3" in html
    assert "Which matters more: Criterion 1 or Criterion 3?" in html
    assert "Criterion 1 is much more important than Criterion 3" in html
    assert "Criterion 3 is extremely more important than Criterion 1" in html
    assert re.search(r'value="1" checked autofocus', html)  # no matrix yet: all equal
    assert "Previous comparison" in html and "Skip to comparison 3" in html


def test_each_answer_saves_moves_on_and_leaves_history(client, personas):
    client.force_login(personas.officer)
    response = answer(client, "criterion-1", "criterion-2", "5")
    assert response.status_code == 302
    assert response["Location"] == url("criterion-1", "criterion-3") + "?saved=1"
    page = client.get(response["Location"]).content.decode()
    assert "Saved comparison 1: Criterion 1 is much more important than Criterion 2." in page
    appraisal = Appraisal.objects.get(pk=personas.appraisal.pk)
    assert appraisal.weighting_method == "pairwise"
    assert appraisal.pairwise_matrix[0][1] == 5 and appraisal.pairwise_matrix[1][0] == 0.2
    change = Change.objects.get(field="judgement")
    assert change.subject == "Pairwise comparison of Criterion 1 and Criterion 2"
    assert change.new == "Criterion 1 is much more important than Criterion 2"
    assert change.user == personas.officer

    answer(client, "criterion-1", "criterion-3", "1/3")
    response = answer(client, "criterion-2", "criterion-3", "1/9")  # the last
    assert response["Location"] == reverse("appraisals:weights-pairwise", args=["test-appraisal"])
    page = client.get(response["Location"]).content.decode()
    assert "That was the last of the 3 comparisons." in page
    appraisal.refresh_from_db()
    assert appraisal.pairwise_matrix[1][2] == pytest.approx(1 / 9)
    assert Change.objects.filter(field="judgement").count() == 3


def test_the_consistency_ratio_and_worst_judgement_follow_the_answers(client, personas):
    client.force_login(personas.officer)
    answer(client, "criterion-1", "criterion-2", "9")
    answer(client, "criterion-1", "criterion-3", "1/9")
    html = client.get(url("criterion-2", "criterion-3")).content.decode()
    matrix = Appraisal.objects.get(pk=personas.appraisal.pk).pairwise_matrix
    consistency = engine.pairwise_weights(matrix, ["criterion-1", "criterion-2", "criterion-3"])
    ratio = consistency.consistency.ratio
    assert f"Consistency ratio: <strong>{ratio * 100:.1f}%</strong>" in html
    assert "The pairwise judgements are inconsistent" in html
    assert "Look again at that comparison" in html
    worst = re.search(r'<a class="govuk-link" href="([^"]+)">Look again', html).group(1)
    a, b = consistency.consistency.worst
    assert worst in (url(a, b), url(b, a))


def test_a_stale_answer_is_refused_keeping_the_choice(client, personas):
    client.force_login(personas.officer)
    page = client.get(url("criterion-1", "criterion-2")).content.decode()
    client.force_login(personas.admin)
    answer(client, "criterion-1", "criterion-2", "3")
    client.force_login(personas.officer)
    changes = Change.objects.count()
    response = client.post(
        url("criterion-1", "criterion-2"), {"judgement": "1/5", "loaded": loaded(page)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "changed this" in html and "after you opened the page" in html
    assert 'value="1/5" checked' in html  # the officer's own answer kept
    assert Change.objects.count() == changes  # nothing written
    matrix = Appraisal.objects.get(pk=personas.appraisal.pk).pairwise_matrix
    assert matrix[0][1] == 3


def test_another_judgement_changed_meanwhile_does_not_block_this_one(client, personas):
    client.force_login(personas.officer)
    page = client.get(url("criterion-1", "criterion-2")).content.decode()
    answer(client, "criterion-2", "criterion-3", "7")
    response = client.post(
        url("criterion-1", "criterion-2"), {"judgement": "3", "loaded": loaded(page)}
    )
    assert response.status_code == 302
    matrix = Appraisal.objects.get(pk=personas.appraisal.pk).pairwise_matrix
    assert matrix[0][1] == 3 and matrix[1][2] == 7


def test_only_pairs_in_order_exist(client, personas):
    client.force_login(personas.officer)
    assert client.get(url("criterion-2", "criterion-1")).status_code == 404
    assert client.get(url("criterion-1", "nope")).status_code == 404
    assert client.get(url("criterion-1", "criterion-1")).status_code == 404


@pytest.mark.parametrize("who", ["member", "partner_officer"])
def test_members_and_partners_cannot_answer(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(url("criterion-1", "criterion-2")).status_code == 403
    assert client.post(url("criterion-1", "criterion-2"), {"judgement": "3"}).status_code == 403


def test_another_council_gets_404(client, personas):
    client.force_login(personas.outsider)
    assert client.get(url("criterion-1", "criterion-2")).status_code == 404


def test_the_matrix_page_offers_one_pair_at_a_time(client, personas):
    make_appraisal(personas.lead, reference="twelve", criteria=12)
    client.force_login(personas.officer)
    html = client.get(reverse("appraisals:weights-pairwise", args=["twelve"])).content.decode()
    assert (
        f'href="{url("criterion-1", "criterion-2", "twelve")}">Compare one pair at a time' in html
    )
    assert "(66 comparisons)" in html
    assert "Comparison 66 of 66" in client.get(url("criterion-11", "criterion-12", "twelve")).text


def test_the_stamp_covers_this_judgement_only(personas):
    """What the stale check compares: the one judgement (so the page's other figures,
    which move with every answer, never refuse a save)."""
    from appraisals.forms import PairwiseJudgementForm

    a, b = list(personas.appraisal.criteria.all())[:2]
    form = PairwiseJudgementForm(None, first=a, second=b, initial={"judgement": "1"})
    assert list(form.fields) == ["judgement"]
    assert stamp(personas.appraisal, form).count(":") == 1


def test_an_issued_appraisal_refuses_an_answer(client, personas):
    from tests.test_issued_frozen import freeze

    freeze(personas.appraisal, personas.officer)
    client.force_login(personas.officer)
    changes = Change.objects.count()
    client.post(url("criterion-1", "criterion-2"), {"judgement": "5"})
    assert Appraisal.objects.get(pk=personas.appraisal.pk).pairwise_matrix is None
    assert Change.objects.count() == changes


def preview(first: str, second: str, judgement: str) -> str:
    url = reverse("appraisals:weights-pairwise-preview", args=["test-appraisal", first, second])
    return f"{url}?judgement={judgement.replace('/', '%2F')}"


def test_the_consistency_is_shown_for_an_answer_before_it_is_saved(client, personas):
    client.force_login(personas.officer)
    answer(client, "criterion-1", "criterion-2", "9")
    answer(client, "criterion-1", "criterion-3", "1/9")
    changes = Change.objects.count()
    stored = Appraisal.objects.get(pk=personas.appraisal.pk).pairwise_matrix
    html = client.get(
        preview("criterion-2", "criterion-3", "1/7"), headers={"HX-Request": "true"}
    ).text
    trying = [list(row) for row in stored]
    trying[1][2], trying[2][1] = 1 / 7, 7.0
    keys = ["criterion-1", "criterion-2", "criterion-3"]
    expected = engine.pairwise_weights(trying, keys)
    ratio = f"{expected.consistency.ratio * 100:.1f}%"
    assert f"Consistency ratio: <strong>{ratio}</strong>" in html
    assert f"With this answer the consistency ratio would be {ratio}" in html
    for key, share in expected.weights.items():
        name = key.replace("criterion-", "Criterion ")
        assert re.search(rf"{name}</th><td[^>]*>{share * 100:.1f}%</td>", html)
    # Nothing saved.
    assert Appraisal.objects.get(pk=personas.appraisal.pk).pairwise_matrix == stored
    assert Change.objects.count() == changes


@pytest.mark.parametrize("who", ["member", "partner_officer"])
def test_only_officers_of_the_lead_council_preview(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(preview("criterion-1", "criterion-2", "3")).status_code == 403
