"""Forms after the meeting: the record of decision, closing, milestones and actual figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError

from . import decisions
from .actions import Outcome
from .forms import MoneyField
from .models import Decision, DecisionRecommendation, Milestone, PublishedDecision

TEXT_MAX = 5000


class DatePartsWidget(forms.MultiWidget):
    """GOV.UK's date input: day, month and year boxes (templates/appraisals/_date_field.html)."""

    def __init__(self) -> None:
        attrs = {"inputmode": "numeric", "spellcheck": "false"}
        super().__init__([forms.TextInput(attrs), forms.TextInput(attrs), forms.TextInput(attrs)])

    def decompress(self, value: dt.date | str | None) -> list:
        if isinstance(value, str):  # the field's prepared value: an ISO date
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        return [value.day, value.month, value.year] if value else [None, None, None]


class DatePartsField(forms.MultiValueField):
    widget = DatePartsWidget

    def __init__(self, *, thing: str, **kwargs) -> None:
        self.thing = thing
        capital = thing[:1].upper() + thing[1:]
        self.messages = {
            "incomplete": f"{capital} must include a day, month and year",
            "invalid": f"{capital} must be a real date",
            "required": f"Enter {thing}",
        }
        part = forms.IntegerField(min_value=1, error_messages={"invalid": self.messages["invalid"]})
        kwargs.setdefault("required", True)
        super().__init__(
            fields=(part, part, part),
            require_all_fields=False,
            error_messages={"required": self.messages["required"]},
            **kwargs,
        )

    def clean(self, value):
        parts = [str(v).strip() if v is not None else "" for v in (value or [])]
        if not any(parts):
            if self.required:
                raise ValidationError(self.messages["required"], code="required")
            return None
        if not all(parts) or len(parts) != 3:
            raise ValidationError(self.messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(p) for p in parts)
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(self.messages["invalid"], code="invalid") from None

    def compress(self, data_list):  # clean above does it all
        return data_list

    def prepare_value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


def _text(label: str, *, required: bool, help_text: str = "", thing: str, rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter {thing}",
            "max_length": f"{thing[:1].upper() + thing[1:]} must be 5,000 characters or fewer",
        },
    )


class DecisionForm(forms.Form):
    """The record of decision, with one outcome (and an amended text) per recommendation of
    the issued report. `recommendations`: their texts as issued; `options`: (key, name)."""

    maker = forms.ChoiceField(
        label="Who took the decision?",
        choices=Decision.Maker.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who took the decision"},
    )
    maker_name = forms.CharField(
        label="Name of the decision-maker",
        help_text="For example, Cabinet, Policy and Resources Committee, or the Chief Executive.",
        max_length=200,
        error_messages={"required": "Enter the name of the decision-maker"},
    )
    decided_on = DatePartsField(label="Date of the decision", thing="the date of the decision")
    minute_reference = forms.CharField(
        label="Minute reference",
        help_text="For example, CAB 23/45.",
        max_length=50,
        error_messages={"required": "Enter the minute reference"},
    )
    reasons = _text("Reasons for the decision", required=True, thing="the reasons for the decision")
    alternatives_rejected = _text(
        "Alternative options considered and rejected",
        required=False,
        help_text="Each option and why it was rejected.",
        thing="the alternatives rejected",
    )
    interests_declared = _text(
        "Interests declared at the meeting",
        required=False,
        help_text="As minuted: who declared what, and whether they left the meeting. Leave "
        "empty if none were declared.",
        thing="the interests declared",
        rows=3,
    )
    chosen_option = forms.ChoiceField(
        label="Option to be implemented",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the option to be implemented"},
    )
    published_on = DatePartsField(
        label="Date the decision was published",
        thing="the date the decision was published",
        required=False,
        help_text="The call-in period is counted from it. Leave empty until it is published.",
    )
    call_in_status = forms.ChoiceField(
        label="Call-in",
        choices=Decision.CallIn.choices,
        widget=forms.RadioSelect,
        initial=Decision.CallIn.NONE,
    )
    # Only once the record is published (removed from the form before then).
    correction_reason = _text(
        "Why are you correcting the published record?",
        required=False,
        help_text="A change to anything but the call-in is published as a corrected version, "
        "with this reason. The version published before stays as it was.",
        thing="why you are correcting the published record",
        rows=3,
    )

    def __init__(
        self,
        *args,
        recommendations: Sequence[str],
        options: Sequence[tuple[str, str]],
        published: PublishedDecision | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.published = published
        if published is None:
            del self.fields["correction_reason"]
        self.recommendations = list(recommendations)
        self.fields["chosen_option"].choices = [
            *options,
            ("", "None: no option is to be implemented"),
        ]
        self.fields["chosen_option"].required = False
        for n, text in enumerate(self.recommendations, start=1):
            self.fields[f"outcome_{n}"] = forms.ChoiceField(
                label=f"Recommendation {n}",
                help_text=text,
                choices=DecisionRecommendation.Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select what was decided on recommendation {n}"},
            )
            self.fields[f"amended_{n}"] = _text(
                f"Recommendation {n} as amended",
                required=False,
                thing=f"recommendation {n} as amended",
                rows=3,
            )

    @classmethod
    def initial_for(cls, decision: Decision | None, *, preferred: str) -> dict:
        if decision is None:
            return {"call_in_status": Decision.CallIn.NONE, "chosen_option": preferred}
        initial = {
            name: getattr(decision, name) for name in cls.base_fields if hasattr(decision, name)
        }
        for row in decision.recommendations.all():
            initial[f"outcome_{row.number}"] = row.outcome
            initial[f"amended_{row.number}"] = row.amended_text
        return initial

    @property
    def recommendation_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (text, self[f"outcome_{n}"], self[f"amended_{n}"])
            for n, text in enumerate(self.recommendations, start=1)
        ]

    def clean(self) -> dict:
        data = super().clean()
        for n in range(1, len(self.recommendations) + 1):
            if (
                data.get(f"outcome_{n}") == DecisionRecommendation.Outcome.AMENDED
                and not (data.get(f"amended_{n}") or "").strip()
            ):
                self.add_error(f"amended_{n}", f"Enter recommendation {n} as amended")
        decided, published = data.get("decided_on"), data.get("published_on")
        if decided and published and published < decided:
            self.add_error(
                "published_on",
                "The date the decision was published must be on or after the date of the decision",
            )
        if self.published is not None and not self.errors:
            if not published:
                self.add_error(
                    "published_on",
                    "Enter the date the decision was published: a published record stays published",
                )
            elif not (data.get("correction_reason") or "").strip() and decisions.is_correction(
                decisions.content_of(data, self.outcomes()), self.published.record
            ):
                self.add_error(
                    "correction_reason", "Enter why you are correcting the published record"
                )
        return data

    def decision_fields(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in self.base_fields
            if name != "correction_reason"
        }

    @property
    def reason(self) -> str:
        return (self.cleaned_data.get("correction_reason") or "").strip()

    def outcomes(self) -> list[Outcome]:
        return [
            Outcome(
                number=n,
                text=text,
                outcome=self.cleaned_data[f"outcome_{n}"],
                amended_text=self.cleaned_data.get(f"amended_{n}") or "",
            )
            for n, text in enumerate(self.recommendations, start=1)
        ]


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you closing it?",
        help_text="For example, the option is in place and its savings are in the budget.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are closing the appraisal",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )


class MilestoneForm(forms.Form):
    name = forms.CharField(
        label="Milestone",
        max_length=300,
        error_messages={"required": "Enter the milestone"},
    )
    due_on = DatePartsField(label="Due date", thing="the due date")
    status = forms.ChoiceField(
        label="Status", choices=Milestone.Status.choices, widget=forms.RadioSelect
    )
    completed_on = DatePartsField(
        label="Date done",
        thing="the date it was done",
        required=False,
        help_text="Only once it is done.",
    )
    note = _text("Note", required=False, thing="the note", rows=2)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("completed_on") and data.get("status") != Milestone.Status.DONE:
            self.add_error("completed_on", "Leave the date done empty until the milestone is done")
        return data


class ActualYearForm(forms.Form):
    """One year's actual costs and savings (the year is in the address)."""

    costs = MoneyField(
        label="Actual costs (£)",
        min_value=0,
        help_text="What implementing the option cost in the year, in pounds.",
        error_messages={
            "required": "Enter the actual costs, or 0",
            "invalid": "Actual costs must be an amount in pounds, like 125,000",
            "min_value": "Actual costs must be £0 or more",
        },
    )
    savings = MoneyField(
        label="Actual savings (£)",
        help_text="What the option saved in the year, in pounds. A minus sign for extra cost.",
        error_messages={
            "required": "Enter the actual savings, or 0",
            "invalid": "Actual savings must be an amount in pounds, like 250,000",
        },
    )
    note = _text("Note", required=False, thing="the note", rows=2)
