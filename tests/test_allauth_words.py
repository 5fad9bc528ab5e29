"""allauth's pages speak as the rest of the service does: headings, page titles and buttons
in sentence case and our own words ("Sign in", "Reset your password", "Set up an
authenticator app"), never allauth's title case ("Confirm Access", "Security Keys").

Two checks. Every page allauth serves under /accounts/ is fetched, signed out, as a
councillor and as an officer with an authenticator app, and what it shows is read. And every
page template allauth has is looked up as Django finds it (ours first), so a page no test
reaches, or one a new allauth adds, is read too; the few whose views this service turns off
are named below with the reason."""

from __future__ import annotations

import re
from pathlib import Path

import allauth
import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import URLResolver, get_resolver

from tests.test_signin import enrol_totp, sign_in

# Words that keep their capital letter wherever they are in a sentence.
PROPER = {"I", "ID", "IT", "Entra", "Microsoft", "WebAuthn", "TOTP", "MFA", "OpenID", "Connect"}
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
PAGE_DIRS = ("account", "mfa", "socialaccount", "usersessions")
# Pages whose view is turned off here, so nobody sees their template.
NOT_SERVED = {
    "account/email.html": "a person's address is their council's: /accounts/email/ is a 404",
    "account/email_change.html": "the same",
    "account/email_confirm.html": "addresses are never verified by e-mail "
    "(ACCOUNT_EMAIL_VERIFICATION = none): an invitation's link proves it",
    "account/base_manage_email.html": "the e-mail pages' base",
    "account/confirm_email_verification_code.html": "no verification by code",
    "account/phone_change.html": "no phone numbers",
    "account/base_manage_phone.html": "the same",
    "account/confirm_phone_verification_code.html": "the same",
    "account/signup.html": "nobody signs themselves up: signup_closed.html is shown",
    "account/signup_by_passkey.html": "the same (and MFA_PASSKEY_LOGIN_ENABLED is off)",
    "account/request_login_code.html": "no sign-in by e-mailed code",
    "account/confirm_login_code.html": "the same",
    "account/confirm_password_reset_code.html": "password resets are by link",
    "account/request_reauthentication_code.html": "no reauthentication by e-mailed code",
    "account/confirm_reauthentication_code.html": "the same",
    "account/verified_email_required.html": "no view asks for a verified address",
    "account/base_confirm_code.html": "the code pages' base",
    "mfa/trust.html": "MFA_TRUST_ENABLED is off",
    "mfa/webauthn/signup_form.html": "nobody signs up, by passkey or otherwise",
    "socialaccount/signup.html": "SSO signs people straight in or refuses them "
    "(signin/adapters.py, sso_refused.html); no sign-up form",
}


def title_case(text: str) -> list[str]:
    """The words after the first of each sentence ("Error: Sign in" is two) that are
    capitalised without being names."""
    bad = []
    for sentence in re.split(r"[.:!?]\s+", text):
        words = re.findall(r"[A-Za-z][\w’'-]*", sentence)
        bad += [w for w in words[1:] if w[0].isupper() and w not in PROPER]
    return bad


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _shown(html: str) -> list[str]:
    """The page's title, its headings and its buttons, in the main content."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    body = main.group() if main else html
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    found = [_words(title.group(1)).split(" – ")[0]] if title else []
    found += [_words(h) for h in re.findall(r"<h[12]\b[^>]*>(.*?)</h[12]>", body, re.S)]
    found += [_words(b) for b in re.findall(r"<button\b[^>]*>(.*?)</button>", body, re.S)]
    found += [_words(b) for b in re.findall(r"<a\b[^>]*govuk-button[^>]*>(.*?)</a>", body, re.S)]
    return [f for f in found if f]


def _account_paths() -> list[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif "<" not in str(p.pattern) and "(" not in str(p.pattern):
                yield "/" + prefix + str(p.pattern).lstrip("^").rstrip("$")

    return sorted({p for p in walk(get_resolver().url_patterns) if p.startswith("/accounts/")})


@pytest.mark.django_db
def test_no_allauth_page_shows_a_title_case_heading_or_button(personas):
    anonymous, councillor, officer = Client(), Client(), Client()
    assert sign_in(councillor, "bob").status_code == 302
    assert sign_in(officer, "alice").status_code == 302
    enrol_totp(officer)
    officer.post("/accounts/reauthenticate/", {"password": "test-password-123"})
    pages = 0
    problems = []
    for path in _account_paths():
        for who, client in (("signed out", anonymous), ("bob", councillor), ("alice", officer)):
            response = client.get(path)
            assert response.status_code != 500, (path, who)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            pages += 1
            for text in _shown(response.text):
                if bad := title_case(text):
                    problems.append(f"{path} ({who}): {text!r} capitalises {bad}")
    assert not problems, "\n".join(problems)
    assert pages >= 30  # the walk reached the pages, not only redirects


def _template_texts(source: str) -> list[str]:
    """Headings, the page title and buttons in a template's source, its {% trans %} strings
    taken as the words they show."""
    source = re.sub(r"{%\s*(?:trans|translate)\s+([\"'])(.*?)\1\s*%}", r"\2", source)
    found = re.findall(r"{%\s*block\s+(?:head_title|title)\s*%}(.*?){%\s*endblock", source, re.S)
    found += re.findall(
        r"{%\s*element\s+(?:h1|h2|button)\b[^%]*%}(.*?){%\s*endelement", source, re.S
    )
    found += re.findall(r"<(?:h1|h2|button)\b[^>]*>(.*?)</(?:h1|h2|button)>", source, re.S)
    texts = []
    for text in found:
        text = re.sub(r"{[{%#].*?[}%#]}", " ", text)
        if words := _words(text):
            texts.append(words)
    return texts


def test_every_allauth_page_template_is_in_sentence_case_or_not_served():
    templates = sorted(
        str(p.relative_to(ALLAUTH_TEMPLATES))
        for d in PAGE_DIRS
        for p in (ALLAUTH_TEMPLATES / d).rglob("*.html")
        if not {"email", "messages", "snippets"} & set(p.relative_to(ALLAUTH_TEMPLATES).parts)
    )
    assert "mfa/webauthn/authenticator_list.html" in templates  # the walk found them
    problems = []
    for name in templates:
        if name in NOT_SERVED:
            continue
        source = get_template(name).template.source
        for text in _template_texts(source):
            if bad := title_case(text):
                problems.append(f"{name}: {text!r} capitalises {bad}")
    assert not problems, "\n".join(problems)
    assert set(NOT_SERVED) <= set(templates)  # no reason kept for a page allauth dropped


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("Confirm Access", ["Access"]),
        ("Security Keys", ["Keys"]),
        ("Set up an authenticator app", []),
        ("Sign in through Microsoft Entra ID", []),
        ("Error: Sign in", []),
        ("Error: Sign In", ["In"]),
    ],
)
def test_the_check_itself(text, bad):
    assert title_case(text) == bad
