"""The council administration's forms: they validate and normalise only."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from appraisals.models import Authority, Membership

from .models import Invitation

ROLE_CHOICES = [
    (Membership.Role.OFFICER, "Officer: builds and changes the council's appraisals"),
    (Membership.Role.MEMBER, "Member (councillor): reads appraisals, scores on panels, asks"),
    (Membership.Role.ADMINISTRATOR, "Administrator: an officer who also manages the people"),
]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role they will have"},
    )

    def __init__(self, *args, authority: Authority, days: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.fields[
            "email"
        ].help_text = f"We will send them a link to join. It works once, for {days} days."

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if Membership.objects.filter(authority=self.authority, user__email__iexact=email).exists():
            raise forms.ValidationError(
                f"{email} already has a place at {self.authority}. Change their role on the "
                "people page instead"
            )
        return email


class DesignateForm(forms.Form):
    """The first administrator of a partner body, chosen by a lead council's administrator."""

    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )

    def __init__(self, *args, authority: Authority, days: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.fields["email"].help_text = (
            f"Someone who works for {authority.name}. We will send them a link to join as its "
            f"administrator. It works once, for {days} days."
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role"},
    )


class AcceptForm(forms.Form):
    """A new account for the invitee: their name and a password, checked by Django's
    password validators against the account it will be."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter your last name"}
    )
    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, invitation: Invitation, new_user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.new_user = new_user
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["autocomplete"] = (
                "given-name" if name == "first_name" else "family-name"
            )

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        elif first:
            self.new_user.first_name = data.get("first_name", "")
            self.new_user.last_name = data.get("last_name", "")
            try:
                password_validation.validate_password(first, self.new_user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SwitchForm(forms.Form):
    council = forms.TypedChoiceField(
        label="Which council are you acting for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a council"},
    )

    def __init__(self, *args, councils: list[Authority], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.pk, c.name) for c in councils]
