"""Single sign-on through a council's own OpenID Connect provider, against a real provider on
loopback (tests/oidc.py): routing by email domain, who may come in, and that nobody gets a
role the council did not grant."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Membership
from councils.models import CouncilChange, Invitation, token_hash
from signin.models import CouncilSignIn
from signin.views import save_council_settings
from tests.factories import PASSWORD
from tests.oidc import sign_in_through

pytestmark = pytest.mark.django_db
User = get_user_model()


def set_up_sso(council, provider, *, domains=("lead.gov.uk",), client_id="councilopts", **more):
    return save_council_settings(
        council,
        {
            "require_mfa": False,
            "allow_new_people": False,
            "issuer": provider.issuer,
            "client_id": client_id,
            "secret": "loopback-secret",
            "domains": list(domains),
            **more,
        },
    )


def signed_in_as(client):
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


@pytest.fixture
def lead_sso(personas, oidc_provider):
    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    set_up_sso(personas.lead, oidc_provider)
    return oidc_provider


def test_an_officer_signs_in_through_the_councils_provider(client, personas, lead_sso):
    response = sign_in_through(client, lead_sso, "alice@lead.gov.uk", name="Alice Example")
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("appraisals:home")
    assert signed_in_as(client) == personas.officer
    account = SocialAccount.objects.get(user=personas.officer)
    assert account.provider == f"council-{personas.lead.pk}"
    assert account.uid == "alice@lead.gov.uk"
    # Linked by the address the council gave her: her password still works.
    personas.officer.refresh_from_db()
    assert personas.officer.check_password(PASSWORD)
    assert client.get(reverse("appraisals:home")).status_code == 200
    # Her role is what the council gave her, nothing more.
    roles = Membership.objects.filter(user=personas.officer).values_list("role", flat=True)
    assert list(roles) == ["officer"]
    # The next time, the provider's account finds her without the address.
    client.post(reverse("logout"))
    again = sign_in_through(client, lead_sso, "alice@lead.gov.uk")
    assert again.status_code == 302
    assert signed_in_as(client) == personas.officer


def test_someone_with_no_place_at_the_council_is_refused(client, personas, lead_sso):
    response = sign_in_through(client, lead_sso, "stranger@lead.gov.uk")
    assert response.status_code == 403
    assert "You cannot sign in here yet" in response.text
    assert "not one of Lead District Council" in response.text
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="stranger@lead.gov.uk").exists()


def test_an_account_elsewhere_but_no_place_at_this_council_is_refused(client, personas, lead_sso):
    personas.outsider.email = "charlie@lead.gov.uk"  # an account, at another council only
    personas.outsider.save()
    response = sign_in_through(client, lead_sso, "charlie@lead.gov.uk")
    assert response.status_code == 403
    assert signed_in_as(client) is None
    assert not Membership.objects.filter(user=personas.outsider, authority=personas.lead).exists()


def test_where_the_council_allows_it_someone_new_joins_as_a_member_only(
    client, personas, oidc_provider
):
    set_up_sso(personas.lead, oidc_provider, allow_new_people=True)
    response = sign_in_through(
        client, oidc_provider, "newcomer@lead.gov.uk", given_name="New", family_name="Comer"
    )
    assert response.status_code == 302, response.content[:500]
    user = signed_in_as(client)
    assert user.email == "newcomer@lead.gov.uk"
    assert not user.has_usable_password()
    assert [(m.authority, m.role) for m in Membership.objects.filter(user=user)] == [
        (personas.lead, "member")
    ]
    assert not user.is_staff and not user.is_superuser
    assert CouncilChange.objects.filter(authority=personas.lead, kind="joined").exists()


def test_the_provider_cannot_speak_for_another_domain(client, personas, lead_sso):
    personas.outsider.email = "charlie@faraway.gov.uk"
    personas.outsider.save()
    # The person types an address at the council's domain, but the provider says otherwise.
    lead_sso.set_user("charlie", email="charlie@faraway.gov.uk", email_verified=True)
    start = client.post("/accounts/council/", {"email": "charlie@lead.gov.uk"})
    back = urlsplit(lead_sso.authorize(start["Location"], "charlie"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 403
    assert "not one of the council's email domains" in response.text
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_the_sites_operators_are_not_signed_in_by_a_council(client, personas, lead_sso):
    root = User.objects.create_superuser("root", "root@lead.gov.uk", PASSWORD)
    Membership.objects.create(user=root, authority=personas.lead, role="administrator")
    response = sign_in_through(client, lead_sso, "root@lead.gov.uk")
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_the_email_domain_routes_to_each_councils_own_provider(client, personas, oidc_provider):
    set_up_sso(personas.lead, oidc_provider, client_id="lead-app")
    set_up_sso(personas.partner, oidc_provider, domains=("partner.gov.uk",), client_id="pb-app")
    lead = client.post("/accounts/council/", {"email": "someone@LEAD.gov.uk"})
    partner = client.post("/accounts/council/", {"email": "someone@partner.gov.uk"})
    assert lead.status_code == partner.status_code == 302
    assert lead["Location"].startswith(f"{oidc_provider.issuer}/oauth2/authorize?")
    assert "client_id=lead-app" in lead["Location"]
    assert "client_id=pb-app" in partner["Location"]
    assert f"council-{personas.partner.pk}%2Flogin%2Fcallback" in partner["Location"]


def test_an_address_with_no_council_sign_in_is_told_so(client, personas, oidc_provider):
    set_up_sso(personas.lead, oidc_provider)
    response = client.post("/accounts/council/", {"email": "someone@elsewhere.gov.uk"})
    assert response.status_code == 200
    assert "elsewhere.gov.uk has no council sign-in here" in response.text
    assert "There is a problem" in response.text


def test_a_partner_officer_signs_in_through_their_own_council(client, personas, oidc_provider):
    set_up_sso(personas.lead, oidc_provider, client_id="lead-app")
    set_up_sso(personas.partner, oidc_provider, domains=("partner.gov.uk",), client_id="pb-app")
    personas.partner_officer.email = "pat@partner.gov.uk"
    personas.partner_officer.save()
    response = sign_in_through(client, oidc_provider, "pat@partner.gov.uk")
    assert response.status_code == 302
    assert signed_in_as(client) == personas.partner_officer
    assert SocialAccount.objects.get().provider == f"council-{personas.partner.pk}"


def test_a_council_requiring_mfa_leaves_it_to_its_own_provider(client, personas, lead_sso):
    CouncilSignIn.objects.filter(authority=personas.lead).update(require_mfa=True)
    assert sign_in_through(client, lead_sso, "alice@lead.gov.uk").status_code == 302
    assert client.get(reverse("appraisals:home")).status_code == 200
    # By password the same officer is sent to set up a second factor.
    other = Client()
    other.post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert other.get(reverse("appraisals:home"))["Location"] == reverse("mfa_index")


def test_an_invitee_accepts_by_signing_in_through_the_council(client, personas, lead_sso):
    token = "an-invitation-token-for-the-test"
    Invitation.objects.create(
        authority=personas.lead,
        email="invitee@lead.gov.uk",
        role="officer",
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=7),
    )
    invitation_url = reverse("councils:invitation", args=[token])
    page = client.get(invitation_url)
    assert "Sign in with your council account" in page.text
    sso_url = page.context["sso_url"]
    assert "Sign in through Lead District Council" in client.get(sso_url).text  # confirm
    lead_sso.set_user("invitee", email="invitee@lead.gov.uk", email_verified=True)
    to_provider = client.post(sso_url)
    assert to_provider["Location"].startswith(lead_sso.issuer)
    back = urlsplit(lead_sso.authorize(to_provider["Location"], "invitee"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302
    assert response["Location"] == invitation_url  # back to the invitation
    user = signed_in_as(client)
    assert user.email == "invitee@lead.gov.uk"
    assert not Membership.objects.filter(user=user).exists()  # the invitation gives the role
    accepted = client.post(reverse("councils:invitation", args=[token]))
    assert accepted.status_code == 302
    assert Membership.objects.get(user=user).role == "officer"


def test_the_sso_start_is_by_post_only(client, personas, lead_sso):
    assert client.get("/accounts/council/").status_code == 405


def test_the_sign_in_page_lets_its_forms_go_to_the_councils_providers_only(client, personas):
    def form_action(response) -> str:
        policy = response["Content-Security-Policy"]
        return next(p for p in policy.split(";") if p.strip().startswith("form-action")).strip()

    assert form_action(client.get("/accounts/login/")) == "form-action 'self'"
    from tests.oidc import Provider

    set_up_sso(personas.lead, Provider(issuer="https://login.example.org/tenant/v2.0"))
    assert form_action(client.get("/accounts/login/")) == (
        "form-action 'self' https://login.example.org"
    )
    # Other pages keep the strict policy.
    client.force_login(personas.officer)
    assert form_action(client.get(reverse("appraisals:home"))) == "form-action 'self'"
