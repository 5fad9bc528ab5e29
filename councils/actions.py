"""Writes to a council's administration: each one transaction, each recorded in the council's
audit trail (`CouncilChange`), and refused (nothing written, nothing recorded) when it would
leave the council without an administrator.

Invitations: `invite` stores the hash of a random token and e-mails the link (the e-mail is
sent by the task worker once the transaction commits); `find_invitation` settles whether a
link still works; `accept_invitation` uses it up, once, and gives exactly the role invited.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from appraisals import emails
from appraisals.actions.scope import drop_stranded_panel_members
from appraisals.history import person_name
from appraisals.models import Appraisal, Authority, Membership

from .models import CouncilChange, Invitation, token_hash

log = logging.getLogger(__name__)
ADMINISTRATOR = Membership.Role.ADMINISTRATOR
# How each role reads in a sentence ("invited you ... as an officer").
ROLE_IN_A_SENTENCE = {
    Membership.Role.OFFICER: "an officer",
    Membership.Role.MEMBER: "a member (councillor)",
    Membership.Role.ADMINISTRATOR: "an administrator",
}


class LastAdministrator(Exception):
    """The change would leave the council with no administrator."""


class AlreadyMember(Exception):
    """The person already has a place in the council."""


class TooManyInvitations(Exception):
    """The council has sent INVITATIONS_PER_DAY invitations in the last 24 hours."""

    def __init__(self, authority: Authority, limit: int, next_at: dt.datetime) -> None:
        self.authority, self.limit, self.next_at = authority, limit, next_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (
            f"{self.authority.name} has sent {self.limit:,} invitations in the last 24 hours, "
            "the most a council can send in a day. You can send the next one from "
            f"{_expiry_text(self.next_at)}"
        )


DAY = dt.timedelta(hours=24)


def _check_invitation_limit(authority: Authority, now: dt.datetime) -> None:
    """Refuse a new invitation beyond the council's daily limit. The council's row is locked
    first, so two administrators inviting at once are counted one after the other."""
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    limit = settings.INVITATIONS_PER_DAY
    recent = list(
        Invitation.objects.filter(authority=authority, created_at__gt=now - DAY)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        raise TooManyInvitations(authority, limit, recent[-1] + DAY)


class InvitationRefused(Exception):
    """An invitation link that does not work: `reason` is invalid, used, expired or
    withdrawn."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str  # only ever in the e-mail (and here, for the command and the tests)
    url: str


def record(
    *, authority: Authority, user, kind: str, subject: str, field: str = "", old="", new=""
) -> CouncilChange:
    by = user.get_username() if user is not None and user.is_authenticated else ""
    # Also in the log, beside the sign-ins (councilopts.sign_in), for the IT team's shipper.
    log.info(
        "council change at %s: %s %s by %s",
        authority,
        kind,
        subject,
        by or "the operator",
        extra={
            "event": f"council_{kind}".replace("-", "_"),
            "council": authority.name,
            "subject": subject,
            "username": by,
            "old": str(old),
            "new": str(new),
        },
    )
    return CouncilChange.objects.create(
        authority=authority,
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        subject=subject[:300],
        field=field,
        old=str(old),
        new=str(new),
    )


def role_label(role: str) -> str:
    return str(Membership.Role(role).label)


def _expiry_text(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    hour = f"{(local.hour - 1) % 12 + 1}{f':{local.minute:02d}' if local.minute else ''}"
    return f"{hour}{'am' if local.hour < 12 else 'pm'} on {local.day} {local:%B %Y}"


def delivery_note(invitation: Invitation) -> str:
    """What the invitations page says of an invitation's e-mail that did not go: "" once it
    was sent (or is being sent)."""
    reply = (
        f" The mail server said: “{invitation.delivery_error}”."
        if invitation.delivery_error
        else ""
    )
    if invitation.delivery == Invitation.Delivery.RETRYING:
        when = invitation.delivery_retry_at
        return (
            f"The email has not been delivered yet.{reply} It will be tried again"
            + (f" at {_expiry_text(when)}" if when else "")
            + f" ({invitation.delivery_attempts} of {emails.ATTEMPTS} tries so far)."
        )
    if invitation.delivery == Invitation.Delivery.FAILED:
        tries = invitation.delivery_attempts
        return (
            f"The email was not delivered after {tries} {'try' if tries == 1 else 'tries'}."
            f"{reply} Check the address, then send it again."
        )
    return ""


@transaction.atomic
def invite(*, authority: Authority, email: str, role: str, user=None) -> SentInvitation:
    """Invite `email` to the council as `role`: any invitation of theirs still pending is
    withdrawn (the newest link is the one that works), and the link is e-mailed. Refused
    (TooManyInvitations) beyond INVITATIONS_PER_DAY in any 24 hours."""
    email = email.strip()
    if Membership.objects.filter(authority=authority, user__email__iexact=email).exists():
        raise AlreadyMember(f"{email} already has a place at {authority}")
    now = timezone.now()
    _check_invitation_limit(authority, now)
    for pending in Invitation.objects.select_for_update().filter(
        authority=authority,
        email__iexact=email,
        used_at=None,
        withdrawn_at=None,
        expires_at__gt=now,
    ):
        _withdraw(pending, user=user, now=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        authority=authority,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=user if user is not None and user.is_authenticated else None,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    record(
        authority=authority,
        user=user,
        kind=CouncilChange.Kind.INVITATION,
        subject=email,
        field="role",
        new=role_label(role),
    )
    url = emails.link(reverse("councils:invitation", args=[token]))
    emails.queue_email(
        "invitation",
        to=[email],
        context={
            "council_name": authority.name,
            "role": ROLE_IN_A_SENTENCE[role],
            "inviter_name": person_name(user)
            if user is not None and user.is_authenticated
            else f"The administrator of {authority.name}",
            "accept_url": url,
            "expires": _expiry_text(invitation.expires_at),
        },
        tag=f"invitation:{invitation.pk}",
    )
    return SentInvitation(invitation=invitation, token=token, url=url)


def _withdraw(invitation: Invitation, *, user, now: dt.datetime) -> None:
    invitation.withdrawn_at = now
    invitation.save(update_fields=["withdrawn_at"])
    record(
        authority=invitation.authority,
        user=user,
        kind=CouncilChange.Kind.INVITATION_WITHDRAWN,
        subject=invitation.email,
        field="role",
        old=role_label(invitation.role),
    )


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, user) -> bool:
    """Stop a pending invitation's link working. False if it was no longer pending."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":
        return False
    _withdraw(invitation, user=user, now=timezone.now())
    return True


def find_invitation(token: str) -> Invitation:
    """The invitation this link's token belongs to, if the link still works; else
    InvitationRefused saying why."""
    invitation = (
        Invitation.objects.select_related("authority", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationRefused("invalid")
    state = invitation.state
    if state != "pending":
        raise InvitationRefused({"accepted": "used"}.get(state, state), invitation)
    return invitation


def new_user_for(invitation: Invitation, *, first_name: str, last_name: str):
    """An unsaved account for the invitee: they sign in with their e-mail address (also
    their username, unless someone already has that username: then with -2, -3 …)."""
    User = get_user_model()
    base = username = invitation.email.lower()[:140]
    n = 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}-{n}", n + 1
    return User(
        username=username,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )


@transaction.atomic
def accept_invitation(*, token: str, user, password: str | None = None) -> Membership:
    """Use the invitation up and give `user` (an existing account, or a new unsaved one with
    `password`) exactly the role invited. Refused if the link no longer works, including
    when someone else used it a moment ago."""
    invitation = find_invitation(token)
    now = timezone.now()
    # One UPDATE decides who uses the link: a second acceptance, however close, finds it used.
    used = Invitation.objects.filter(
        pk=invitation.pk, used_at=None, withdrawn_at=None, expires_at__gt=now
    ).update(used_at=now)
    if used != 1:
        raise InvitationRefused("used", invitation)
    if user.pk is None:
        user.set_password(password)
        user.save()
        # The link reached them at this address: it is theirs, verified (allauth's record,
        # which password reset and sign-in by e-mail read).
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif Membership.objects.filter(authority=invitation.authority, user=user).exists():
        raise AlreadyMember(f"{user} already has a place at {invitation.authority}")
    Invitation.objects.filter(pk=invitation.pk).update(used_by=user)
    membership = Membership.objects.create(
        user=user, authority=invitation.authority, role=invitation.role
    )
    record(
        authority=invitation.authority,
        user=user,
        kind=CouncilChange.Kind.JOINED,
        subject=f"{person_name(user)} ({invitation.email})",
        field="role",
        new=role_label(invitation.role),
    )
    return membership


def lock_place(membership: Membership) -> tuple[Membership, int]:
    """This place, read afresh, and how many administrators the council has besides it,
    with the rows of both locked (in a transaction). One statement locks them, in the order
    of their ids: every write to places here locks this way, so two administrators demoting
    each other at the same moment take turns (the second then finds itself the last one)
    rather than each waiting for the other. Raises Membership.DoesNotExist if it is gone."""
    rows = list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "authority")
        .filter(authority_id=membership.authority_id)
        .filter(Q(role=ADMINISTRATOR) | Q(pk=membership.pk))
        .order_by("pk")
    )
    place = next((r for r in rows if r.pk == membership.pk), None)
    if place is None:
        raise Membership.DoesNotExist
    return place, sum(r.role == ADMINISTRATOR and r.pk != place.pk for r in rows)


@transaction.atomic
def change_role(*, membership: Membership, role: str, user) -> bool:
    """Give the person another role at the council. False if it is the role they have."""
    membership, others = lock_place(membership)
    if membership.role == role:
        return False
    if membership.role == ADMINISTRATOR and not others:
        raise LastAdministrator
    record(
        authority=membership.authority,
        user=user,
        kind=CouncilChange.Kind.ROLE,
        subject=person_name(membership.user),
        field="role",
        old=role_label(membership.role),
        new=role_label(role),
    )
    membership.role = role
    membership.save(update_fields=["role"])
    return True


@transaction.atomic
def remove_membership(*, membership: Membership, user) -> None:
    """Take the person's place at the council away (their account stays, with any places
    at other councils)."""
    membership, others = lock_place(membership)
    if membership.role == ADMINISTRATOR and not others:
        raise LastAdministrator
    record(
        authority=membership.authority,
        user=user,
        kind=CouncilChange.Kind.REMOVED,
        subject=person_name(membership.user),
        field="role",
        old=role_label(membership.role),
    )
    membership.delete()
    # Off the panels of the appraisals they can no longer see, each recorded there (not of
    # issued ones, which change only once reopened; without a place they cannot score there).
    stranded = Appraisal.objects.filter(panels__members=membership.user).exclude(
        status=Appraisal.Status.ISSUED
    )
    for appraisal in stranded.distinct():
        drop_stranded_panel_members(appraisal=appraisal, user=user)


@transaction.atomic
def create_council(*, name: str, kind: str, admin_email: str, user=None) -> SentInvitation:
    """The site operator's first step: a council, and an invitation for its first
    administrator."""
    authority = Authority.objects.create(name=name, kind=kind)
    record(authority=authority, user=user, kind=CouncilChange.Kind.CREATED, subject=name)
    return invite(authority=authority, email=admin_email, role=ADMINISTRATOR, user=user)


@receiver(emails.delivery)
def note_delivery(sender, *, tag: str, outcome: str, attempt: int, error: str, retry_at, **kwargs):
    """Keep how an invitation's e-mail went on the invitation, for the invitations page; one
    given up is in the council's history too."""
    what, _, pk = tag.partition(":")
    if what != "invitation":
        return
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("authority").filter(pk=pk).first()
        )
        if invitation is None:
            return
        invitation.delivery = outcome
        invitation.delivery_attempts = attempt
        invitation.delivery_error = error
        invitation.delivery_retry_at = retry_at
        invitation.save(
            update_fields=["delivery", "delivery_attempts", "delivery_error", "delivery_retry_at"]
        )
        if outcome == Invitation.Delivery.FAILED:
            record(
                authority=invitation.authority,
                user=None,
                kind=CouncilChange.Kind.NOT_DELIVERED,
                subject=invitation.email,
                field="reply",
                new=error,
            )
