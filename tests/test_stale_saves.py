"""No lost update on any edit form (views/edit.py): two officers open the same form, the
first saves, and the second's save is refused with what the first changed, who and when,
keeping the second's own input and writing nothing, not even history. Saving again from the
page as shown then replaces the first's values knowingly. Scores have their own tests
(test_scoring.py), per cell."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from appraisals import actions
from appraisals.models import (
    Appraisal,
    Change,
    Criterion,
    FinancialCase,
    Membership,
    Question,
    Risk,
)
from tests.factories import make_user


def posted(form: forms.BaseForm) -> dict:
    """The form's fields as a browser posts them back, with the stamp the page carried."""
    data: dict = {"loaded": str(form.stamp)}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value is not None:
            data[field.html_name] = str(value)
    return data


def opened(client: Client, url: str) -> dict:
    """Open the page as a browser does: the form's values and its hidden stamp."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert f'<input type="hidden" name="loaded" value="{form.stamp}">' in response.text
    return posted(form)


def _risk(appraisal: Appraisal) -> Risk:
    return appraisal.risks.first() or actions.save_risk(
        appraisal=appraisal,
        user=None,
        fields={
            "option": None,
            "risk": "Staff leave during the transfer",
            "consequences": "",
            "likelihood": 3,
            "impact": 3,
            "controls": "",
            "residual_likelihood": 2,
            "residual_impact": 2,
            "owner": "",
        },
    )


def _criterion(appraisal: Appraisal, key: str) -> Criterion:
    return appraisal.criteria.get(key=key)


@dataclass(frozen=True)
class Form:
    """One edit form: where it is, the field both officers change, and how it is stored."""

    name: str
    url: Callable[[Appraisal], str]
    field: str
    theirs: str  # what the first officer saves
    mine: str  # what the second typed
    stored: Callable[[Appraisal], object]
    stored_theirs: object
    stored_mine: object
    shown: str  # the first officer's value, as the refusal quotes it

    def __str__(self) -> str:
        return self.name


def _url(name: str, *args) -> Callable[[Appraisal], str]:
    return lambda a: reverse(f"appraisals:{name}", args=[a.reference, *args])


FORMS = [
    Form(
        "scope",
        _url("scope-edit"),
        "title",
        "Waste review (Dev)",
        "Waste review (Alice)",
        lambda a: Appraisal.objects.get(pk=a.pk).title,
        "Waste review (Dev)",
        "Waste review (Alice)",
        "Waste review (Dev)",
    ),
    Form(
        "option",
        _url("option-edit", "option-1"),
        "name",
        "Trading company (Dev)",
        "Trading company (Alice)",
        lambda a: a.options.get(key="option-1").name,
        "Trading company (Dev)",
        "Trading company (Alice)",
        "Trading company (Dev)",
    ),
    Form(
        "criterion",
        _url("criterion-edit", "criterion-1"),
        "name",
        "Resilience (Dev)",
        "Resilience (Alice)",
        lambda a: _criterion(a, "criterion-1").name,
        "Resilience (Dev)",
        "Resilience (Alice)",
        "Resilience (Dev)",
    ),
    Form(
        "panel",
        _url("panel-edit", "panel-1"),
        "name",
        "Staff (Dev)",
        "Staff (Alice)",
        lambda a: a.panels.get(key="panel-1").name,
        "Staff (Dev)",
        "Staff (Alice)",
        "Staff (Dev)",
    ),
    Form(
        "risk",
        lambda a: reverse("appraisals:risk-edit", args=[a.reference, _risk(a).pk]),
        "owner",
        "Head of waste",
        "Finance director",
        lambda a: _risk(a).owner,
        "Head of waste",
        "Finance director",
        "Head of waste",
    ),
    Form(
        "financial case",
        _url("finance-edit", "option-1"),
        "costs_0",
        "1000",
        "2000",
        lambda a: FinancialCase.objects.get(option__appraisal=a, option__key="option-1").costs[0],
        1000,
        2000,
        "1,000",
    ),
    Form(
        "committee report",
        _url("report"),
        "narrative_legal",
        "Section 101 (Dev)",
        "Section 101 (Alice)",
        lambda a: Appraisal.objects.get(pk=a.pk).narrative.get("legal"),
        "Section 101 (Dev)",
        "Section 101 (Alice)",
        "Section 101 (Dev)",
    ),
    Form(
        "discount rate",
        _url("finances"),
        "discount_rate",
        "4",
        "5",
        lambda a: Appraisal.objects.get(pk=a.pk).discount_rate,
        pytest.approx(0.04),
        pytest.approx(0.05),
        "4",
    ),
    Form(
        "direct weights",
        _url("weights"),
        "weight_criterion-1",
        "7",
        "9",
        lambda a: _criterion(a, "criterion-1").weight,
        7,
        9,
        "7",
    ),
    Form(
        "swing weights",  # criterion-3 has 100 points, criterion-2 66.67, criterion-1 33.33
        _url("weights-swing"),
        "points_criterion-2",
        "50",
        "40",
        lambda a: _criterion(a, "criterion-2").weight,
        50,
        40,
        "50",
    ),
    Form(
        "pairwise comparisons",
        _url("weights-pairwise"),
        "pair_criterion-1__criterion-2",
        "3",
        "5",
        lambda a: Appraisal.objects.get(pk=a.pk).pairwise_matrix[0][1],
        3,
        5,
        "3",
    ),
]


@pytest.fixture
def officers(personas) -> tuple[Client, Client]:
    """Alice, and a second officer of the lead council, each signed in in their own browser."""
    dev = make_user(
        "dev", personas.lead, Membership.Role.OFFICER, first_name="Dev", last_name="Patel"
    )
    alice, other = Client(), Client()
    alice.force_login(personas.officer)
    other.force_login(dev)
    return alice, other


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_the_second_of_two_saves_is_refused_and_nothing_is_lost(form, personas, officers):
    appraisal = personas.appraisal
    alice, dev = officers
    url = form.url(appraisal)
    mine = opened(alice, url)
    theirs = opened(dev, url)
    theirs[form.field] = form.theirs
    assert dev.post(url, theirs).status_code == 302
    assert form.stored(appraisal) == form.stored_theirs
    history = Change.objects.count()

    mine[form.field] = form.mine
    response = alice.post(url, mine)

    assert response.status_code == 200
    html = response.text
    assert "There is a problem" in html
    assert "Dev Patel changed this at " in html
    assert "after you opened the page. Your changes have not been saved" in html
    assert f"changed to “{form.shown}”" in html
    assert form.mine in html  # hers, kept in the form (the refusal quotes only theirs)
    assert form.stored(appraisal) == form.stored_theirs  # nothing of Dev's lost
    assert Change.objects.count() == history  # the refused save recorded nothing

    # The page now carries what is stored: saving again replaces Dev's value, knowingly.
    again = posted(response.context["form"])
    assert again[form.field] == form.mine
    assert alice.post(url, again).status_code == 302
    assert form.stored(appraisal) == form.stored_mine


def test_weights_are_refused_when_a_criterion_was_added_meanwhile(personas, officers):
    """The weights page shows every criterion: one added since it was opened refuses the save
    (the shares Alice saw no longer hold), and the refusal names it."""
    appraisal = personas.appraisal
    alice, dev = officers
    url = reverse("appraisals:weights", args=[appraisal.reference])
    mine = opened(alice, url) | {"weight_criterion-1": "9"}
    add = reverse("appraisals:criterion-add", args=[appraisal.reference])
    assert dev.post(add, {"name": "Social value", "weight": "2"}).status_code == 302
    history = Change.objects.count()
    response = alice.post(url, mine)
    assert response.status_code == 200
    assert "Dev Patel changed this at " in response.text
    assert "Social value: changed to “2”" in response.text
    assert _criterion(appraisal, "criterion-1").weight == 1
    assert Change.objects.count() == history


def test_renaming_a_criterion_does_not_refuse_a_weights_save(personas, officers):
    """Only the values a form shows count: a new name is not a weight Alice could undo."""
    appraisal = personas.appraisal
    alice, dev = officers
    url = reverse("appraisals:weights", args=[appraisal.reference])
    mine = opened(alice, url) | {"weight_criterion-1": "9"}
    edit = reverse("appraisals:criterion-edit", args=[appraisal.reference, "criterion-2"])
    assert dev.post(edit, opened(dev, edit) | {"name": "Value for money"}).status_code == 302
    assert alice.post(url, mine).status_code == 302
    assert _criterion(appraisal, "criterion-1").weight == 9
    assert _criterion(appraisal, "criterion-2").name == "Value for money"


def test_a_save_of_something_else_on_the_appraisal_is_not_refused(personas, officers):
    """Only what the form shows counts: Dev's option edit leaves Alice's scope save alone."""
    appraisal = personas.appraisal
    alice, dev = officers
    scope = reverse("appraisals:scope-edit", args=[appraisal.reference])
    mine = opened(alice, scope) | {"title": "Waste review"}
    option = reverse("appraisals:option-edit", args=[appraisal.reference, "option-1"])
    assert dev.post(option, opened(dev, option) | {"name": "Trading company"}).status_code == 302
    assert alice.post(scope, mine).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.title == "Waste review"
    assert appraisal.options.get(key="option-1").name == "Trading company"


def test_filling_in_the_table_is_refused_after_someone_saved_it(personas, officers):
    """ "Fill in the table" replaces the yearly figures, so it carries the table's stamp."""
    appraisal = personas.appraisal
    alice, dev = officers
    url = reverse("appraisals:finance-edit", args=[appraisal.reference, "option-1"])
    page = alice.get(url)
    fill = {
        "loaded": str(page.context["fill_form"].stamp),
        "one_off_cost": "500000",
        "steady_saving": "100000",
        "ramp_up_years": "2",
        "horizon": "10",
        "range_percent": "25",
    }
    assert fill["loaded"] == str(page.context["form"].stamp)
    assert dev.post(url, opened(dev, url) | {"costs_0": "1000"}).status_code == 302
    history = Change.objects.count()
    fill_url = reverse("appraisals:finance-fill", args=[appraisal.reference, "option-1"])
    response = alice.post(fill_url, fill)
    assert response.status_code == 200
    assert "Dev Patel changed this at " in response.text
    assert 'value="500000"' in response.text
    assert FinancialCase.objects.get(option__key="option-1").costs == [1000]
    assert Change.objects.count() == history


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_waits_and_is_refused(personas, officers, monkeypatch):
    """Both officers' saves pass validation together; the first holds the appraisal's row
    while it writes, so the second's comparison, made after the lock, sees the first's
    change. (PostgreSQL: the row lock is what is being proved.)"""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite takes one writer at a time anyway")
    appraisal = personas.appraisal
    alice, dev = officers
    url = reverse("appraisals:option-edit", args=[appraisal.reference, "option-1"])
    mine = opened(alice, url) | {"name": "Trading company (Alice)"}
    theirs = opened(dev, url) | {"name": "Trading company (Dev)"}
    first_is_writing = threading.Event()
    edit_option = actions.edit_option

    def slow_edit_option(**kwargs):
        edit_option(**kwargs)
        if not first_is_writing.is_set():
            first_is_writing.set()
            time.sleep(1)  # the other save arrives now, while this one holds the row

    monkeypatch.setattr(actions, "edit_option", slow_edit_option)
    answers: dict[str, int] = {}

    def post(name: str, client: Client, data: dict) -> None:
        try:
            answers[name] = client.post(url, data).status_code
        finally:
            connection.close()

    dev_thread = threading.Thread(target=post, args=("dev", dev, theirs))
    dev_thread.start()
    assert first_is_writing.wait(10)
    alice_thread = threading.Thread(target=post, args=("alice", alice, mine))
    alice_thread.start()
    dev_thread.join(20)
    alice_thread.join(20)

    assert answers == {"dev": 302, "alice": 200}
    assert appraisal.options.get(key="option-1").name == "Trading company (Dev)"
    assert not Change.objects.filter(new="Trading company (Alice)").exists()


def test_an_answer_changed_meanwhile_is_not_overwritten(personas, officers):
    """The questions page holds one answer form a question; each carries what it showed."""
    appraisal = personas.appraisal
    alice, dev = officers
    question = Question.objects.create(
        appraisal=appraisal, asked_by=personas.member, text="When would staff transfer?"
    )
    page = alice.get(reverse("appraisals:questions", args=[appraisal.reference]))
    shown = next(q for q in page.context["questions"] if q.pk == question.pk)
    assert f'name="loaded" value="{shown.stamp}"' in page.text
    url = reverse("appraisals:question-answer", args=[appraisal.reference, question.pk])
    dev_page = dev.get(reverse("appraisals:questions", args=[appraisal.reference]))
    dev_stamp = next(q for q in dev_page.context["questions"] if q.pk == question.pk).stamp
    assert dev.post(url, {"answer": "In April", "loaded": dev_stamp}).status_code == 302
    history = Change.objects.count()
    response = alice.post(url, {"answer": "In June", "loaded": shown.stamp})
    assert response.status_code == 200
    assert "Answer: changed to “In April”" in response.text
    assert "In June</textarea>" in response.text
    question.refresh_from_db()
    assert question.answer == "In April"
    assert Change.objects.count() == history


def test_a_removal_confirmed_after_more_was_added_to_the_item_is_refused(personas, officers):
    """The "Are you sure?" page says what goes with the option; a risk recorded against it
    since the page was opened refuses the removal, which is then confirmed knowingly."""
    appraisal = personas.appraisal
    alice, dev = officers
    url = reverse("appraisals:option-remove", args=[appraisal.reference, "option-1"])
    confirm = opened(alice, url)
    add = reverse("appraisals:risk-add", args=[appraisal.reference])
    risk = opened(dev, add) | {
        "risk": "The company cannot recruit",
        "option": str(appraisal.options.get(key="option-1").pk),
        "likelihood": "3",
        "impact": "4",
        "residual_likelihood": "2",
        "residual_impact": "3",
    }
    assert dev.post(add, risk).status_code == 302
    history = Change.objects.count()
    response = alice.post(url, confirm)
    assert response.status_code == 200
    assert "Dev Patel changed this at " in response.text
    assert "Risks recorded against it: changed to “1”" in response.text
    assert "also removes 6 scores and 1 risk recorded against it" in response.text
    assert appraisal.options.filter(key="option-1").exists()
    assert Change.objects.count() == history
    assert alice.post(url, posted(response.context["form"])).status_code == 302
    assert not appraisal.options.filter(key="option-1").exists()
