"""Forms of signing in: the sign-in page (allauth's, in GOV.UK words), the "sign in through
your council" box, and a council's sign-in settings."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from allauth.account import forms as allauth_forms
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.exceptions import ValidationError

from .models import SignInDomain

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class LoginForm(AllauthLoginForm):
    """allauth's form: "login" takes a username (the demo's "officer") or an e-mail address."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username or email address"
        login.widget.attrs = {"autocomplete": "username", "spellcheck": "false"}
        login.error_messages["required"] = "Enter your username or email address"
        password = self.fields["password"]
        password.help_text = ""
        password.widget.attrs = {"autocomplete": "current-password"}
        password.error_messages["required"] = "Enter your password"


LABELS = {
    "oldpassword": "Current password",
    "password1": "New password",
    "password2": "New password again",
    "email": "Email address",
}


class GovukLabels:
    """allauth's password forms in GOV.UK words: sentence case, no placeholders (the page
    says what a password needs)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in LABELS:
                field.label = LABELS[name]
                field.help_text = ""
                field.widget.attrs.pop("placeholder", None)


class ChangePasswordForm(GovukLabels, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(GovukLabels, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordForm(GovukLabels, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(GovukLabels, allauth_forms.ResetPasswordKeyForm):
    pass


class CouncilEmailForm(forms.Form):
    email = forms.EmailField(
        label="Your work email address",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class CouncilSignInForm(forms.Form):
    require_mfa = forms.BooleanField(
        required=False,
        label="Officers and administrators must use a second factor",
        help_text="An app that makes codes, or a security key. They set it up the next time "
        "they sign in with a password. Signing in through the council's provider uses the "
        "provider's own rules instead.",
    )
    issuer = forms.URLField(
        required=False,
        label="Issuer URL",
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0",
        error_messages={"invalid": "Enter the issuer as a web address, starting https://"},
        assume_scheme="https",
    )
    client_id = forms.CharField(
        required=False,
        max_length=191,
        label="Client ID",
        help_text="For Entra ID, the application (client) ID",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    secret = forms.CharField(
        required=False,
        max_length=191,
        label="Client secret",
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    domains = forms.CharField(
        required=False,
        label="Email domains",
        help_text="One a line, like harborough.gov.uk. People with addresses at these "
        "domains are sent to your provider. List only domains your provider signs in.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    allow_new_people = forms.BooleanField(
        required=False,
        label="People from these domains who are not yet listed may join as members",
        help_text="They see what councillors see. An administrator can give them another role.",
    )

    def __init__(self, *args, council, has_secret: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.has_secret = has_secret
        if has_secret:
            self.fields["secret"].help_text = (
                "A secret is saved. It is not shown again. Leave this empty to keep it, "
                "or enter a new one to replace it."
            )

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"].rstrip("/")
        if issuer:
            parts = urlsplit(issuer)
            if parts.scheme != "https" and parts.hostname not in LOOPBACK:
                raise ValidationError("Enter the issuer as a web address starting https://")
            if parts.query or parts.fragment:
                raise ValidationError("Enter the issuer without anything after ? or #")
        return issuer

    def clean_domains(self) -> list[str]:
        domains = []
        for line in re.split(r"[\s,]+", self.cleaned_data["domains"].lower()):
            domain = line.strip().lstrip("@").rstrip(".")
            if not domain:
                continue
            if not DOMAIN.match(domain):
                raise ValidationError(f"Enter {domain} as a domain, like harborough.gov.uk")
            if domain not in domains:
                domains.append(domain)
        taken = (
            SignInDomain.objects.filter(domain__in=domains)
            .exclude(council__authority=self.council)
            .values_list("domain", flat=True)
        )
        if taken:
            raise ValidationError(
                f"{', '.join(sorted(taken))} is already used by another council. "
                "Ask the site's operator if it should be yours."
            )
        return domains

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        provider = [data.get("issuer"), data.get("client_id")]
        if any(provider) or data.get("secret"):
            if not data.get("issuer"):
                self.add_error("issuer", "Enter the issuer URL")
            if not data.get("client_id"):
                self.add_error("client_id", "Enter the client ID")
            if not data.get("secret") and not self.has_secret:
                self.add_error("secret", "Enter the client secret")
            if not data.get("domains"):
                self.add_error("domains", "Enter at least one email domain")
        elif data.get("allow_new_people"):
            self.add_error(
                "allow_new_people", "Set up your provider before letting new people join"
            )
        return data
