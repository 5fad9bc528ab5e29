"""The declaration of interest form (appraisals.interests records it)."""

from django import forms

from .interests import DESCRIPTION_LIMIT
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
