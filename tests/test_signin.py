"""Signing in with allauth: username or email address, password reset and change by email
(sent by the background task), MFA by TOTP (and a council's requirement of it), the idle
timeout, "sign out of all sessions", and a council's sign-in settings page."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.socialaccount.models import SocialApp
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from signin.idle import LAST_SEEN
from signin.models import CouncilSignIn, SignInDomain
from tests.factories import PASSWORD
from tests.smtp import links_in, text_of

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def sign_in(client, login, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def totp_code(secret: str, offset: int = 0) -> str:
    """The code an authenticator app shows now, by allauth's own algorithm."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def test_sign_in_by_email_address_as_well_as_username(client, personas):
    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    assert sign_in(client, "Alice@Lead.gov.uk").status_code == 302
    assert client.session["_auth_user_id"] == str(personas.officer.pk)


def test_wrong_passwords_by_email_and_by_username_count_against_one_account(
    client, personas, settings
):
    settings.AXES_FAILURE_LIMIT = 4
    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    codes = [sign_in(client, "alice@lead.gov.uk", "wrong").status_code for _ in range(2)]
    codes += [sign_in(client, "alice", "wrong").status_code for _ in range(2)]
    assert codes == [200, 200, 200, 429]
    assert AccessAttempt.objects.get().username == "alice"
    assert sign_in(client, "alice").status_code == 429


def test_allauth_own_login_limit_is_off_so_axes_is_the_one_throttle(client, personas, settings):
    # allauth's default would refuse after 5 failures in 5 minutes; axes allows 10.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "alice", "wrong")
        assert response.status_code == 200
        assert "The username or password is not right" in response.text
    assert sign_in(client, "alice").status_code == 302


def test_sign_in_page_offers_the_councils_sign_in_and_the_password_reset(client, db):
    text = client.get(LOGIN).text
    assert "Username or email address" in text
    assert "Continue with your council" in text
    assert reverse("account_reset_password") in text


def test_nobody_signs_themselves_up(client, db):
    response = client.get(reverse("account_signup"))
    assert "You cannot create an account here" in response.text
    client.post(
        reverse("account_signup"),
        {
            "email": "x@example.org",
            "username": "x",
            "password1": "a-Long-pass-99",
            "password2": "a-Long-pass-99",
        },
    )
    assert not get_user_model().objects.filter(username="x").exists()


def test_password_reset_by_email_sent_by_the_task_then_a_new_password_works(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("account_reset_password"), {"email": "alice@lead.gov.uk"})
    assert response.status_code == 302
    assert smtp_server.messages == []  # nothing sent inside the request: queued for the worker
    for callback in queued:
        callback()
    [message] = smtp_server.to("alice@lead.gov.uk")
    assert message["Subject"] == "Set a new password for the options appraisal service"
    [link] = [u for u in links_in(message) if "/accounts/password/reset/key/" in u]
    link = urlsplit(link).path
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    # Django's validators apply: a common password is refused.
    refused = client.post(form_url, {"password1": "password", "password2": "password"})
    assert refused.status_code == 200
    assert "too common" in refused.text
    done = client.post(form_url, {"password1": "Fresh-harbour-91", "password2": "Fresh-harbour-91"})
    assert done.status_code == 302
    client.logout()
    assert sign_in(client, "alice", "Fresh-harbour-91").status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("account_reset_password"), {"email": "nobody@lead.gov.uk"})
    assert response.status_code == 302
    assert queued == []
    assert mail.outbox == []


def test_password_change_checks_the_validators_and_sends_a_notice(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    client.force_login(personas.officer)
    url = reverse("account_change_password")
    short = client.post(url, {"oldpassword": PASSWORD, "password1": "abc", "password2": "abc"})
    assert short.status_code == 200
    assert "too short" in short.text
    new = "Quiet-river-482"
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(url, {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert ok.status_code == 302
    personas.officer.refresh_from_db()
    assert personas.officer.check_password("Quiet-river-482")
    [notice] = smtp_server.to("alice@lead.gov.uk")
    assert notice["Subject"] == "Your password was changed"
    assert "If this was not you" in text_of(notice)


def test_email_addresses_are_not_changed_by_their_owner(client, personas):
    client.force_login(personas.officer)
    assert client.get("/accounts/email/").status_code == 404


# Idle timeout and signing out everywhere


def test_an_idle_session_is_signed_out_with_a_message(client, personas, settings):
    assert sign_in(client, "alice").status_code == 302
    assert client.get(reverse("appraisals:home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get(reverse("appraisals:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)
    page = client.get(response["Location"])
    assert "You were signed out because you had not used the service for 30 minutes" in page.text


def test_a_session_in_use_is_not_signed_out(client, personas, settings):
    assert sign_in(client, "alice").status_code == 302
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() + 60
    session.save()
    assert client.get(reverse("appraisals:home")).status_code == 200
    assert client.session[LAST_SEEN] > time.time() - 5  # the clock starts again


def test_sign_out_of_all_sessions_ends_every_device(personas):
    laptop, phone = Client(), Client()
    assert sign_in(laptop, "alice", HTTP_USER_AGENT="Laptop browser").status_code == 302
    assert sign_in(phone, "alice", HTTP_USER_AGENT="Phone browser").status_code == 302
    page = laptop.get(reverse("signin:account"))
    assert "Laptop browser" in page.text and "Phone browser" in page.text
    response = laptop.post(reverse("signin:sign-out-everywhere"))
    assert response.status_code == 302
    assert phone.get(reverse("appraisals:home")).status_code == 302
    assert laptop.get(reverse("appraisals:home")).status_code == 302
    assert not UserSession.objects.filter(user=personas.officer).exists()
    assert "You have been signed out on every device" in laptop.get(LOGIN).text


def test_signing_out_everywhere_is_by_post_only(client, personas):
    client.force_login(personas.officer)
    assert client.get(reverse("signin:sign-out-everywhere")).status_code == 405


# MFA


def enrol_totp(client) -> str:
    """Set up TOTP through allauth's pages, as a person would; returns the secret."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before a change
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        assert client.post(page["Location"], {"password": PASSWORD}).status_code == 302
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


def test_totp_enrolment_then_sign_in_asks_for_the_code(client, personas):
    assert sign_in(client, "alice").status_code == 302
    secret = enrol_totp(client)
    assert Authenticator.objects.filter(user=personas.officer, type="totp").exists()
    assert Authenticator.objects.filter(user=personas.officer, type="recovery_codes").exists()
    client.post(reverse("logout"))
    response = sign_in(client, "alice")
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert not signed_in(client)
    assert wrong.status_code == 200
    ok = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert ok.status_code == 302
    assert signed_in(client)


def test_a_recovery_code_signs_in_once(client, personas):
    assert sign_in(client, "alice").status_code == 302
    enrol_totp(client)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes(
        Authenticator.objects.get(user=personas.officer, type="recovery_codes")
    ).get_unused_codes()
    client.post(reverse("logout"))
    sign_in(client, "alice")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert signed_in(client)
    client.post(reverse("logout"))
    sign_in(client, "alice")
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert not signed_in(client)


def require_mfa(council) -> None:
    CouncilSignIn.objects.update_or_create(authority=council, defaults={"require_mfa": True})


def test_a_council_requiring_mfa_sends_officers_and_administrators_to_enrol(client, personas):
    require_mfa(personas.lead)
    for person in ("alice", "ada"):
        c = Client()
        assert sign_in(c, person).status_code == 302
        response = c.get(reverse("appraisals:home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_index")
        page = c.get(response["Location"])
        assert "asks officers and administrators to use a second factor" in page.text
        assert c.get(personas.appraisal.get_absolute_url()).status_code == 302
    # Once enrolled, the app is open.
    assert sign_in(client, "alice").status_code == 302
    enrol_totp(client)
    assert client.get(reverse("appraisals:home")).status_code == 200


def _add_criterion(client, name: str, **extra):
    url = reverse("appraisals:criterion-add", args=[PERSONAS_APPRAISAL])
    return client.post(url, {"name": name, "weight": "1"}, **extra)


PERSONAS_APPRAISAL = "test-appraisal"


def test_turning_mfa_on_reaches_officers_already_signed_in_before_their_next_change(personas):
    from appraisals.models import Criterion

    alice, ada, bob = Client(), Client(), Client()
    for c, person in ((alice, "alice"), (ada, "ada"), (bob, "bob")):
        assert sign_in(c, person).status_code == 302
    # The administrator turns the requirement on while Alice is signed in and working.
    response = ada.post(settings_url(personas.lead), {"require_mfa": "on"})
    assert response.status_code == 302
    assert CouncilSignIn.objects.get(authority=personas.lead).require_mfa
    # Reading still works; her next change is refused and she is sent to set a factor up.
    assert alice.get(reverse("appraisals:home")).status_code == 200
    response = _add_criterion(alice, "Refused until enrolled")
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_index"))
    assert not Criterion.objects.filter(name="Refused until enrolled").exists()
    page = alice.get(reverse("mfa_index")).text
    assert "asks officers and administrators to use a second factor" in page
    assert "Your change was not saved" in page
    # From then on every page sends her there, as at sign-in.
    assert alice.get(reverse("appraisals:home"))["Location"] == reverse("mfa_index")
    # An htmx save (the scoring grid's) is told where to go instead of swapping the page in.
    response = _add_criterion(alice, "Refused by htmx", HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, reverse("mfa_index"))
    # The administrator who turned it on is an administrator too.
    assert _add_criterion(ada, "Refused for Ada")["Location"] == reverse("mfa_index")
    # A councillor is not asked.
    assert bob.get(reverse("appraisals:home")).status_code == 200
    # Once Alice has a second factor, her changes go through.
    enrol_totp(alice)
    response = _add_criterion(alice, "Saved once enrolled")
    assert response.status_code == 302 and response["Location"] != reverse("mfa_index")
    assert Criterion.objects.filter(name="Saved once enrolled").exists()
    assert alice.get(reverse("appraisals:home")).status_code == 200


def test_a_change_costs_one_query_more_for_people_of_councils_not_requiring_mfa(
    client, personas, django_assert_num_queries
):
    from django.test import RequestFactory

    from signin.mfa_required import PENDING, MfaRequiredMiddleware

    client.force_login(personas.officer)
    session = client.session
    session.get(PENDING)  # read already in a real request, by the authentication middleware
    middleware = MfaRequiredMiddleware(lambda request: "passed")
    post = RequestFactory().post("/appraisals/test-appraisal/criteria/add/")
    post.user, post.session = personas.officer, session
    # The councils requiring MFA where she edits: none, so no more is asked.
    with django_assert_num_queries(1):
        assert middleware(post) == "passed"
    get = RequestFactory().get("/")
    get.user, get.session = personas.officer, session
    with django_assert_num_queries(0):
        assert middleware(get) == "passed"


def test_members_and_other_councils_officers_are_not_asked(client, personas):
    require_mfa(personas.lead)
    for person in ("bob", "pat"):
        c = Client()
        assert sign_in(c, person).status_code == 302
        assert c.get(reverse("appraisals:home")).status_code == 200


# A council's sign-in settings


def settings_url(council) -> str:
    return reverse("signin:council-settings", args=[council.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("officer", 403),
        ("member", 403),
        ("partner_officer", 404),
        ("outsider", 404),
    ],
)
def test_only_the_councils_administrators_see_its_sign_in_settings(client, personas, who, status):
    client.force_login(getattr(personas, who))
    assert client.get(settings_url(personas.lead)).status_code == status
    response = client.post(settings_url(personas.lead), {"require_mfa": "on"})
    assert response.status_code == (302 if status == 200 else status)
    assert CouncilSignIn.objects.filter(require_mfa=True).exists() == (who == "admin")


def test_another_councils_administrator_gets_404(client, personas):
    from appraisals.models import Membership

    other_admin = get_user_model().objects.create_user("olga", password=PASSWORD)
    Membership.objects.create(
        user=other_admin, authority=personas.unrelated, role=Membership.Role.ADMINISTRATOR
    )
    client.force_login(other_admin)
    assert client.get(settings_url(personas.unrelated)).status_code == 200
    assert client.get(settings_url(personas.lead)).status_code == 404
    assert client.post(settings_url(personas.lead), {"require_mfa": "on"}).status_code == 404
    assert not CouncilSignIn.objects.filter(authority=personas.lead).exists()


def test_anonymous_is_sent_to_sign_in(client, personas):
    assert client.get(settings_url(personas.lead))["Location"].startswith(LOGIN)


PROVIDER = {
    "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
    "client_id": "app-id",
    "secret": "s3cret-value",
    "domains": "lead.gov.uk\nLEAD-district.gov.uk",
}


def test_the_administrator_sets_up_the_provider_and_the_secret_is_not_shown_again(client, personas):
    client.force_login(personas.admin)
    page = client.get(settings_url(personas.lead))
    redirect_uri = f"http://testserver/accounts/oidc/council-{personas.lead.pk}/login/callback/"
    assert redirect_uri in page.text
    # (Without requiring MFA: that would stop this administrator's next save until they
    # set up a second factor, test_turning_mfa_on_reaches_officers_already_signed_in...)
    response = client.post(settings_url(personas.lead), PROVIDER)
    assert response.status_code == 302
    row = CouncilSignIn.objects.get(authority=personas.lead)
    assert sorted(row.domains) == ["lead-district.gov.uk", "lead.gov.uk"]
    app = row.provider
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        f"council-{personas.lead.pk}",
        "app-id",
        "s3cret-value",
    )
    assert app.settings["server_url"] == PROVIDER["issuer"]
    page = client.get(settings_url(personas.lead))
    assert "s3cret-value" not in page.text
    assert "A secret is saved" in page.text
    # Saving again without a secret keeps it; a new one replaces it.
    client.post(settings_url(personas.lead), {**PROVIDER, "secret": ""})
    assert SocialApp.objects.get().secret == "s3cret-value"
    client.post(settings_url(personas.lead), {**PROVIDER, "secret": "new-one"})
    assert SocialApp.objects.get().secret == "new-one"
    # Clearing the issuer and client ID removes the provider.
    client.post(settings_url(personas.lead), {"domains": ""})
    assert not SocialApp.objects.exists()
    assert CouncilSignIn.objects.get(authority=personas.lead).provider is None


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"issuer": "http://idp.example.org"}, "starting https://"),
        ({"client_id": ""}, "Enter the client ID"),
        ({"secret": ""}, "Enter the client secret"),
        ({"domains": ""}, "Enter at least one email domain"),
        ({"domains": "not a domain!"}, "as a domain"),
        ({"domains": "faraway.gov.uk"}, "already used by another council"),
    ],
)
def test_the_settings_refuse_what_cannot_work(client, personas, change, error):
    other = CouncilSignIn.objects.create(authority=personas.unrelated)
    SignInDomain.objects.create(council=other, domain="faraway.gov.uk")
    client.force_login(personas.admin)
    response = client.post(settings_url(personas.lead), {**PROVIDER, **change})
    assert response.status_code == 200
    assert error in response.text
    assert not SocialApp.objects.exists()


def test_each_change_to_the_sign_in_settings_is_in_the_councils_history(client, personas):
    from councils.models import CouncilChange

    assert sign_in(client, "ada").status_code == 302
    client.post(settings_url(personas.lead), {**PROVIDER, "require_mfa": "on"})
    enrol_totp(client)  # required of her too from now on, before her next change
    client.post(settings_url(personas.lead), {**PROVIDER, "secret": "another-secret"})
    rows = CouncilChange.objects.filter(authority=personas.lead, kind="sign-in").order_by("pk")
    assert [(r.field, r.old, r.new) for r in rows] == [
        ("Second factor required", "No", "Yes"),
        ("Issuer URL", "", PROVIDER["issuer"]),
        ("Client ID", "", "app-id"),
        ("Email domains", "", "lead-district.gov.uk, lead.gov.uk"),
        ("Second factor required", "Yes", "No"),
        ("Client secret", "(saved)", "(replaced)"),
    ]
    assert all(r.user == personas.admin for r in rows)
    assert not CouncilChange.objects.filter(new__contains="secret-value").exists()
    history = client.get(reverse("councils:history", args=[personas.lead.pk])).text
    assert "Sign-in settings changed" in history
    assert "s3cret-value" not in history and "another-secret" not in history
    # A save that changes nothing writes nothing.
    client.post(settings_url(personas.lead), {**PROVIDER, "secret": ""})
    assert rows.count() == 6


@pytest.mark.parametrize("who", ["officer", "member", "admin", "partner_officer", "outsider"])
def test_every_role_has_its_own_account_pages(client, personas, who):
    person = getattr(personas, who)
    client.force_login(person)
    page = client.get(reverse("signin:account"))
    assert page.status_code == 200
    assert person.get_username() in page.text
    assert client.get(reverse("mfa_index")).status_code == 200
    # Only administrators are offered their council's sign-in settings.
    settings_link = reverse("signin:council-settings", args=[personas.lead.pk])
    assert (settings_link in page.text) == (who == "admin")


def test_the_account_pages_ask_anonymous_people_to_sign_in(client, db):
    for url in (reverse("signin:account"), reverse("mfa_index")):
        assert client.get(url)["Location"].startswith(LOGIN)


def test_an_idle_htmx_request_sends_the_whole_page_to_sign_in(client, personas, settings):
    assert sign_in(client, "alice").status_code == 302
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get(reverse("appraisals:home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN
    assert not signed_in(client)
