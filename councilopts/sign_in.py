"""Signing in: who is asking (the client's address behind our proxies), the page shown when
django-axes has paused sign-in, and the log of every sign-in, failure and lock-out.

django-axes (settings: AXES_*) counts failures by username and address together and refuses
while a lock-out lasts, on every login page; this module only fits it to the service.
"""

import ipaddress
import logging
import math
from datetime import UTC

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Max
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. Behind TRUSTED_PROXIES proxies of our own, each of
    which appends the address it saw to X-Forwarded-For, that is the address the outermost
    one appended: entries further left came from the client and may be forged."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return remote  # not through all our proxies: only the socket's address is known
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _locked_until(username: str | None, ip_address: str):
    """When the lock-out on this username and address ends: the cool-off after the last
    failure counted (attempts during a lock-out are not counted, settings.py)."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def _clock(moment) -> str:
    """A time as GOV.UK writes it: 9:30am, 5pm, midday, midnight (local time)."""
    local = timezone.localtime(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{(local.hour - 1) % 12 + 1}{minutes}{'am' if local.hour < 12 else 'pm'}"


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The page for a refused sign-in (AXES_LOCKOUT_CALLABLE): why, and how long to wait."""
    username = get_client_username(request, credentials) or ""
    until = _locked_until(username or None, request.axes_ip_address)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": math.ceil(seconds / 60),
            "until": _clock(until),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "private, no-store"
    return response


def _fields(request: HttpRequest | None, username: str | None) -> dict:
    meta = request.META if request is not None else {}
    return {
        "username": username or "",
        "ip": getattr(request, "axes_ip_address", None) or meta.get("REMOTE_ADDR", ""),
        "path": getattr(request, "path", ""),
        "user_agent": meta.get("HTTP_USER_AGENT", "")[:200],
    }


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs) -> None:
    fields = _fields(request, user.get_username())
    log.info(
        "sign-in: %s from %s", fields["username"], fields["ip"], extra={"event": "login", **fields}
    )


@receiver(user_login_failed)
def log_failure(sender, credentials, request=None, **kwargs) -> None:
    fields = _fields(request, get_client_username(request, credentials))
    log.warning(
        "sign-in failed: %s from %s",
        fields["username"],
        fields["ip"],
        extra={"event": "login_failed", **fields},
    )


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    """Sent when a failure reaches the limit, and again for each attempt refused while the
    lock-out lasts: both are recorded, with when it ends."""
    until = _locked_until(username, ip_address)
    fields = _fields(request, username)
    log.warning(
        "sign-in locked out: %s from %s until %s",
        fields["username"],
        fields["ip"],
        until.astimezone(UTC).isoformat(timespec="seconds"),
        extra={"event": "lockout", "until": until.astimezone(UTC).isoformat(), **fields},
    )
