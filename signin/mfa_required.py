"""A council can require a second factor (MFA) for its officers and administrators. Until they
have set one up they are sent to set one up: nothing else in the app is open to them.

When it applies: at sign-in (decided once, so reading pages costs no query), and on every
request that could change data (any method but GET, HEAD, OPTIONS and TRACE), so a council
that turns the requirement on reaches its people who are signed in already, before their
next change rather than at their next sign-in. That check is one query (the councils
requiring MFA where the person edits; a second, for their authenticators, only where some
do). Once it finds them wanting, their session is marked and every page sends them to set
a factor up, as at sign-in.

Signing in through the council's own provider counts: that provider applies the council's
own rules (in Entra ID, its conditional access), so it is not asked twice."""

from __future__ import annotations

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from appraisals.access import EDITOR_ROLES

from .models import CouncilSignIn

OPEN_PATHS = ("/accounts/", "/static/")
PENDING = "councilopts_mfa_pending"  # set at sign-in for someone who must still enrol
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def councils_requiring_mfa(user) -> list[str]:
    """Names of the councils where the user is an officer or administrator and MFA is
    required."""
    return list(
        CouncilSignIn.objects.filter(
            require_mfa=True,
            authority__memberships__user=user,
            authority__memberships__role__in=EDITOR_ROLES,
        ).values_list("authority__name", flat=True)
    )


def must_enrol(request) -> bool:
    user = request.user
    if not councils_requiring_mfa(user):
        return False
    if any(r.get("method") == "socialaccount" for r in get_authentication_records(request, user)):
        return False
    return not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


@receiver(user_logged_in)
def check_at_sign_in(sender, request, user, **kwargs) -> None:
    """Decided once, at sign-in, so that other requests cost no query: a council that turns
    the requirement on reaches its people at their next sign-in (at most the idle timeout
    away for anyone not using the service)."""
    if request is not None and hasattr(request, "session"):
        request.user = user
        if must_enrol(request):
            request.session[PENDING] = True
        else:
            request.session.pop(PENDING, None)


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(OPEN_PATHS)
            or (request.method in SAFE_METHODS and not request.session.get(PENDING))
        ):
            return self.get_response(request)
        if not must_enrol(request):
            request.session.pop(PENDING, None)
            return self.get_response(request)
        request.session[PENDING] = True
        return self.send_to_enrol(request)

    def send_to_enrol(self, request) -> HttpResponse:
        names = " and ".join(councils_requiring_mfa(request.user))
        changing = request.method not in SAFE_METHODS
        messages.warning(
            request,
            f"{names} asks officers and administrators to use a second factor. "
            + (
                "Your change was not saved: set one up, then make it again."
                if changing
                else "Set one up to carry on."
            ),
        )
        if request.headers.get("HX-Request") == "true":  # before django-htmx's middleware
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("mfa_index")
            return response
        return redirect("mfa_index")
