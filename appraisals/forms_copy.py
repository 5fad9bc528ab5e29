"""The form of "Copy as a new appraisal": a new title and reference, and the lead council
among those the person is an officer of. `actions.copy_appraisal` does the copying."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .actions import RESERVED_REFERENCES
from .forms import name_errors
from .models import Appraisal


class CopyForm(forms.ModelForm):
    error_names = {
        "title": "the title of the new appraisal",
        "reference": "the reference",
        "lead_authority": "the lead council",
    }

    class Meta:
        model = Appraisal
        fields = ["title", "reference", "lead_authority"]
        labels = {
            "title": "Title of the new appraisal",
            "reference": "Reference",
            "lead_authority": "Lead council",
        }
        help_texts = {
            "reference": "Letters, numbers and hyphens, used in web addresses. Leave blank to "
            "make one from the title.",
            "lead_authority": "Partners and panel members are copied only when the lead "
            "council stays the same.",
        }
        widgets = {"title": forms.TextInput(), "lead_authority": forms.RadioSelect()}
        error_messages = {
            "reference": {"unique": "That reference is not available: choose a different one"}
        }

    def __init__(self, *args, lead_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = False
        self.fields["lead_authority"].queryset = lead_choices
        self.fields["lead_authority"].empty_label = None
        name_errors(self, self.error_names)

    def clean_reference(self) -> str:
        reference = self.cleaned_data.get("reference", "")
        if reference in RESERVED_REFERENCES:
            raise ValidationError("Choose another reference: that one is a page’s address.")
        return reference
