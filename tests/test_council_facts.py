"""A body's facts (population, net revenue budget, character) are kept by its own
administrators on its Facts page in "Your council"; nobody outside the body edits them, each
change is in the council's history, and a save against facts changed meanwhile is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisals.models import Authority, Membership
from councils.facts import update_facts
from councils.models import CouncilChange
from tests.factories import make_user
from tests.test_stale_saves import posted


def _url(body: Authority) -> str:
    return reverse("councils:facts", args=[body.pk])


def _facts(body: Authority) -> tuple:
    body.refresh_from_db()
    return body.population, body.net_revenue_budget, body.character


FACTS = {"population": "93,000", "net_revenue_budget": "£14,200,000", "character": "rural"}


def test_an_administrator_records_the_facts_in_the_councils_history(client, personas):
    client.force_login(personas.admin)
    page = client.get(_url(personas.lead))
    assert page.status_code == 200
    assert f'href="{_url(personas.lead)}"' in page.text  # in the area's sub-navigation
    response = client.post(_url(personas.lead), posted(page.context["form"]) | FACTS)
    assert response.status_code == 302
    assert _facts(personas.lead) == (93_000, Decimal(14_200_000), "rural")
    rows = {
        c.field: (c.old, c.new, c.user)
        for c in CouncilChange.objects.filter(authority=personas.lead, kind="facts")
    }
    assert rows == {
        "population": ("not recorded", "93,000", personas.admin),
        "net_revenue_budget": ("not recorded", "£14.2 million", personas.admin),
        "character": ("not recorded", "largely rural", personas.admin),
    }
    page = client.get(_url(personas.lead))
    assert "Facts saved." in page.text
    assert 'value="93,000"' in page.text and 'value="14,200,000"' in page.text
    # Saving again unchanged records nothing.
    client.post(_url(personas.lead), posted(page.context["form"]))
    assert CouncilChange.objects.filter(kind="facts").count() == 3


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("member", 403)])
def test_the_bodys_own_officers_and_members_cannot_edit_its_facts(client, personas, who, status):
    client.force_login(getattr(personas, who))
    assert client.get(_url(personas.lead)).status_code == status
    assert client.post(_url(personas.lead), FACTS).status_code == status
    assert _facts(personas.lead) == (None, None, "")


@pytest.mark.parametrize("who", ["partner_officer", "outsider", "partner_admin"])
def test_nobody_outside_the_body_edits_its_facts(client, personas, who):
    if who == "partner_admin":
        # An administrator of a partner council in the same appraisal: still outside.
        user = make_user("petra", personas.partner, Membership.Role.ADMINISTRATOR)
    else:
        user = getattr(personas, who)
    client.force_login(user)
    assert client.get(_url(personas.lead)).status_code == 404
    assert client.post(_url(personas.lead), FACTS).status_code == 404
    assert _facts(personas.lead) == (None, None, "")
    assert not CouncilChange.objects.filter(kind="facts").exists()


def test_the_officer_who_added_a_partner_body_cannot_edit_its_facts(client, personas):
    trust = Authority.objects.create(name="Leicestershire Partnership NHS Trust", kind="nhs-trust")
    personas.appraisal.partners.add(trust)
    client.force_login(personas.officer)
    assert client.post(_url(trust), FACTS).status_code == 404
    assert _facts(trust) == (None, None, "")


def test_a_save_against_facts_changed_meanwhile_is_refused(client, personas):
    other = make_user("abe", personas.lead, Membership.Role.ADMINISTRATOR)
    client.force_login(personas.admin)
    page = client.get(_url(personas.lead))
    update_facts(
        body=personas.lead, user=other, population=90_000, net_revenue_budget=None, character=""
    )
    response = client.post(_url(personas.lead), posted(page.context["form"]) | FACTS)
    assert response.status_code == 200
    assert response.context["form"].conflict
    assert "Population: changed to “90,000”" in " ".join(
        response.context["form"].errors["population"]
    )
    assert _facts(personas.lead) == (90_000, None, "")  # the other save stands
    assert 'value="93,000"' in response.text  # the user's input is kept
    # Saved again, now knowing: it goes through.
    again = client.post(_url(personas.lead), posted(response.context["form"]) | FACTS)
    assert again.status_code == 302
    assert _facts(personas.lead)[0] == 93_000


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("population", "lots", "Enter the population as a number"),
        ("population", "-5", "The population must be 0 or more"),
        ("net_revenue_budget", "1.2m", "Enter the net revenue budget as a number"),
        ("character", "coastal", "Select"),
    ],
)
def test_facts_that_make_no_sense_are_refused(client, personas, field, value, error):
    client.force_login(personas.admin)
    page = client.get(_url(personas.lead))
    response = client.post(_url(personas.lead), posted(page.context["form"]) | {field: value})
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert _facts(personas.lead) == (None, None, "")


def test_the_scope_page_links_administrators_to_their_facts(client, personas):
    client.force_login(personas.admin)
    page = client.get(reverse("appraisals:scope-edit", args=[personas.appraisal.reference]))
    assert f'href="{_url(personas.lead)}"' in page.text
    assert f'href="{_url(personas.partner)}"' not in page.text
    client.force_login(personas.officer)
    page = client.get(reverse("appraisals:scope-edit", args=[personas.appraisal.reference]))
    assert "/facts/" not in page.text


def test_facts_page_query_count_is_pinned(client, personas, django_assert_num_queries):
    client.force_login(personas.admin)
    # session, user, memberships, the user's councils (this one among them, and the
    # header's), the newest row of the council's history (the form's stamp)
    with django_assert_num_queries(5):
        assert client.get(_url(personas.lead)).status_code == 200
