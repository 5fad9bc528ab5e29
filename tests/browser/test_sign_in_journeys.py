"""Signing in, in Chromium with axe: an officer through the council's own provider (a real
OpenID Connect provider on loopback), and an officer who sets up TOTP and signs in with a
code computed as an authenticator app would (allauth's own algorithm)."""

from __future__ import annotations

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from appraisals.models import Membership
from signin.models import CouncilSignIn
from signin.views import save_council_settings
from tests.browser.conftest import assert_accessible, log_in


def test_an_officer_signs_in_through_the_councils_provider(page, personas, oidc_provider):
    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    save_council_settings(
        personas.lead,
        {
            "require_mfa": False,
            "allow_new_people": False,
            "issuer": oidc_provider.issuer,
            "client_id": "councilopts",
            "secret": "loopback-secret",
            "domains": ["lead.gov.uk"],
        },
    )
    oidc_provider.set_user("alice-sub", email="alice@lead.gov.uk", email_verified=True)
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Your work email address").fill("alice@lead.gov.uk")
    page.get_by_role("button", name="Continue with your council").click()
    # The provider's own page (the mock's), on its own origin.
    page.wait_for_url(lambda url: url.startswith(oidc_provider.issuer))
    page.get_by_label("Subject").fill("alice-sub")
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/" not in url and url.startswith("http://localhost"))
    assert page.get_by_role("heading", level=1).inner_text() == "Appraisals"
    assert personas.appraisal.title in page.content()
    assert_accessible(page)


def test_someone_with_no_place_is_refused_with_a_clear_page(page, personas, oidc_provider):
    save_council_settings(
        personas.lead,
        {
            "require_mfa": False,
            "allow_new_people": False,
            "issuer": oidc_provider.issuer,
            "client_id": "councilopts",
            "secret": "loopback-secret",
            "domains": ["lead.gov.uk"],
        },
    )
    oidc_provider.set_user("stranger", email="stranger@lead.gov.uk", email_verified=True)
    page.goto("/accounts/login/")
    page.get_by_label("Your work email address").fill("stranger@lead.gov.uk")
    page.get_by_role("button", name="Continue with your council").click()
    page.wait_for_url(lambda url: url.startswith(oidc_provider.issuer))
    page.get_by_label("Subject").fill("stranger")
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/oidc/"))
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in here yet"
    assert_accessible(page)


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_officer_enrols_totp_and_signs_in_with_a_code(page, personas):
    CouncilSignIn.objects.create(authority=personas.lead, require_mfa=True)
    log_in(page, "alice")
    # The council asks for a second factor before anything else.
    assert page.get_by_role("heading", level=1).inner_text() == "Two-factor authentication"
    assert "asks officers and administrators to use a second factor" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Set up an authenticator app")).click()
    # allauth asks for the password again before changing how you sign in.
    if "/reauthenticate/" in page.url:
        assert_accessible(page)
        page.get_by_label("Password").fill("test-password-123")
        page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code from the app").fill(code(secret))
    page.get_by_role("button", name="Set up").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Recovery codes"
    assert_accessible(page)
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Appraisals"
    # Sign out, then in again: password, then the code.
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("test-password-123")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Use your second factor"
    assert_accessible(page)
    page.get_by_label("Code from the app").fill(code(secret))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_role("heading", level=1).inner_text() == "Appraisals"


def test_your_account_and_the_councils_sign_in_settings_are_accessible(page, personas):
    Membership.objects.filter(user=personas.admin).update(role="administrator")
    log_in(page, "ada")
    page.get_by_role("link", name="Your account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert_accessible(page)
    for path, heading in (
        ("/accounts/sessions/", "Where you are signed in"),
        ("/accounts/3rdparty/", "Sign-in through your council"),
    ):
        page.goto(path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert_accessible(page)
    page.goto(f"/council/{personas.lead.pk}/sign-in/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in settings"
    assert_accessible(page)
    page.get_by_label("Issuer URL").fill("http://idp.example.org")
    page.get_by_role("button", name="Save sign-in settings").click()
    assert "There is a problem" in page.content()
    assert_accessible(page)


def test_a_forgotten_password_is_reset_from_the_email_that_arrived(page, personas, smtp_server):
    from urllib.parse import urlsplit

    from tests.smtp import links_in

    personas.officer.email = "alice@lead.gov.uk"
    personas.officer.save()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="I have forgotten my password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"
    assert_accessible(page)
    page.get_by_label("Email address").fill("alice@lead.gov.uk")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page)
    [message] = smtp_server.wait_for("alice@lead.gov.uk")
    [link] = [u for u in links_in(message) if "/accounts/password/reset/key/" in u]
    page.goto(urlsplit(link).path)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose a new password"
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("New password again").fill("password")
    page.get_by_role("button", name="Set the new password").click()
    assert "This password is too common" in page.content()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("Harbour-lights-77")
    page.get_by_label("New password again").fill("Harbour-lights-77")
    page.get_by_role("button", name="Set the new password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your password is set"
    assert_accessible(page)
    log_in(page, "alice", "Harbour-lights-77")
    assert page.get_by_role("heading", level=1).inner_text() == "Appraisals"
    page.goto("/accounts/password/change/")
    assert page.get_by_role("heading", level=1).inner_text() == "Change your password"
    assert_accessible(page)


def test_an_officer_adds_a_security_key_and_signs_in_with_it(page, personas):
    """WebAuthn through Chromium's virtual authenticator (DevTools protocol): the browser's
    own WebAuthn code, allauth's scripts and fido2 on the server, with no real key."""
    from allauth.mfa.models import Authenticator

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in(page, "alice")
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Add a security key").click()
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill("test-password-123")
        page.get_by_role("button", name="Confirm").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=personas.officer, type="webauthn").exists()
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("test-password-123")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Use your second factor"
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_role("heading", level=1).inner_text() == "Appraisals"
    # The keys' own pages, in our words.
    page.goto("/accounts/2fa/webauthn/")
    assert page.get_by_role("heading", level=1).inner_text() == "Security keys"
    assert_accessible(page)
    page.get_by_role("button", name="Rename Desk key").click()
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill("test-password-123")
        page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Rename the security key"
    assert_accessible(page)
    page.get_by_label("Name").fill("Office key")
    page.get_by_role("button", name="Save the name").click()
    page.get_by_role("button", name="Remove Office key").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Remove this security key"
    assert "You will no longer be able to sign in with “Office key”" in page.content()
    assert_accessible(page)
