"""A council can require a second factor (MFA) for its officers and administrators. Until they
have set one up they are sent to set one up: nothing else in the app is open to them.

Signing in through the council's own provider counts: that provider applies the council's
own rules (in Entra ID, its conditional access), so it is not asked twice."""

from __future__ import annotations

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect

from appraisals.access import EDITOR_ROLES

from .models import CouncilSignIn

OPEN_PATHS = ("/accounts/", "/static/")
PENDING = "councilopts_mfa_pending"  # set at sign-in for someone who must still enrol
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
            user is not None
            and user.is_authenticated
            and request.session.get(PENDING)
            and not request.path.startswith(OPEN_PATHS)
        ):
            if not must_enrol(request):
                del request.session[PENDING]
                return self.get_response(request)
            names = " and ".join(councils_requiring_mfa(user))
            messages.warning(
                request,
                f"{names} asks officers and administrators to use a second factor. "
                "Set one up to carry on.",
            )
            return redirect("mfa_index")
        return self.get_response(request)
