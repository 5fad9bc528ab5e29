"""Invitations: an administrator invites by e-mail (through a real SMTP server on loopback);
the link works once, until it expires, and gives exactly the role invited; a link used
twice, expired, withdrawn or tampered with is refused with a page that says so."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Membership
from councils import actions
from councils.models import CouncilChange, Invitation
from tests.factories import PASSWORD, make_user
from tests.smtp import links_in, text_of

pytestmark = pytest.mark.django_db
Role = Membership.Role
NEW_PASSWORD = "a-long-council-passphrase-42"


def _invite(client, personas, commit, email="new.officer@example.gov.uk", role=Role.OFFICER):
    client.force_login(personas.admin)
    with commit(execute=True):
        response = client.post(
            reverse("councils:invite", args=[personas.lead.pk]), {"email": email, "role": role}
        )
    assert response.status_code == 302, response.content.decode()
    client.logout()


def _link(mailbox, email="new.officer@example.gov.uk") -> str:
    [message] = mailbox.to(email)
    [url] = [u for u in links_in(message) if "/council/invitations/" in u]
    return url.removeprefix("http://127.0.0.1:8000")


def _accept(client, path, **extra):
    data = {
        "first_name": "Nia",
        "last_name": "Newcomer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return client.post(path, data | extra)


def test_the_invitation_email_reaches_the_invitee_and_holds_no_appraisal_content(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    [message] = smtp_server.to("new.officer@example.gov.uk")
    assert message["Subject"] == (
        "You are invited to join Lead District Council on the options appraisal service"
    )
    body = text_of(message)
    assert "as an officer" in body and "The link works once, until" in body
    assert personas.appraisal.title not in body
    invitation = Invitation.objects.get()
    token = _link(smtp_server).rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only the hash is kept
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    change = CouncilChange.objects.get(kind="invitation")
    assert (change.user, change.subject, change.new) == (
        personas.admin,
        "new.officer@example.gov.uk",
        "Officer",
    )


def test_accepting_creates_the_account_with_exactly_the_role_invited(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks, role=Role.MEMBER)
    path = _link(smtp_server)
    page = client.get(path)
    assert page.status_code == 200 and "Join Lead District Council" in page.content.decode()
    response = _accept(client, path)
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(email="new.officer@example.gov.uk")
    assert user.get_full_name() == "Nia Newcomer" and user.check_password(NEW_PASSWORD)
    assert list(user.memberships.values_list("authority__name", "role")) == [
        ("Lead District Council", Role.MEMBER)
    ]
    assert client.get("/").context["user"] == user  # signed in
    assert user.emailaddress_set.get().verified
    joined = CouncilChange.objects.get(kind="joined")
    assert joined.user == user and joined.new == "Member (councillor)"
    # And they can sign in again later with their e-mail address.
    client.logout()
    signed_in = client.post(
        reverse("login"), {"login": "new.officer@example.gov.uk", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_link_used_twice_is_refused(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    path = _link(smtp_server)
    _accept(client, path)
    client.logout()
    for response in (client.get(path), _accept(client, path, first_name="Mallory")):
        assert response.status_code == 410
        assert "This invitation has already been used" in response.content.decode()
    assert get_user_model().objects.filter(email="new.officer@example.gov.uk").count() == 1
    assert Membership.objects.filter(authority=personas.lead).count() == 4


def test_an_expired_link_is_refused(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    path = _link(smtp_server)
    for response in (client.get(path), _accept(client, path)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "This invitation has expired" in page and "invite you again" in page
    assert not get_user_model().objects.filter(email="new.officer@example.gov.uk").exists()


@pytest.mark.parametrize("tamper", ["flip", "truncate", "made-up"])
def test_a_tampered_link_is_refused(
    client, personas, smtp_server, django_capture_on_commit_callbacks, tamper
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    path = _link(smtp_server)
    token = path.rstrip("/").rsplit("/", 1)[1]
    bad = {
        "flip": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncate": token[:20],
        "made-up": "not-a-real-invitation-token",
    }[tamper]
    bad_path = reverse("councils:invitation", args=[bad])
    for response in (client.get(bad_path), _accept(client, bad_path)):
        assert response.status_code == 404
        assert "This invitation link is not valid" in response.content.decode()
    assert Invitation.objects.get().used_at is None


def test_inviting_again_withdraws_the_earlier_link(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    first = _link(smtp_server)
    smtp_server.messages.clear()
    _invite(client, personas, django_capture_on_commit_callbacks, role=Role.ADMINISTRATOR)
    second = _link(smtp_server)
    response = client.get(first)
    assert response.status_code == 410 and "withdrawn" in response.content.decode()
    _accept(client, second)
    user = get_user_model().objects.get(email="new.officer@example.gov.uk")
    assert user.memberships.get().role == Role.ADMINISTRATOR
    assert CouncilChange.objects.filter(kind="invitation-withdrawn").count() == 1


def test_a_withdrawn_invitation_cannot_be_used(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    client.force_login(personas.admin)
    client.post(reverse("councils:invitation-withdraw", args=[personas.lead.pk, invitation.pk]))
    client.logout()
    response = client.get(_link(smtp_server))
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_passwords_are_checked_by_djangos_validators(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    path = _link(smtp_server)
    for password, message in [
        ("short", "This password is too short"),
        ("password123", "This password is too common"),
        ("12345678901234", "This password is entirely numeric"),
    ]:
        response = _accept(client, path, password1=password, password2=password)
        assert response.status_code == 200
        assert message in response.content.decode()
    response = _accept(client, path, password2="something-else-entirely")
    assert "The passwords do not match" in response.content.decode()
    assert Invitation.objects.get().used_at is None  # still usable


def test_an_existing_account_signs_in_then_accepts(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    """Someone already at another council joins this one with the same account."""
    pat = personas.partner_officer
    pat.email = "pat@example.gov.uk"
    pat.save()
    _invite(client, personas, django_capture_on_commit_callbacks, email="Pat@Example.gov.uk")
    path = _link(smtp_server, "Pat@Example.gov.uk")
    page = client.get(path).content.decode()
    assert "Sign in to accept" in page and "Create a password" not in page
    assert client.post(reverse("login"), {"login": "pat", "password": PASSWORD}).status_code == 302
    assert "Accept the invitation" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert dict(pat.memberships.values_list("authority__name", "role")) == {
        "Partner Borough Council": Role.OFFICER,
        "Lead District Council": Role.OFFICER,
    }


def test_someone_signed_in_as_another_person_cannot_accept(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks)
    path = _link(smtp_server)
    client.force_login(personas.outsider)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        assert "This invitation is for someone else" in response.content.decode()
    assert not Membership.objects.filter(user=personas.outsider, authority=personas.lead).exists()
    assert Invitation.objects.get().used_at is None


def test_a_member_of_the_council_cannot_be_invited_again(client, personas):
    personas.officer.email = "alice@example.gov.uk"
    personas.officer.save()
    client.force_login(personas.admin)
    response = client.post(
        reverse("councils:invite", args=[personas.lead.pk]),
        {"email": "ALICE@example.gov.uk", "role": Role.ADMINISTRATOR},
    )
    assert response.status_code == 200
    assert "already has a place at Lead District Council" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invite_form_says_what_is_missing(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("councils:invite", args=[personas.lead.pk]), {"email": "no"})
    page = response.content.decode()
    assert "Enter an email address in the correct format" in page
    assert "Select the role they will have" in page


def test_one_link_accepted_twice_at_once_gives_one_membership(personas, smtp_server):
    """The single UPDATE decides: the second acceptance of the same token is refused."""
    sent = actions.invite(authority=personas.lead, email="twice@example.gov.uk", role="officer")
    first = actions.new_user_for(sent.invitation, first_name="A", last_name="B")
    actions.accept_invitation(token=sent.token, user=first, password=NEW_PASSWORD)
    second = actions.new_user_for(sent.invitation, first_name="C", last_name="D")
    second.username = "someone-else"
    with pytest.raises(actions.InvitationRefused) as refused:
        actions.accept_invitation(token=sent.token, user=second, password=NEW_PASSWORD)
    assert refused.value.reason == "used"
    assert (
        Membership.objects.filter(
            authority=personas.lead, user__email="twice@example.gov.uk"
        ).count()
        == 1
    )


def test_the_invitations_page_shows_each_state(client, personas):
    now = timezone.now()
    for email, extra in [
        ("waiting@example.gov.uk", {}),
        ("joined@example.gov.uk", {"used_at": now}),
        ("late@example.gov.uk", {"expires_at": now - dt.timedelta(days=1)}),
    ]:
        Invitation.objects.create(
            authority=personas.lead,
            email=email,
            role=Role.OFFICER,
            token_hash=email.ljust(64, "x")[:64],
            expires_at=extra.pop("expires_at", now + dt.timedelta(days=3)),
            **extra,
        )
    client.force_login(personas.admin)
    page = client.get(reverse("councils:invitations", args=[personas.lead.pk])).content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)
    states = {
        re.search(r"[\w.]+@example\.gov\.uk", r).group(): re.search(
            r"govuk-tag[^>]*>(\w+)", r
        ).group(1)
        for r in rows[1:]
    }
    assert states == {
        "waiting@example.gov.uk": "Waiting",
        "joined@example.gov.uk": "Accepted",
        "late@example.gov.uk": "Expired",
    }


def test_an_expired_invitation_is_sent_again_with_a_new_link(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    _invite(client, personas, django_capture_on_commit_callbacks, role=Role.MEMBER)
    old = _link(smtp_server)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    smtp_server.messages.clear()
    client.force_login(personas.admin)
    page = client.get(reverse("councils:invitations", args=[personas.lead.pk])).content.decode()
    assert "Send again" in page
    url = reverse(
        "councils:invitation-resend", args=[personas.lead.pk, Invitation.objects.get().pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    client.logout()
    new = _link(smtp_server)
    assert new != old and client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    assert Invitation.objects.order_by("-pk").first().role == Role.MEMBER


def test_another_councils_administrator_cannot_send_its_invitations_again(client, personas):
    zoe = make_user("zoe", personas.unrelated, Role.ADMINISTRATOR)
    invitation = Invitation.objects.create(
        authority=personas.lead,
        email="x@example.gov.uk",
        role=Role.OFFICER,
        token_hash="2" * 64,
        expires_at=timezone.now(),
    )
    client.force_login(zoe)
    for council in (personas.unrelated, personas.lead):
        url = reverse("councils:invitation-resend", args=[council.pk, invitation.pk])
        assert client.post(url).status_code == 404
    assert Invitation.objects.count() == 1


def test_an_invitee_whose_address_is_someone_elses_username_still_joins(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    get_user_model().objects.create_user(username="new.officer@example.gov.uk", email="")
    _invite(client, personas, django_capture_on_commit_callbacks)
    response = _accept(client, _link(smtp_server))
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.officer@example.gov.uk")
    assert user.username == "new.officer@example.gov.uk-2"
    assert user.memberships.get().authority == personas.lead
