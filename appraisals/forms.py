"""Forms validate and normalise what people type; views and actions apply it.

Widgets are plain Django ones; templates/appraisals/_field.html renders them with GOV.UK
Frontend's markup (labels, hints, inline errors) and the error summary links to each field.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator

from .actions import RESERVED_REFERENCES, RISK_FIELDS
from .models import Appraisal, Authority, Criterion, Option, Risk, Service

MAX_TEXT = 5000
LIKELIHOOD_WORDS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_WORDS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Critical"}
# Saaty's scale as the pairwise grid offers it: "9" (row extremely more important) … "1/9".
SAATY_CHOICES = [(str(n), str(n)) for n in range(9, 0, -1)] + [
    (f"1/{n}", f"1/{n}") for n in range(2, 10)
]


def decimal_input(**attrs) -> forms.TextInput:
    """GOV.UK asks for text inputs with an input mode rather than type=number."""
    return forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", **attrs})


def whole_input(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", **attrs})


class ScopeForm(forms.ModelForm):
    """What is appraised and why, who decides and when (appraisal-new and scope-edit)."""

    other_services = forms.CharField(
        required=False,
        max_length=600,
        label="Other services",
        help_text="Services not in the list, separated by commas.",
    )
    meeting_day = forms.IntegerField(
        required=False, label="Day", widget=whole_input(), min_value=1, max_value=31
    )
    meeting_month = forms.IntegerField(
        required=False, label="Month", widget=whole_input(), min_value=1, max_value=12
    )
    meeting_year = forms.IntegerField(
        required=False, label="Year", widget=whole_input(), min_value=2000, max_value=2100
    )

    class Meta:
        model = Appraisal
        fields = [
            "title",
            "reference",
            "lead_authority",
            "partners",
            "services",
            "summary",
            "objectives",
            "savings_target",
            "savings_target_year",
            "committee_name",
            "agenda_item",
            "scale_min",
            "scale_max",
            "status",
            "illustrative",
        ]
        labels = {
            "reference": "Reference",
            "lead_authority": "Lead council",
            "summary": "What is appraised and why",
            "objectives": "Objectives",
            "savings_target": "Savings target (£ a year)",
            "savings_target_year": "Year by which the target is met",
            "committee_name": "Committee",
            "agenda_item": "Agenda item",
            "scale_min": "Lowest score",
            "scale_max": "Highest score",
            "illustrative": "Scores or figures are illustrative, not the council's own",
        }
        help_texts = {
            "reference": "Letters, numbers and hyphens, used in web addresses. Leave blank to "
            "make one from the title.",
            "partners": "Partner councils and public bodies can see the appraisal.",
            "objectives": "One objective a line.",
            "savings_target_year": "0 is this year, 1 next year, and so on.",
            "scale_min": "Usually 0.",
            "scale_max": "Usually 5.",
        }
        widgets = {
            "title": forms.TextInput(),
            "partners": forms.CheckboxSelectMultiple(),
            "services": forms.CheckboxSelectMultiple(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "savings_target": decimal_input(),
            "savings_target_year": whole_input(),
            "scale_min": decimal_input(),
            "scale_max": decimal_input(),
            "status": forms.RadioSelect(),
        }

    def __init__(self, *args, lead_choices=None, score_range=None, **kwargs) -> None:
        """`lead_choices`: the authorities the user may start an appraisal for (new only);
        `score_range`: (lowest, highest) score recorded, which the scale must still hold."""
        super().__init__(*args, **kwargs)
        self.score_range = score_range
        self.fields["reference"].required = False
        self.fields["partners"].queryset = Authority.objects.order_by("name")
        self.fields["services"].queryset = Service.objects.order_by("name")
        # Issuing is done by issuing a report, not by choosing the status here.
        self.fields["status"].choices = [
            c for c in Appraisal.Status.choices if c[0] != Appraisal.Status.ISSUED
        ]
        if self.instance.pk:
            del self.fields["reference"], self.fields["lead_authority"]
            if self.instance.status == Appraisal.Status.ISSUED:
                del self.fields["status"]
            date = self.instance.meeting_date
            if date:
                self.initial |= {
                    "meeting_day": date.day,
                    "meeting_month": date.month,
                    "meeting_year": date.year,
                }
        else:
            self.fields["lead_authority"].queryset = lead_choices
            self.fields["lead_authority"].empty_label = None
            del self.fields["status"]

    def clean_reference(self) -> str:
        reference = self.cleaned_data.get("reference", "")
        if reference in RESERVED_REFERENCES:
            raise ValidationError("Choose another reference: that one is a page’s address.")
        return reference

    def clean_other_services(self) -> list[str]:
        names = self.cleaned_data["other_services"].split(",")
        return list(dict.fromkeys(n.strip() for n in names if n.strip()))

    def clean(self) -> dict:
        data = super().clean()
        parts = [data.get(f"meeting_{p}") for p in ("day", "month", "year")]
        data["meeting_date"] = None
        if any(p is not None for p in parts):
            if None in parts:
                self.add_error("meeting_day", "Meeting date must include a day, month and year")
            else:
                day, month, year = parts
                try:
                    data["meeting_date"] = datetime.date(year, month, day)
                except ValueError:
                    self.add_error("meeting_day", "Meeting date must be a real date")
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None:
            if low >= high:
                self.add_error("scale_max", "Highest score must be more than the lowest score")
            elif self.score_range and (self.score_range[0] < low or self.score_range[1] > high):
                self.add_error(
                    "scale_max",
                    f"Scores from {self.score_range[0]:g} to {self.score_range[1]:g} are "
                    "already recorded: the scale must include them",
                )
        lead = data.get("lead_authority") or getattr(self.instance, "lead_authority", None)
        if lead and lead in data.get("partners", ()):
            self.add_error("partners", "The lead council cannot also be a partner")
        return data

    def scope_changes(self) -> dict:
        """The plain fields to apply to the appraisal (not partners or services)."""
        skip = {"partners", "services", "other_services", "reference", "lead_authority"}
        fields = [f for f in self._meta.fields if f in self.fields and f not in skip]
        return {f: self.cleaned_data[f] for f in fields} | {
            "meeting_date": self.cleaned_data["meeting_date"]
        }


class OptionAddForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example, “Shared service with Stockton”.")
    partners = forms.ModelMultipleChoiceField(
        queryset=Authority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Councils or other public bodies this option would be delivered with.",
    )
    description = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Authority.objects.order_by("name")


class OptionEditForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["name", "description", "partners", "status", "rejection_reason"]
        labels = {"status": "Stage", "rejection_reason": "Why was it rejected?"}
        help_texts = {
            "rejection_reason": "Only if you reject it: the committee report lists rejected "
            "options with the reason."
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.CheckboxSelectMultiple(),
            "status": forms.RadioSelect(),
            "rejection_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Authority.objects.order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        rejected = data.get("status") == Option.Status.REJECTED
        if rejected and not data.get("rejection_reason", "").strip():
            self.add_error("rejection_reason", "Enter the reason the option was rejected")
        return data


class LibraryPickForm(forms.Form):
    """Criteria ticked in the library (any set), added to the appraisal."""

    library_criteria = forms.MultipleChoiceField(
        label="Criteria from the library", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, library=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.library = {str(c.pk): c for c in library}
        self.fields["library_criteria"].choices = [(pk, c.name) for pk, c in self.library.items()]
        self.fields["library_criteria"].error_messages["required"] = (
            "Select at least one criterion from the library"
        )

    def clean_library_criteria(self) -> list:
        return [self.library[pk] for pk in self.cleaned_data["library_criteria"]]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "group", "description", "guidance", "weight"]
        help_texts = {
            "group": "Optional: criteria in one group are shown together, e.g. “Strategic”.",
            "guidance": "What a low, middle and high score mean, e.g. “0 = no support … 5 = "
            "cross-party support”.",
            "weight": "Any number of 0 or more; weights are shared out as percentages.",
        }
        widgets = {
            "name": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
            "weight": decimal_input(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weight"].validators.append(MinValueValidator(0))
        if self.instance.pk:
            del self.fields["weight"]  # changed on the weights pages, with the others


def _criterion_fields(form: forms.Form, criteria, prefix: str, **field_kwargs):
    for criterion in criteria:
        form.fields[f"{prefix}{criterion.key}"] = forms.FloatField(
            label=criterion.name, widget=decimal_input(), **field_kwargs
        )


class DirectWeightsForm(forms.Form):
    """One number per criterion; any non-negative numbers, normalised to shares of 100%."""

    def __init__(self, *args, criteria=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        _criterion_fields(self, self.criteria, "weight_", min_value=0, max_value=1e9)

    def clean(self) -> dict:
        data = super().clean()
        weights = [data.get(f"weight_{c.key}") for c in self.criteria]
        if self.criteria and not self.errors and not any(w for w in weights if w):
            self.add_error(
                f"weight_{self.criteria[0].key}", "Give at least one criterion a weight above 0"
            )
        return data

    def weights(self) -> dict[str, float]:
        return {c.key: self.cleaned_data[f"weight_{c.key}"] for c in self.criteria}


class SwingWeightsForm(forms.Form):
    """Swing weighting: rank the swings from worst to best, the top one scores 100 points."""

    def __init__(self, *args, criteria=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        n = len(self.criteria)
        for c in self.criteria:
            self.fields[f"rank_{c.key}"] = forms.IntegerField(
                label=f"Rank of {c.name}", min_value=1, max_value=max(n, 1), widget=whole_input()
            )
            self.fields[f"points_{c.key}"] = forms.FloatField(
                label=f"Points for {c.name}", min_value=0, max_value=100, widget=decimal_input()
            )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        rows = sorted((data[f"rank_{c.key}"], -data[f"points_{c.key}"], c) for c in self.criteria)
        if rows and rows[0][1] != -100:
            self.add_error(
                f"points_{rows[0][2].key}", "The swing ranked first must have 100 points"
            )
        for (rank, points, c), (prev_rank, prev_points, prev) in zip(rows[1:], rows, strict=False):
            if -points > -prev_points:
                self.add_error(
                    f"points_{c.key}",
                    f"{c.name} is ranked below {prev.name}, so it cannot have more points",
                )
            elif rank == prev_rank and points != prev_points:
                self.add_error(
                    f"rank_{c.key}",
                    f"{c.name} and {prev.name} share a rank, so give them the same points",
                )
        return data

    def points(self) -> dict[str, float]:
        return {c.key: self.cleaned_data[f"points_{c.key}"] for c in self.criteria}


def saaty_value(text: str) -> float:
    return float(Fraction(text))


def saaty_text(value: float) -> str:
    """The nearest choice on Saaty's scale for a stored matrix entry."""
    return min(SAATY_CHOICES, key=lambda c: abs(saaty_value(c[0]) - value))[0]


class PairwiseForm(forms.Form):
    """The upper triangle of the pairwise matrix: how much more important is row than column?"""

    def __init__(self, *args, criteria=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for i, a in enumerate(self.criteria):
            for b in self.criteria[i + 1 :]:
                self.fields[f"pair_{a.key}__{b.key}"] = forms.ChoiceField(
                    choices=SAATY_CHOICES,
                    initial="1",
                    label=f"How much more important is {a.name} than {b.name}?",
                )

    def grid(self) -> list[tuple[Criterion, list[object]]]:
        """Rows for the template: each criterion with a bound field (or None) per column."""
        rows = []
        for i, a in enumerate(self.criteria):
            cells = [
                self[f"pair_{a.key}__{b.key}"] if j > i else None
                for j, b in enumerate(self.criteria)
            ]
            rows.append((a, cells))
        return rows

    def matrix(self) -> list[list[float]]:
        n = len(self.criteria)
        m = [[1.0] * n for _ in range(n)]
        for i, a in enumerate(self.criteria):
            for j in range(i + 1, n):
                value = saaty_value(self.cleaned_data[f"pair_{a.key}__{self.criteria[j].key}"])
                m[i][j], m[j][i] = value, 1.0 / value
        return m

    @classmethod
    def initial_from(cls, criteria, matrix) -> dict[str, str]:
        if not matrix or len(matrix) != len(criteria):
            return {}
        return {
            f"pair_{a.key}__{b.key}": saaty_text(matrix[i][j])
            for i, a in enumerate(criteria)
            for j, b in enumerate(criteria)
            if j > i
        }


class PanelForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example, “Staff” or “Councillors”.")
    members = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who scores in this panel",
        help_text="Officers of the lead council can score in every panel.",
    )

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people
        self.fields["members"].label_from_instance = _person_label

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


def _person_label(user) -> str:
    name = user.get_full_name() or user.get_username()
    councils = ", ".join(sorted({m.authority.name for m in user.memberships.all()}))
    return f"{name} ({councils})" if councils else name


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = list(RISK_FIELDS)  # the fields `actions.save_risk` records in the history
        labels = {
            "option": "Which option does it belong to?",
            "risk": "Risk",
            "controls": "Control measures",
            "residual_likelihood": "Likelihood after controls",
            "residual_impact": "Impact after controls",
        }
        widgets = {
            "risk": forms.Textarea(attrs={"rows": 2}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "controls": forms.Textarea(attrs={"rows": 3}),
            "likelihood": forms.RadioSelect(),
            "impact": forms.RadioSelect(),
            "residual_likelihood": forms.RadioSelect(),
            "residual_impact": forms.RadioSelect(),
        }

    def __init__(self, *args, options=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = options
        self.fields["option"].empty_label = "The appraisal as a whole"
        for field in ("likelihood", "residual_likelihood"):
            self.fields[field] = forms.TypedChoiceField(
                label=self.fields[field].label,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                choices=[(n, f"{n} – {LIKELIHOOD_WORDS[n]}") for n in range(1, 6)],
            )
        for field in ("impact", "residual_impact"):
            self.fields[field] = forms.TypedChoiceField(
                label=self.fields[field].label,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                choices=[(n, f"{n} – {IMPACT_WORDS[n]}") for n in range(1, 6)],
            )
        self.fields["residual_likelihood"].help_text = "Once the control measures are in place."

    def risk_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self._meta.fields}


class FinanceSettingsForm(forms.Form):
    discount_rate = forms.FloatField(
        label="Discount rate (%)",
        min_value=0,
        max_value=99,
        widget=decimal_input(),
        help_text="HM Treasury’s Green Book rate is 3.5%.",
    )
    optimism_bias = forms.FloatField(
        label="Optimism bias on costs (%)",
        min_value=0,
        max_value=200,
        widget=decimal_input(),
        help_text="Costs are raised by this much before the net present value is worked out.",
    )


MAX_YEARS = 30
FLOW_FIELDS = ("costs", "savings_low", "savings_central", "savings_high")
FLOW_LABELS = {
    "costs": "Costs",
    "savings_low": "Savings (low)",
    "savings_central": "Savings (central)",
    "savings_high": "Savings (high)",
}


class FinancialCaseForm(forms.Form):
    """The yearly table (years as rows) and each partner's share of the net savings."""

    def __init__(self, *args, years: int = 10, partners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.years = max(1, min(years, MAX_YEARS))
        self.partners = list(partners)
        for t in range(self.years):
            for name in FLOW_FIELDS:
                self.fields[f"{name}_{t}"] = forms.FloatField(
                    label=f"{FLOW_LABELS[name]}, year {t}",
                    required=False,
                    min_value=0,
                    max_value=1e12,
                    widget=decimal_input(),
                )
        for authority in self.partners:
            self.fields[f"share_{authority.pk}"] = forms.FloatField(
                label=authority.name,
                required=False,
                min_value=0,
                max_value=100,
                widget=decimal_input(),
            )

    def rows(self) -> list[tuple[int, list]]:
        return [(t, [self[f"{name}_{t}"] for name in FLOW_FIELDS]) for t in range(self.years)]

    def share_fields(self) -> list:
        return [self[f"share_{a.pk}"] for a in self.partners]

    def clean(self) -> dict:
        data = super().clean()
        shares = [data.get(f"share_{a.pk}") for a in self.partners]
        given = [s for s in shares if s is not None]
        if given and abs(sum(given) - 100) > 0.01 and not self.errors:
            self.add_error(
                f"share_{self.partners[0].pk}",
                f"Partner shares must add up to 100% (they add up to {sum(given):g}%)",
            )
        return data

    def flows(self) -> dict[str, list[float]]:
        """The four yearly lists, blanks as 0, trailing empty years dropped."""
        table = [
            [self.cleaned_data.get(f"{name}_{t}") for name in FLOW_FIELDS]
            for t in range(self.years)
        ]
        while len(table) > 1 and all(v is None for v in table[-1]):
            table.pop()
        return {name: [float(row[i] or 0) for row in table] for i, name in enumerate(FLOW_FIELDS)}

    def shares(self) -> dict[Authority, float] | None:
        given = {a: self.cleaned_data.get(f"share_{a.pk}") for a in self.partners}
        if all(v is None for v in given.values()):
            return {}
        return {a: (v or 0.0) / 100 for a, v in given.items()}


class FillFinanceForm(forms.Form):
    one_off_cost = forms.FloatField(
        label="One-off cost (£)",
        min_value=0,
        max_value=1e12,
        widget=decimal_input(),
        help_text="For example, the cost of going to market or of a feasibility study.",
    )
    steady_saving = forms.FloatField(
        label="Saving a year once fully running (£)",
        min_value=0,
        max_value=1e12,
        widget=decimal_input(),
    )
    ramp_up_years = forms.IntegerField(
        label="Years to reach the full saving",
        min_value=0,
        max_value=MAX_YEARS,
        initial=2,
        widget=whole_input(),
        help_text="Savings rise in equal steps until then; 0 means in full from this year.",
    )
    horizon = forms.IntegerField(
        label="Number of years",
        min_value=1,
        max_value=MAX_YEARS,
        initial=10,
        widget=whole_input(),
    )
    range_percent = forms.FloatField(
        label="Range of savings (±%)",
        min_value=0,
        max_value=100,
        initial=25,
        widget=decimal_input(),
        help_text="Low savings are this much below the central figure and high savings above.",
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your question"},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the answer"},
    )


MAX_UPLOAD = 5 * 1024 * 1024


class ImportForm(forms.Form):
    document = forms.FileField(
        label="Appraisal file",
        help_text="A JSON document (councilopts.appraisal/1) or an XLSX workbook exported from "
        "councilopts, up to 5 MB.",
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError("The file must be smaller than 5 MB")
        name = upload.name.lower()
        if not name.endswith((".json", ".xlsx")):
            raise ValidationError("The file must be a JSON document or an XLSX workbook")
        return upload
