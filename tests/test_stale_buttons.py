"""No lost update through a one-click button either (views/edit.py `click`): removing a
risk, marking the baseline, recommending an option, showing members the draft. Each button
carries the stamp of what its page showed; if another officer changed that since, the click
is refused with who changed what, and nothing is written, not even history. Pressed again
from the page as it is now, it works."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from appraisals import actions
from appraisals.models import Appraisal, Change, Membership, Risk
from tests.factories import make_user
from tests.test_stale_saves import opened

LOADED = re.compile(
    r'<form method="post" action="([^"]+)">\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">\s*'
    r'<input type="hidden" name="loaded" value="([^"]*)">'
)


@pytest.fixture
def officers(personas) -> tuple[Client, Client]:
    dev = make_user(
        "dev", personas.lead, Membership.Role.OFFICER, first_name="Dev", last_name="Patel"
    )
    alice, other = Client(), Client()
    alice.force_login(personas.officer)
    other.force_login(dev)
    return alice, other


def stamps(client: Client, url: str) -> dict[str, str]:
    """Open the page: each one-click form's action and the stamp it carries."""
    response = client.get(url)
    assert response.status_code == 200
    found = dict(LOADED.findall(response.text))
    assert found, "no button carries a stamp"
    return found


def refusal(response, client: Client) -> str:
    """The page the refused click went back to, with its messages."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.text


def _a_risk(appraisal: Appraisal) -> Risk:
    return actions.save_risk(
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


def test_removing_a_risk_changed_since_the_page_was_opened_is_refused(personas, officers):
    appraisal = personas.appraisal
    alice, dev = officers
    risk = _a_risk(appraisal)
    page = reverse("appraisals:risk-edit", args=[appraisal.reference, risk.pk])
    remove = reverse("appraisals:risk-delete", args=[appraisal.reference, risk.pk])
    shown = stamps(alice, page)[remove]
    theirs = opened(dev, page) | {"likelihood": "5", "controls": "A retention bonus"}
    assert dev.post(page, theirs).status_code == 302
    history = Change.objects.count()

    text = refusal(alice.post(remove, {"loaded": shown}), alice)

    assert "Dev Patel changed this at " in text
    assert "after you opened the page. Your changes have not been saved" in text
    assert "changed to “A retention bonus”" in text
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert Change.objects.count() == history
    # From the page as it is now, the removal is made knowingly.
    again = stamps(alice, page)[remove]
    assert alice.post(remove, {"loaded": again}).status_code == 302
    assert not Risk.objects.filter(pk=risk.pk).exists()


def test_marking_the_baseline_after_someone_else_moved_it_is_refused(personas, officers):
    appraisal = personas.appraisal
    alice, dev = officers
    page = reverse("appraisals:options", args=[appraisal.reference])
    mine = reverse("appraisals:option-baseline", args=[appraisal.reference, "option-2"])
    theirs = reverse("appraisals:option-baseline", args=[appraisal.reference, "option-1"])
    shown = stamps(alice, page)[mine]
    assert dev.post(theirs, {"loaded": stamps(dev, page)[theirs]}).status_code == 302
    history = Change.objects.count()

    text = refusal(alice.post(mine, {"loaded": shown}), alice)

    assert "Dev Patel changed this at " in text
    assert "The baseline: changed to “Option 1”" in text
    assert appraisal.options.get(baseline=True).key == "option-1"
    assert Change.objects.count() == history
    assert alice.post(mine, {"loaded": stamps(alice, page)[mine]}).status_code == 302
    assert appraisal.options.get(baseline=True).key == "option-2"


def test_recommending_after_someone_else_recommended_another_is_refused(personas, officers):
    appraisal = personas.appraisal
    alice, dev = officers
    page = reverse("appraisals:options", args=[appraisal.reference])
    mine = reverse("appraisals:option-recommend", args=[appraisal.reference, "option-2"])
    theirs = reverse("appraisals:option-recommend", args=[appraisal.reference, "option-1"])
    shown = stamps(alice, page)[mine]
    assert (
        dev.post(theirs, {"recommended": "yes", "loaded": stamps(dev, page)[theirs]}).status_code
        == 302
    )
    history = Change.objects.count()

    text = refusal(alice.post(mine, {"recommended": "yes", "loaded": shown}), alice)

    assert "Dev Patel changed this at " in text
    assert "The option officers recommend: changed to “Option 1”" in text
    assert list(appraisal.options.filter(recommended=True).values_list("key", flat=True)) == [
        "option-1"
    ]
    assert Change.objects.count() == history
    again = stamps(alice, page)[mine]
    assert alice.post(mine, {"recommended": "yes", "loaded": again}).status_code == 302
    assert list(appraisal.options.filter(recommended=True).values_list("key", flat=True)) == [
        "option-2"
    ]


def test_showing_members_a_draft_whose_words_changed_meanwhile_is_refused(personas, officers):
    appraisal = personas.appraisal
    alice, dev = officers
    page = reverse("appraisals:report", args=[appraisal.reference])
    ready = reverse("appraisals:report-ready", args=[appraisal.reference])
    shown = stamps(alice, page)[ready]
    theirs = opened(dev, page) | {"narrative_recommendations": "Approve the trading company."}
    assert dev.post(page, theirs).status_code == 302
    history = Change.objects.count()

    text = refusal(alice.post(ready, {"ready": "yes", "loaded": shown}), alice)

    assert "Dev Patel changed this at " in text
    assert "changed to “Approve the trading company.”" in text
    assert not Appraisal.objects.get(pk=appraisal.pk).draft_ready_for_members
    assert Change.objects.count() == history
    again = stamps(alice, page)[ready]
    assert alice.post(ready, {"ready": "yes", "loaded": again}).status_code == 302
    assert Appraisal.objects.get(pk=appraisal.pk).draft_ready_for_members
