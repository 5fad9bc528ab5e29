"""Forms of statutory sign-off: the council's statutory officers, and an officer's agreement
of a section. They validate and normalise only; `actions.signoff` applies what they clean."""

from __future__ import annotations

from django import forms

from .history import person_name


class _Person(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class StatutoryOfficersForm(forms.Form):
    chief_finance_officer = _Person(
        label="Chief finance officer (section 151 officer)",
        queryset=None,
        required=False,
        empty_label="Not named",
        help_text="Agrees the financial implications of each report.",
    )
    monitoring_officer = _Person(
        label="Monitoring officer",
        queryset=None,
        required=False,
        empty_label="Not named",
        help_text="Agrees the legal implications of each report.",
    )
    sign_off_required = forms.BooleanField(
        label="Reports wait for their agreement",
        required=False,
        help_text="A report is issued only once both officers have agreed their sections as "
        "they will print.",
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chief_finance_officer"].queryset = candidates
        self.fields["monitoring_officer"].queryset = candidates

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sign_off_required"):
            missing = [
                label
                for field, label in (
                    ("chief_finance_officer", "the chief finance officer"),
                    ("monitoring_officer", "the monitoring officer"),
                )
                if not cleaned.get(field)
            ]
            if missing:
                self.add_error(
                    "sign_off_required",
                    f"Name {' and '.join(missing)} before reports wait for their agreement",
                )
        return cleaned


class AgreeForm(forms.Form):
    section = forms.ChoiceField(choices=[("financial", "financial"), ("legal", "legal")])
    fingerprint = forms.CharField(max_length=64, min_length=64)
