"""A body added as a partner starts with nobody; the administrators of a council leading an
appraisal it is a partner in invite its first administrator (councils/bodies.py), who then
keeps its facts and invites its people. Once it has one, the lead council cannot."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Authority, Membership
from councils.models import CouncilChange, Invitation
from tests.factories import make_user
from tests.smtp import links_in

pytestmark = pytest.mark.django_db
ADMINISTRATOR = Membership.Role.ADMINISTRATOR
HEAD = "head.of.partnerships@riverside.nhs.uk"


@pytest.fixture
def trust(personas):
    trust = Authority.objects.create(name="Riverside NHS Trust", kind="nhs-trust")
    personas.appraisal.partners.add(trust)
    return trust


def _bodies(lead) -> str:
    return reverse("councils:bodies", args=[lead.pk])


def _designate(lead, body) -> str:
    return reverse("councils:designate", args=[lead.pk, body.pk])


def test_the_lead_councils_administrator_invites_a_new_bodys_first_administrator(
    client, personas, trust, smtp_server, settings, django_capture_on_commit_callbacks
):
    client.force_login(personas.admin)
    page = client.get(_bodies(personas.lead)).text
    assert "Riverside NHS Trust" in page and "None yet" in page
    assert "Invite its administrator" in page
    assert client.get(_designate(personas.lead, trust)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_designate(personas.lead, trust), {"email": HEAD})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email=HEAD)
    assert (invitation.authority, invitation.role, invitation.invited_by) == (
        trust,
        ADMINISTRATOR,
        personas.admin,
    )
    # In both bodies' histories, with who did it.
    assert CouncilChange.objects.get(authority=trust, kind="invitation").user == personas.admin
    lead_row = CouncilChange.objects.get(authority=personas.lead, kind="invitation")
    assert lead_row.subject == f"{HEAD}, to administer Riverside NHS Trust"
    page = client.get(_bodies(personas.lead)).text
    assert "Invited" in page and HEAD in page and "Invite someone else" in page

    # They join from the e-mail as the trust's administrator, and keep its facts.
    [message] = smtp_server.to(HEAD)
    [link] = [u for u in links_in(message) if "/council/invitations/" in u]
    invitee = Client()
    joined = invitee.post(
        link.removeprefix(settings.SITE_URL),
        {
            "first_name": "Rhea",
            "last_name": "Patel",
            "password1": "a-long-trust-passphrase-7",
            "password2": "a-long-trust-passphrase-7",
        },
    )
    assert joined.status_code == 302
    assert Membership.objects.get(authority=trust, user__email=HEAD).role == ADMINISTRATOR
    facts = reverse("councils:facts", args=[trust.pk])
    assert invitee.post(facts, {"population": "250,000"}).status_code in (200, 302)
    assert invitee.get(reverse("councils:invite", args=[trust.pk])).status_code == 200

    # Now the trust runs itself: the lead council's administrator can no longer designate.
    page = client.get(_bodies(personas.lead)).text
    assert "Rhea Patel" in page
    assert "for Riverside NHS Trust" not in page  # no invitation link for it any more
    assert "for Partner Borough Council" in page  # (which still has no administrator)
    response = client.post(_designate(personas.lead, trust), {"email": "another@example.org"})
    assert response.status_code == 302
    assert not Invitation.objects.filter(email="another@example.org").exists()
    followed = client.get(response["Location"]).text
    assert "Riverside NHS Trust has its own administrators" in followed
    # Nor change its facts: that is the trust's own page.
    assert client.get(facts).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("member", 403), ("outsider", 404)])
def test_only_the_lead_councils_administrators_see_its_partner_bodies(
    client, personas, trust, who, status
):
    client.force_login(getattr(personas, who))
    assert client.get(_bodies(personas.lead)).status_code == status
    assert client.post(_designate(personas.lead, trust), {"email": HEAD}).status_code == status
    assert not Invitation.objects.exists()


def test_another_councils_administrator_cannot_designate_for_a_body_not_its_partner(
    client, personas, trust
):
    faraway = Authority.objects.get(name="Faraway County Council")
    fay = make_user("fay", faraway, ADMINISTRATOR)
    client.force_login(fay)
    assert "Riverside NHS Trust" not in client.get(_bodies(faraway)).text
    assert client.get(_designate(faraway, trust)).status_code == 404
    assert client.post(_designate(faraway, trust), {"email": HEAD}).status_code == 404
    # Nor can the lead council's administrator for a body on no appraisal of theirs.
    client.force_login(personas.admin)
    assert client.get(_designate(personas.lead, faraway)).status_code == 404
    assert client.get(_designate(personas.lead, personas.lead)).status_code == 404
    assert not Invitation.objects.exists()


def test_the_designate_form_says_what_is_missing(client, personas, trust):
    client.force_login(personas.admin)
    page = client.post(_designate(personas.lead, trust), {"email": ""}).text
    assert "There is a problem" in page and "Enter their email address" in page
    assert "Error: Invite the administrator of Riverside NHS Trust" in page


def test_the_partner_bodies_page_reads_a_fixed_number_of_queries(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.admin)
    client.get(_bodies(personas.lead))
    for n in range(5):
        body = Authority.objects.create(name=f"Body {n}", kind="other")
        personas.appraisal.partners.add(body)
        make_user(f"boss{n}", body, ADMINISTRATOR)
    # session, user, memberships, the user's councils, the bodies, their administrators,
    # their pending invitations
    with django_assert_num_queries(7):
        client.get(_bodies(personas.lead))
