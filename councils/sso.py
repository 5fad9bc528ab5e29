"""The hook for signing in through a council's own identity provider (OpenID Connect).

An invitee whose council signs in through its identity provider accepts by signing in there
instead of setting a password: the invitation page offers the link `sign_in_url` returns,
and the provider's sign-in comes back to `next_url` (the invitation), where the invitee,
now signed in with the invited e-mail address, accepts it as an existing account.

Until single sign-on is configured for councils, there is none: it returns None and the
page asks for a password.
"""

from __future__ import annotations

from appraisals.models import Authority


def sign_in_url(authority: Authority, next_url: str) -> str | None:
    """Where to start signing in through the council's identity provider, coming back to
    `next_url`; None if the council has none (the invitee then sets a password)."""
    return None
