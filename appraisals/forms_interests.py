"""The declaration of interest form (appraisals.interests records it)."""

from django import forms

from .interests import DESCRIPTION_LIMIT, REASON_LIMIT
from .models import Appraisal, Interest, Option


class InterestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you declaring?",
        choices=Interest.Kind.choices,
        widget=forms.RadioSelect,
        help_text=(
            "A disclosable pecuniary interest means you cannot score the options it concerns."
        ),
        error_messages={"required": "Select what you are declaring"},
    )
    options = forms.ModelMultipleChoiceField(
        label="Which options does it concern?",
        queryset=Option.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select none if it concerns the appraisal as a whole.",
    )
    description = forms.CharField(
        label="Describe the interest",
        required=False,
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, “Director of a company that is bidding”.",
        error_messages={
            "max_length": f"Description must be {DESCRIPTION_LIMIT:,} characters or fewer"
        },
    )

    def __init__(self, *args, appraisal: Appraisal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["options"].queryset = appraisal.options.all()


def _reason_field(label: str, thing: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your declaration as it was is kept, with this reason.",
        error_messages={
            "required": f"Enter why you are {thing} the declaration",
            "max_length": f"The reason must be {REASON_LIMIT:,} characters or fewer",
        },
    )


class AmendInterestForm(InterestForm):
    reason = _reason_field("Why are you amending it?", "amending")

    @classmethod
    def initial_for(cls, interest: Interest) -> dict:
        return {
            "kind": interest.kind,
            "options": [o.pk for o in interest.options.all()],
            "description": interest.description,
            "reason": "",
        }


class WithdrawInterestForm(forms.Form):
    reason = _reason_field("Why are you withdrawing it?", "withdrawing")
