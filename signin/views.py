"""Pages of signing in: the sign-in page, signing in through your council, your account (with
"sign out of all sessions") and a council's sign-in settings."""

from __future__ import annotations

import logging

from allauth.account.views import LoginView as AllauthLoginView
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect import views as openid_connect_views
from allauth.usersessions.models import UserSession
from axes.decorators import axes_dispatch, axes_form_invalid
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from appraisals.models import Authority, Membership
from councils.access import get_council_for
from councils.actions import record
from councils.models import CouncilChange
from councils.views import _page

from .csp import allow_council_providers
from .forms import CouncilEmailForm, CouncilSignInForm
from .models import CouncilSignIn, SignInDomain, council_for_email, domain_of

log = logging.getLogger("councilopts.sign_in")


@method_decorator(axes_dispatch, name="dispatch")
@method_decorator(axes_form_invalid, name="form_invalid")
class LoginView(AllauthLoginView):
    """allauth's sign-in, wrapped by django-axes as its documentation says: refused at once
    while locked out, and the lock-out page after the failure that reaches the limit."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("council_form", CouncilEmailForm())
        return context


login = allow_council_providers(LoginView.as_view())


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_not_required
@require_POST
@allow_council_providers
def council_sign_in(request):
    """Enter your work e-mail address; continue with your council's own provider."""
    form = CouncilEmailForm(request.POST)
    if form.is_valid():
        council = council_for_email(form.cleaned_data["email"])
        if council is not None:
            provider = council.provider.get_provider(request)
            return provider.redirect(request, process="login", next_url=_next(request) or None)
        form.add_error(
            "email",
            f"{domain_of(form.cleaned_data['email'])} has no council sign-in here. Sign in "
            "with your username or email address and password",
        )
    view = LoginView(request=request, args=(), kwargs={})
    view.setup(request)
    from allauth.account.forms import LoginForm  # noqa: PLC0415

    context = view.get_context_data(form=LoginForm(request=request), council_form=form)
    return render(request, "account/login.html", context)


def account(request):
    """Your account: how you sign in, your second factors, where you are signed in."""
    sessions = UserSession.objects.purge_and_list(request.user)
    administered = Authority.objects.filter(
        memberships__user=request.user, memberships__role=Membership.Role.ADMINISTRATOR
    )
    return render(
        request,
        "signin/account.html",
        {
            "sessions": sorted(sessions, key=lambda s: s.last_seen_at, reverse=True),
            "current_key": request.session.session_key,
            "authenticators": Authenticator.objects.filter(user=request.user).exclude(
                type=Authenticator.Type.RECOVERY_CODES
            ),
            "has_password": request.user.has_usable_password(),
            "administered": administered,
        },
    )


@require_POST
def sign_out_everywhere(request):
    """End every session of this user, on every device, this one too."""
    user = request.user
    ended = 0
    for session in UserSession.objects.filter(user=user):
        session.end()
        ended += 1
    log.info(
        "signed out of all sessions: %s (%d)",
        user.get_username(),
        ended,
        extra={"event": "logout_everywhere", "username": user.get_username()},
    )
    logout(request)
    messages.success(request, "You have been signed out on every device")
    return redirect("account_login")


def council_settings(request, pk: int):
    """The council's sign-in settings, in "Your council": its administrators only (another
    council's people get 404, its own officers and members 403: councils.access)."""
    council = get_council_for(request.user, pk)
    settings_row = CouncilSignIn.objects.filter(authority=council).first()
    app = settings_row.provider if settings_row else None
    initial = {
        "require_mfa": settings_row.require_mfa if settings_row else False,
        "allow_new_people": settings_row.allow_new_people if settings_row else False,
        "issuer": app.settings.get("server_url", "") if app else "",
        "client_id": app.client_id if app else "",
        "domains": "\n".join(settings_row.domains) if settings_row else "",
    }
    has_secret = bool(app and app.secret)
    form = CouncilSignInForm(
        request.POST or None, initial=initial, council=council, has_secret=has_secret
    )
    if request.method == "POST" and form.is_valid():
        save_council_settings(council, form.cleaned_data, user=request.user)
        log.info(
            "sign-in settings changed for %s by %s",
            council,
            request.user.get_username(),
            extra={"event": "sign_in_settings", "username": request.user.get_username()},
        )
        messages.success(request, "Sign-in settings saved")
        return redirect("signin:council-settings", pk=council.pk)
    provider_id = f"council-{council.pk}"
    return _page(
        request,
        "signin/council_settings.html",
        council,
        "sign-in",
        **{
            "form": form,
            "redirect_uri": request.build_absolute_uri(
                reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
            ),
            "has_provider": app is not None,
        },
    )


def _described(row: CouncilSignIn | None) -> dict[str, str]:
    """The settings as the council's history shows them (never the secret itself)."""
    app = row.provider if row else None
    yes_no = {True: "Yes", False: "No"}
    return {
        "Second factor required": yes_no[bool(row and row.require_mfa)],
        "Issuer URL": app.settings.get("server_url", "") if app else "",
        "Client ID": app.client_id if app else "",
        "Email domains": ", ".join(row.domains) if row else "",
        "New people from these domains may join": yes_no[bool(row and row.allow_new_people)],
    }


@transaction.atomic
def save_council_settings(council: Authority, data: dict, *, user=None) -> CouncilSignIn:
    """Save a council's sign-in settings, each change in the council's history (a new
    secret is recorded as replaced, never shown)."""
    row, _ = CouncilSignIn.objects.select_for_update().get_or_create(authority=council)
    before = _described(row)
    secret_replaced = bool(data["secret"]) and bool(row.provider and row.provider.secret)
    row.require_mfa = data["require_mfa"]
    row.allow_new_people = data["allow_new_people"]
    if data["issuer"]:
        app = row.provider or SocialApp(provider="openid_connect")
        app.provider_id = row.oidc_id
        app.name = council.name
        app.client_id = data["client_id"]
        if data["secret"]:
            app.secret = data["secret"]
        app.settings = {**(app.settings or {}), "server_url": data["issuer"]}
        app.save()
        row.provider = app
    elif row.provider is not None:
        row.provider.delete()
        row.provider = None
    row.save()
    SignInDomain.objects.filter(council=row).exclude(domain__in=data["domains"]).delete()
    for domain in data["domains"]:
        SignInDomain.objects.get_or_create(council=row, domain=domain)
    after = _described(row)
    for field, old in before.items():
        if old != after[field]:
            record(
                authority=council,
                user=user,
                kind=CouncilChange.Kind.SIGN_IN,
                subject="Sign-in settings",
                field=field,
                old=old,
                new=after[field],
            )
    if secret_replaced:
        record(
            authority=council,
            user=user,
            kind=CouncilChange.Kind.SIGN_IN,
            subject="Sign-in settings",
            field="Client secret",
            old="(saved)",
            new="(replaced)",
        )
    return row


def not_found(request):
    raise Http404


# allauth's page before the provider ("continue to your council"), with the policy that lets
# its form go there.
provider_start = allow_council_providers(openid_connect_views.login)
