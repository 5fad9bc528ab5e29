"""The way into signing in through a council's own identity provider (OpenID Connect, set up
on the council's sign-in settings page: signin/).

An invitee whose council signs in through its identity provider accepts by signing in there
instead of setting a password: the invitation page offers the link `sign_in_url` returns,
and the provider's sign-in comes back to `next_url` (the invitation), where the invitee,
now signed in with the invited e-mail address, accepts it as an existing account. A pending
invitation to the address is what lets someone new through (signin.adapters).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from appraisals.models import Authority


def sign_in_url(authority: Authority, next_url: str) -> str | None:
    """Where to start signing in through the council's identity provider, coming back to
    `next_url`; None if the council has none (the invitee then sets a password)."""
    from signin.models import CouncilSignIn  # noqa: PLC0415 (signin builds on councils)

    row = CouncilSignIn.objects.filter(authority=authority, provider__isnull=False).first()
    if row is None:
        return None
    start = reverse("openid_connect_login", kwargs={"provider_id": row.oidc_id})
    return f"{start}?{urlencode({'process': 'login', 'next': next_url})}"
