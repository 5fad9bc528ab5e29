"""The Content-Security-Policy of the pages that start signing in through a council's provider.

The policy's form-action ('self') also governs where a submitted form may be redirected: a
sign-in form whose answer is a redirect to the council's provider needs that provider's
origin in form-action, or the browser stops at our door. So those pages (the sign-in page
and allauth's "continue to your council" page) allow the origins of the councils' issuers,
and nothing else is loosened."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.conf import settings


def provider_origins() -> list[str]:
    origins = set()
    for app in SocialApp.objects.filter(provider="openid_connect", council__isnull=False):
        parts = urlsplit(app.settings.get("server_url", ""))
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def allow_council_providers(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        origins = provider_origins()
        if origins:
            policy = dict(settings.SECURE_CSP)
            policy["form-action"] = [*policy.get("form-action", ["'self'"]), *origins]
            response._csp_config = policy
        return response

    return wrapped
