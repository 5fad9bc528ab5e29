"""Each council's sign-in settings: whether its officers and administrators must use MFA, and
its own OpenID Connect provider (allauth's SocialApp, one per council) with the e-mail
domains that provider speaks for."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.db import models

from appraisals.models import Authority


class CouncilSignIn(models.Model):
    authority = models.OneToOneField(Authority, on_delete=models.CASCADE, related_name="sign_in")
    require_mfa = models.BooleanField(
        default=False,
        help_text="Officers and administrators must set up a second factor before going on.",
    )
    # The council's identity provider, as allauth's openid_connect app "council-<id>". Its
    # secret is never shown again once saved.
    provider = models.OneToOneField(
        SocialApp, null=True, blank=True, on_delete=models.SET_NULL, related_name="council"
    )
    allow_new_people = models.BooleanField(
        default=False,
        help_text="Someone from one of the council's domains, not yet one of its people, may "
        "join as a member (councillor's view) by signing in through the council's provider.",
    )

    def __str__(self) -> str:
        return f"Sign-in for {self.authority}"

    @property
    def oidc_id(self) -> str:
        """allauth's provider_id for the council's app: its URLs are /accounts/oidc/<this>/."""
        return f"council-{self.authority_id}"

    @property
    def domains(self) -> list[str]:
        return [d.domain for d in self.email_domains.all()]


class SignInDomain(models.Model):
    """An e-mail domain a council's provider speaks for. One council per domain: the sign-in
    page sends people there by the domain of their address."""

    council = models.ForeignKey(
        CouncilSignIn, on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def council_for_email(email: str) -> CouncilSignIn | None:
    """The council whose provider signs in this address, if one is set up for its domain."""
    if "@" not in email:
        return None
    found = (
        SignInDomain.objects.filter(domain=domain_of(email), council__provider__isnull=False)
        .select_related("council__provider", "council__authority")
        .first()
    )
    return found.council if found else None
