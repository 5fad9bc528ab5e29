"""A council's own administration: invitations to join it, and its audit trail.

People belong to councils through `appraisals.Membership`; what is here is what an
administrator does to that: invite (an `Invitation`, a single-use link), change roles and
remove people, each recorded as a `CouncilChange`.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from appraisals.models import Authority, Membership


def token_hash(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, so a copy of the database
    cannot be used to accept invitations."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation to join a council in one role, by a link e-mailed to `email`. The link
    carries a random token; only its hash is kept. It works once, until `expires_at`."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Delivery(models.TextChoices):
        """How the e-mail with the link went (appraisals/emails.py tries again later)."""

        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Not delivered yet"
        FAILED = "failed", "Not delivered"

    delivery = models.CharField(max_length=10, choices=Delivery, default=Delivery.SENDING)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(
        max_length=300, blank=True, help_text="The mail server's last reply, if it refused."
    )
    delivery_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["authority", "-created_at", "-pk"]
        indexes = [models.Index(fields=["authority", "email"], name="invitation_authority_email")]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.authority} as {self.get_role_display()}"

    @property
    def state(self) -> str:
        """Pending, accepted, withdrawn or expired, as the invitations page says it."""
        if self.used_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class CouncilChange(models.Model):
    """The council's audit trail: who invited, admitted, changed or removed whom."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation sent"
        INVITATION_WITHDRAWN = "invitation-withdrawn", "Invitation withdrawn"
        JOINED = "joined", "Joined"
        ROLE = "role", "Role changed"
        REMOVED = "removed", "Removed"
        CREATED = "created", "Council created"
        FACTS = "facts", "Facts changed"
        SIGN_IN = "sign-in", "Sign-in settings changed"
        NOT_DELIVERED = "not-delivered", "Invitation not delivered"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=Kind)
    subject = models.CharField(max_length=300, help_text="Whom, in words.")
    field = models.CharField(max_length=100, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["authority", "-at", "-pk"]
        indexes = [models.Index(fields=["authority", "-at"], name="councilchange_authority_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject}"
