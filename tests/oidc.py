"""A real OpenID Connect provider on loopback for the tests: oidc-provider-mock (Flask, in a
thread), which allauth's openid_connect provider talks to over HTTP as it would to Entra ID.

`sign_in_through(client, provider, email)` walks the whole journey: the sign-in page's
"continue with your council" box sends the browser to the provider's authorize endpoint; the
person signs in there (the mock's form takes a subject, whose claims the test sets with the
mock's PUT /users/<sub>); the provider redirects back to our callback with a code, which
allauth exchanges at the token endpoint, checking the ID token against the provider's keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from oidc_provider_mock import run_server_in_thread


@dataclass
class Provider:
    issuer: str

    def set_user(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign in at the provider as `sub`; returns where it sends the browser back."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def start():
    """The context manager running the provider: `with start() as provider: ...`."""
    from contextlib import contextmanager

    @contextmanager
    def running():
        with run_server_in_thread() as server:
            yield Provider(issuer=f"http://localhost:{server.server_port}")

    return running()


def sign_in_through(client, provider: Provider, email: str, *, sub: str | None = None, **claims):
    """Enter `email` on the sign-in page and sign in at the provider as a person whose
    claims are `email` (verified unless said otherwise) and `claims`; returns the response
    to the callback (or to the email box, if it sent nowhere)."""
    sub = sub or email
    provider.set_user(sub, **{"email": email, "email_verified": True, **claims})
    start_response = client.post("/accounts/council/", {"email": email})
    if start_response.status_code != 302:
        return start_response
    authorize_url = start_response["Location"]
    assert authorize_url.startswith(provider.issuer), authorize_url
    back = urlsplit(provider.authorize(authorize_url, sub))
    return client.get(f"{back.path}?{back.query}")
