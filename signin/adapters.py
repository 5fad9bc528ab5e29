"""allauth fitted to councils.

- Nobody signs themselves up with a password: people join by invitation.
- E-mail (password reset, "your password was changed") is rendered in the request and sent
  by a background task (`signin.tasks.send_email`), never inside the request.
- Signing in through a council's OpenID Connect provider: the address the provider gives
  must be in one of that council's domains, and the person must be one of the council's
  people, or the council must let new people from its domains join (as members, the
  councillor's view, never more). Nobody gets a role the council did not grant.
"""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from appraisals.models import Membership
from councilopts.sign_in import client_ip
from councils.actions import record
from councils.models import CouncilChange, Invitation

from .models import CouncilSignIn, domain_of

log = logging.getLogger("councilopts.sign_in")


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "The username or password is not right. Check them and try again."
        ),
        "email_password_mismatch": (
            "The email address or password is not right. Check them and try again."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """The same address as the throttle and the sign-in log use (TRUSTED_PROXIES)."""
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Through the e-mail foundation (appraisals/emails.py): queued when the request's
        transaction commits and sent by the worker, never inside the request. A reset link
        is its own kind; the notices allauth sends (password changed, second factor set up
        or removed, …) are "security" messages. Neither can be turned off."""
        from appraisals.emails import queue_email  # noqa: PLC0415

        name = template_prefix.rpartition("/")[2]
        if name == "password_reset_key":
            user = context.get("user")
            queue_email(
                "password-reset",
                to=[email],
                context={
                    "reset_url": context["password_reset_url"],
                    "username": user.get_username() if user else email,
                },
            )
            return
        headline = SECURITY_HEADLINES.get(name)
        if headline is None:
            return  # nothing else is sent: no sign-up, no e-mail confirmation, no codes
        when = timezone.localtime()
        ip = context.get("ip") or ""
        detail = f"This happened on {when:%-d %B %Y} at {when:%H:%M}"
        detail += f", from the address {ip}." if ip else "."
        queue_email("security", to=[email], context={"headline": headline, "detail": detail})


SECURITY_HEADLINES = {
    "password_changed": "Your password was changed",
    "password_set": "A password was set for your account",
    "password_reset": "Your password was reset",
    "totp_activated": "An authenticator app was set up for your account",
    "totp_deactivated": "The authenticator app was turned off for your account",
    "recovery_codes_generated": "New recovery codes were made for your account",
    "webauthn_added": "A security key was added to your account",
    "webauthn_removed": "A security key was removed from your account",
    "account_connected": "Your council's sign-in was linked to your account",
    "account_disconnected": "Your council's sign-in was unlinked from your account",
}


def _refuse(request, council: CouncilSignIn | None, reason: str, email: str = ""):
    log.warning(
        "single sign-on refused: %s (%s)",
        email,
        reason,
        extra={"event": "sso_refused", "username": email, "reason": reason},
    )
    response = render(
        request,
        "signin/sso_refused.html",
        {"council": council.authority if council else None, "reason": reason, "email": email},
        status=403,
    )
    raise ImmediateHttpResponse(response)


def council_of_login(sociallogin) -> CouncilSignIn | None:
    app = sociallogin.provider.app
    return CouncilSignIn.objects.filter(provider_id=app.pk).select_related("authority").first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_email_verified(self, provider, email) -> bool:
        """A council's provider speaks for the domains the council listed (Entra ID, for
        one, sends no email_verified claim): an address in them is taken as verified, and
        any other is not."""
        council = CouncilSignIn.objects.filter(provider_id=provider.app.pk).first()
        return bool(council and domain_of(email) in council.domains)

    def pre_social_login(self, request, sociallogin) -> None:
        council = council_of_login(sociallogin)
        if council is None:
            _refuse(request, None, "no-council")
        domains = council.domains
        emails = [e.email for e in sociallogin.email_addresses]
        email = emails[0] if emails else (sociallogin.user.email if sociallogin.user else "")
        if not email or domain_of(email) not in domains:
            _refuse(request, council, "domain", email)
        # allauth has looked the person up by now: by this provider's account, or else by
        # a verified address (only the council's domains count as verified:
        # is_email_verified above; any other address was refused just now).
        user = sociallogin.user if sociallogin.is_existing else None
        if user is not None and user.is_superuser:
            _refuse(request, council, "operator", email)  # site operators sign in by password
        has_membership = (
            user is not None
            and Membership.objects.filter(user=user, authority=council.authority).exists()
        )
        invited = is_invited(council, email)
        if not has_membership and not invited and not council.allow_new_people:
            _refuse(request, council, "not-a-member", email)
        if user is not None and user.email.lower() == email.lower():
            # The address on the account was set by the council (by invitation or by the
            # operator; nobody changes their own here): as good as verified, so allauth
            # links the provider's account to it and keeps the password.
            EmailAddress.objects.update_or_create(
                user=user, email__iexact=email, defaults={"email": email, "verified": True}
            )
        if user is not None and not has_membership and not invited:
            join(user, council)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        council = council_of_login(sociallogin)
        email = sociallogin.user.email if sociallogin.user else ""
        return bool(council and (council.allow_new_people or is_invited(council, email)))

    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            council = council_of_login(sociallogin)
            if not is_invited(council, user.email):  # the invitation gives the role
                join(user, council)
        return user


def is_invited(council: CouncilSignIn | None, email: str) -> bool:
    """A pending invitation to this address from the council: its invitee may sign in
    through the council's provider to accept it (councils/sso.py)."""
    if council is None or not email:
        return False
    return Invitation.objects.filter(
        authority=council.authority,
        email__iexact=email,
        used_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


def join(user, council: CouncilSignIn | None) -> None:
    """Someone new from the council's domain joins, where the council allows it, as a member:
    the least a council grants. An administrator can give them another role."""
    if council is None or not council.allow_new_people:
        return
    membership, created = Membership.objects.get_or_create(
        user=user, authority=council.authority, defaults={"role": Membership.Role.MEMBER}
    )
    if created:
        record(
            authority=council.authority,
            user=user,
            kind=CouncilChange.Kind.JOINED,
            subject=user.get_full_name() or user.get_username(),
            field="role",
            new=membership.get_role_display(),
        )
        log.info(
            "joined %s through single sign-on: %s",
            council.authority,
            user.get_username(),
            extra={"event": "sso_joined", "username": user.get_username()},
        )
