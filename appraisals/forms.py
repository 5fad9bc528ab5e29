"""Forms validate and normalise what people type; views and actions apply it.

Widgets are plain Django ones; templates/appraisals/_field.html renders them with GOV.UK
Frontend's markup (labels, hints, inline errors) and the error summary links to each field.
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from . import saaty
from .actions import RESERVED_REFERENCES, RISK_FIELDS
from .bodies import identical_name, similar_bodies
from .limits import MAX_TEXT, MAX_UPLOAD_BYTES, MAX_YEARS
from .models import FROZEN_STATUSES, Appraisal, Authority, Criterion, Option, Risk, Service

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


# GOV.UK Design System error messages, once for every form: each names the thing it is
# about ("Enter the weight for Democratic function as a number") rather than Django's
# "Enter a number.". Messages with parameters are %-formatted by Django, hence the %%.
_LIMITS = {MinValueValidator: ("min_value", "or more"), MaxValueValidator: ("max_value", "or less")}


def quantity(value: float, unit: str = "") -> str:
    """A number as the error messages write it: "1,000,000", "£250,000", "100%"."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return f"£{text}" if unit == "£" else f"{text}{unit}"


def govuk_errors(field: forms.Field, thing: str, *, unit: str = "") -> forms.Field:
    """Give `field` messages naming `thing` ("the risk", "the costs for year 2"); `unit`
    ("£" or "%") is shown with its limits."""
    capital = thing[:1].upper() + thing[1:]
    choose = isinstance(field, forms.ChoiceField)  # radios, selects and checkboxes
    if type(field) is forms.CharField and field.max_length is None:
        # A TextField's form field has no length of its own: hold it to MAX_TEXT
        # (appraisals/limits.py), as the import does.
        field.max_length = MAX_TEXT
        field.validators.append(MaxLengthValidator(MAX_TEXT))
    messages = {
        "required": f"{'Select' if choose else 'Enter'} {thing}",
        "invalid_choice": f"Select {thing}".replace("%", "%%"),
    }
    if isinstance(field, forms.IntegerField):  # FloatField and DecimalField too
        whole = type(field) is forms.IntegerField
        messages["invalid"] = f"Enter {thing} as a {'whole number' if whole else 'number'}"
    elif isinstance(field, forms.SlugField):
        messages["invalid"] = f"{capital} must only include letters, numbers and hyphens"
    if getattr(field, "max_length", None):
        messages["max_length"] = f"{capital} must be {field.max_length:,} characters or fewer"
    for validator in field.validators:
        if type(validator) in _LIMITS:
            code, words = _LIMITS[type(validator)]
            limit = quantity(validator.limit_value, unit)
            messages[code] = f"{capital} must be {limit} {words}".replace("%", "%%")
    field.error_messages.update(messages)
    return field


def name_errors(form: forms.BaseForm, things: dict[str, str], *, unit: str = "") -> None:
    """`govuk_errors` for each of the form's fields named in `things`."""
    for name, thing in things.items():
        if name in form.fields:
            govuk_errors(form.fields[name], thing, unit=unit)


_MONEY_NOISE = re.compile(r"[£,\s]")  # \s includes the no-break and thin spaces
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)")


class MoneyField(forms.FloatField):
    """Pounds typed the usual way: "£225,000", "1 500.50", "-£3,000" (GOV.UK asks services to
    accept £ signs, commas and spaces). Anything else, "1.2m" or "1e6", is refused."""

    # No inputmode: phone keypads for "decimal" lack the minus sign, the £ and the comma.
    widget = forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})

    def to_python(self, value: object) -> float | None:
        if isinstance(value, str):
            value = _MONEY_NOISE.sub("", value).replace("\u2212", "-")  # a typographic minus
            if value and not _PLAIN_NUMBER.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def prepare_value(self, value: object) -> object:
        """Stored amounts are shown with commas ("1,200,000"), as people type them."""
        if isinstance(value, float | int) and not isinstance(value, bool):
            return quantity(value)
        return value


class ScopeForm(forms.ModelForm):
    """What is appraised and why, who decides and when (appraisal-new and scope-edit)."""

    similar_body: Authority | None = None  # a listed body the new partner's name matches

    error_names = {
        "title": "the title",
        "reference": "the reference",
        "lead_authority": "the lead council",
        "partners": "the partners",
        "services": "the services",
        "summary": "what is appraised and why",
        "objectives": "the objectives",
        "other_services": "the other services",
        "new_partner_name": "the name of the partner body",
        "new_partner_kind": "the kind of body",
        "new_partner_is_different": "whether the partner is a different body",
        "savings_target_year": "the year by which the target is met",
        "savings_target_percent": "the savings target as a percentage",
        "committee_name": "the committee",
        "meeting_day": "the day of the meeting",
        "meeting_month": "the month of the meeting",
        "meeting_year": "the year of the meeting",
        "agenda_item": "the agenda item",
        "scale_min": "the lowest score",
        "scale_max": "the highest score",
        "status": "the status",
    }

    other_services = forms.CharField(
        required=False,
        max_length=600,
        label="Other services",
        help_text="Services not in the list, separated by commas.",
    )
    new_partner_name = forms.CharField(
        required=False,
        max_length=200,
        label="Name of the body",
        help_text="In full, for example “Leicestershire Partnership NHS Trust”.",
    )
    new_partner_kind = forms.ChoiceField(
        required=False,
        label="Kind of body",
        choices=[("", "Choose the kind of body"), *Authority.Kind.choices],
    )
    # Shown once a name is found listed: places can share a name, as "Durham County Council"
    # and "City of Durham Council" do, and the officer knows which they mean.
    new_partner_is_different = forms.BooleanField(
        required=False, label="It is a different body from the one already listed"
    )
    # The listed bodies the officer has been shown (their ids, the page carries them): the
    # confirmation covers those only, never one they were not shown ("Durham Council" is
    # like both "Durham County Council" and "City of Durham Council").
    new_partner_shown = forms.CharField(required=False, widget=forms.HiddenInput)
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
            "savings_target_percent",
            "savings_target_year",
            "committee_name",
            "agenda_item",
            "scale_min",
            "scale_max",
            "status",
            "illustrative",
        ]
        field_classes = {"savings_target": MoneyField}
        error_messages = {
            # The same words whoever holds it: never confirm another council's appraisal.
            "reference": {"unique": "That reference is not available: choose a different one"}
        }
        labels = {
            "reference": "Reference",
            "lead_authority": "Lead council",
            "summary": "What is appraised and why",
            "objectives": "Objectives",
            "savings_target": "Savings target (£ a year)",
            "savings_target_percent": "Or as a percentage of the net revenue budget (%)",
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
            "savings_target_percent": "For example, 25. Used for the pounds when no amount "
            "is given, from the lead council's net revenue budget.",
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
            "savings_target_percent": decimal_input(),
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
        # So are the moves after the meeting (the record of decision, implementation).
        self.fields["status"].choices = [
            c for c in Appraisal.Status.choices if c[0] not in FROZEN_STATUSES
        ]
        if self.instance.pk:
            del self.fields["reference"], self.fields["lead_authority"]
            if self.instance.status in FROZEN_STATUSES:
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
        name_errors(self, self.error_names)
        name_errors(self, {"savings_target": "the savings target"}, unit="£")

    def clean_reference(self) -> str:
        reference = self.cleaned_data.get("reference", "")
        if reference in RESERVED_REFERENCES:
            raise ValidationError("Choose another reference: that one is a page’s address.")
        return reference

    def clean_other_services(self) -> list[str]:
        names = self.cleaned_data["other_services"].split(",")
        return list(dict.fromkeys(n.strip() for n in names if n.strip()))

    def _meeting_date(self, data: dict) -> datetime.date | None:
        names = [f"meeting_{p}" for p in ("day", "month", "year")]
        parts = [data.get(name) for name in names]
        if any(name in self.errors for name in names) or parts == [None, None, None]:
            return None  # a part's own error already says what is wrong with it
        if None in parts:
            self.add_error("meeting_day", "Meeting date must include a day, month and year")
            return None
        day, month, year = parts
        try:
            return datetime.date(year, month, day)
        except ValueError:
            self.add_error("meeting_day", "Meeting date must be a real date")
            return None

    def clean(self) -> dict:
        data = super().clean()
        data["meeting_date"] = self._meeting_date(data)
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
        self._clean_new_partner(data, lead)
        return data

    def _clean_new_partner(self, data: dict, lead: Authority | None) -> None:
        """A partner not in the list: its name and kind, and not a body listed already under
        another spelling ("Harborough Council" is Harborough District Council)."""
        name = " ".join(data.get("new_partner_name", "").split())
        kind = data.get("new_partner_kind", "")
        data["new_partner"] = None
        if not name and not kind:
            return
        if not name:
            self.add_error("new_partner_name", "Enter the name of the partner body")
            return
        similar = similar_bodies(name)
        shown = set(re.findall(r"\d+", data.get("new_partner_shown") or ""))
        confirmed = {b.pk for b in similar if str(b.pk) in shown}
        if not data.get("new_partner_is_different"):
            confirmed = set()
        # A name listed letter for letter is refused first: no confirmation adds it.
        for existing in sorted(similar, key=lambda b: not identical_name(b.name, name)):
            identical = identical_name(existing.name, name)
            if existing.pk in confirmed and not identical:
                continue  # the officer says it is another body of a name like this one
            is_lead = lead is not None and existing.pk == lead.pk
            if identical:
                message = (
                    f"{existing.name} is the lead council: it cannot also be a partner"
                    if is_lead
                    else f"{existing.name} is already listed: tick it under “Partners” "
                    "instead of adding it again"
                )
            else:
                self.similar_body = existing  # the template offers the confirmation
                self._show_similar(confirmed | {existing.pk})
                message = (
                    f"{existing.name} is the lead council. If {name} is a different body, "
                    "say so below"
                    if is_lead
                    else f"{existing.name} is already listed: tick it under “Partners”, or, "
                    f"if {name} is a different body, say so below"
                )
            self.add_error("new_partner_name", message)
            return
        if not kind:
            self.add_error("new_partner_kind", "Choose the kind of body")
            return
        data["new_partner"] = {
            "name": name,
            "kind": kind,
            "different_from": sorted(confirmed),
        }

    def _show_similar(self, pks: set[int]) -> None:
        """The page shown again carries the bodies shown so far, its box unticked: the
        officer confirms afresh for the body it names now."""
        self.data = self.data.copy()
        self.data[self.add_prefix("new_partner_shown")] = ",".join(map(str, sorted(pks)))
        self.data.pop(self.add_prefix("new_partner_is_different"), None)

    def clean_savings_target_percent(self) -> float | None:
        value = self.cleaned_data.get("savings_target_percent")
        if value is not None and not 0 < value <= 100:
            raise ValidationError(
                "The savings target as a percentage must be more than 0% and at most 100%"
            )
        return value

    def scope_changes(self) -> dict:
        """The plain fields to apply to the appraisal (not partners or services)."""
        skip = {"partners", "services", "other_services", "reference", "lead_authority"}
        fields = [f for f in self._meta.fields if f in self.fields and f not in skip]
        return {f: self.cleaned_data[f] for f in fields} | {
            "meeting_date": self.cleaned_data["meeting_date"]
        }


OPTION_ERROR_NAMES = {
    "name": "the name of the option",
    "description": "the description",
    "partners": "the partners",
    "status": "the stage",
    "rejection_reason": "the reason the option was rejected",
}


def _partner_choices(lead: int | None):
    """The councils and bodies an option may be delivered with: any but the lead council
    (`lead`, its primary key)."""
    authorities = Authority.objects.order_by("name")
    return authorities.exclude(pk=lead) if lead else authorities


class OptionAddForm(forms.Form):
    """A delivery model added to the options in one step: its stage and whether it is the
    baseline are set here, not on later pages."""

    name = forms.CharField(max_length=200, help_text="For example, “Shared service with Stockton”.")
    status = forms.ChoiceField(
        label="Stage",
        choices=[
            (Option.Status.SHORTLISTED, "Short-listed: scored and ranked"),
            (Option.Status.LONGLISTED, "Long-listed: not decided yet"),
            (Option.Status.REJECTED, "Rejected"),
        ],
        initial=Option.Status.SHORTLISTED,
        widget=forms.RadioSelect,
    )
    # Always shown rather than revealed by the Rejected radio: GOV.UK Frontend's reveal puts
    # aria-expanded on a radio, which ARIA does not allow (axe: aria-allowed-attr).
    rejection_reason = forms.CharField(
        label="Why was it rejected?",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you reject it: the committee report lists rejected options with "
        "the reason.",
    )
    baseline = forms.BooleanField(
        label="This is the baseline",
        required=False,
        help_text="The option the others are compared with, usually doing nothing. It is "
        "scored but not ranked.",
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Authority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Partners (optional)",
        help_text="Councils or other public bodies this option would be delivered with.",
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, baseline: str = "", lead=None, **kwargs) -> None:
        """`baseline`: the name of the appraisal's baseline now, if it has one; `lead`: the
        lead council's key, which delivers every option and is not offered as its partner."""
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = _partner_choices(lead)
        if baseline:
            self.fields["baseline"].help_text += f" It replaces {baseline} as the baseline."
        name_errors(self, OPTION_ERROR_NAMES)

    def clean(self) -> dict:
        data = super().clean()
        rejected = data.get("status") == Option.Status.REJECTED
        if rejected and not data.get("rejection_reason", "").strip():
            self.add_error("rejection_reason", "Enter the reason the option was rejected")
        if rejected and data.get("baseline"):
            self.add_error("baseline", "A rejected option cannot be the baseline")
        if not rejected:
            data["rejection_reason"] = ""
        return data


class OptionEditForm(forms.ModelForm):
    class Meta:
        model = Option
        fields = ["name", "description", "partners", "status", "rejection_reason"]
        labels = {
            "status": "Stage",
            "rejection_reason": "Why was it rejected?",
            "partners": "Partners (optional)",
            "description": "Description (optional)",
        }
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

    def __init__(self, *args, lead=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = _partner_choices(lead)
        name_errors(self, OPTION_ERROR_NAMES)

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


CRITERION_ERROR_NAMES = {
    "name": "the name of the criterion",
    "group": "the group",
    "description": "the description",
    "guidance": "the scoring guidance",
    "weight": "the weight",
}


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
        name_errors(self, CRITERION_ERROR_NAMES)


def _criterion_fields(form: forms.Form, criteria, prefix: str, **field_kwargs) -> None:
    for criterion in criteria:
        field = forms.FloatField(label=criterion.name, widget=decimal_input(), **field_kwargs)
        form.fields[f"{prefix}{criterion.key}"] = govuk_errors(
            field, f"the weight for {criterion.name}"
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
            govuk_errors(self.fields[f"rank_{c.key}"], f"the rank of {c.name}")
            govuk_errors(self.fields[f"points_{c.key}"], f"the points for {c.name}")

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


class PairwiseJudgementForm(forms.Form):
    """One pairwise comparison, on Saaty's scale in words (`saaty`)."""

    def __init__(self, *args, first: Criterion, second: Criterion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.first, self.second = first, second
        self.fields["judgement"] = govuk_errors(
            forms.ChoiceField(
                choices=saaty.choices(first.name, second.name),
                initial="1",
                label=f"Which matters more: {first.name} or {second.name}?",
                widget=forms.RadioSelect,
            ),
            f"how much more important {first.name} or {second.name} is",
        )

    def value(self) -> float:
        return saaty.value(self.cleaned_data["judgement"])


class RemovalForm(forms.Form):
    """What an "Are you sure?" page says goes with the item (`actions.Losses`), carried in
    its stamp (views/edit.py): a removal confirmed after someone added a score or a case
    to the item is refused, not done blind. Nothing here is typed: every field is shown
    text, disabled."""

    def __init__(self, *args, losses, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.losses = losses
        counted = {
            "scores": "Scores that go with it",
            "risks": "Risks recorded against it",
            "partner_shares": "Partner shares of its savings",
            "judgements": "Pairwise judgements that go with it",
        }
        for name, label in counted.items():
            self.fields[name] = forms.IntegerField(
                label=label, initial=getattr(losses, name), disabled=True, required=False
            )
        self.fields["financial_case"] = forms.BooleanField(
            label="Its financial case", initial=losses.financial_case, disabled=True, required=False
        )
        self.fields["members"] = forms.CharField(
            label="Who sits on it",
            initial=", ".join(losses.members),
            disabled=True,
            required=False,
        )


class PanelForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example, “Staff” or “Councillors”.")
    members = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who scores in this panel",
        help_text="People of the lead council and of the partners. Each person you add gets "
        "an e-mail asking them to score, with a link. Officers of the lead council can score "
        "in every panel.",
    )
    scored_when = forms.CharField(
        label="When the panel scored (optional)",
        max_length=100,
        required=False,
        help_text="For example, “September 2011”. The report’s consultation section says so.",
    )

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people
        self.fields["members"].label_from_instance = _person_label
        name_errors(
            self,
            {
                "name": "the name of the panel",
                "members": "who scores in it",
                "scored_when": "when the panel scored",
            },
        )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_scored_when(self) -> str:
        return self.cleaned_data["scored_when"].strip()


def _person_label(user) -> str:
    """A person with their places, "Ian Wood (officer, Stockton-on-Tees Borough Council)": each
    membership the caller prefetched (the appraisal's councils only), by role and council."""
    name = user.get_full_name() or user.get_username()
    places = sorted(
        f"{m.get_role_display().split(' (')[0].lower()}, {m.authority.name}"
        for m in user.memberships.all()
    )
    return f"{name} ({'; '.join(places)})" if places else name


RISK_ERROR_NAMES = {
    "option": "the option the risk belongs to",
    "risk": "the risk",
    "consequences": "the consequences",
    "likelihood": "the likelihood",
    "impact": "the impact",
    "controls": "the control measures",
    "residual_likelihood": "the likelihood after controls",
    "residual_impact": "the impact after controls",
    "owner": "the owner",
}


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = list(RISK_FIELDS)  # the fields `actions.save_risk` records in the history
        labels = {
            "option": "Which option does it belong to?",
            "risk": "Risk",
            "consequences": "Consequences (optional)",
            "controls": "Control measures (optional)",
            "residual_likelihood": "Likelihood after controls",
            "residual_impact": "Impact after controls",
            "owner": "Owner (optional)",
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
        name_errors(self, RISK_ERROR_NAMES)

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = {"discount_rate": "the discount rate", "optimism_bias": "the optimism bias"}
        name_errors(self, names, unit="%")


FLOW_FIELDS = ("costs", "savings_low", "savings_central", "savings_high")
FLOW_LABELS = {
    "costs": "Costs",
    "savings_low": "Savings (low)",
    "savings_central": "Savings (central)",
    "savings_high": "Savings (high)",
}
FLOW_ERROR_NAMES = {
    "costs": "the costs",
    "savings_low": "the low savings",
    "savings_central": "the central savings",
    "savings_high": "the high savings",
}


class FinancialCaseForm(forms.Form):
    """The yearly table (years as rows) and each partner's share of the net savings."""

    def __init__(self, *args, years: int = 10, partners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.years = max(1, min(years, MAX_YEARS))
        self.partners = list(partners)
        for t in range(self.years):
            for name in FLOW_FIELDS:
                field = MoneyField(
                    label=f"{FLOW_LABELS[name]}, year {t}",
                    required=False,
                    min_value=0,
                    max_value=1e12,
                )
                thing = f"{FLOW_ERROR_NAMES[name]} for year {t}"
                self.fields[f"{name}_{t}"] = govuk_errors(field, thing, unit="£")
        for authority in self.partners:
            field = forms.FloatField(
                label=authority.name,
                required=False,
                min_value=0,
                max_value=100,
                widget=decimal_input(),
            )
            thing = f"the share for {authority.name}"
            self.fields[f"share_{authority.pk}"] = govuk_errors(field, thing, unit="%")

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
    one_off_cost = MoneyField(
        label="One-off cost (£)",
        min_value=0,
        max_value=1e12,
        help_text="For example, the cost of going to market or of a feasibility study.",
    )
    steady_saving = MoneyField(
        label="Saving a year once fully running (£)",
        min_value=0,
        max_value=1e12,
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        money = {"one_off_cost": "the one-off cost", "steady_saving": "the saving a year"}
        name_errors(self, money, unit="£")
        name_errors(self, {"range_percent": "the range of savings"}, unit="%")
        years = {"ramp_up_years": "the years to the full saving", "horizon": "the number of years"}
        name_errors(self, years)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your question",
            "max_length": f"Your question must be {MAX_TEXT:,} characters or fewer",
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the answer",
            "max_length": f"The answer must be {MAX_TEXT:,} characters or fewer",
        },
    )


class ImportForm(forms.Form):
    document = forms.FileField(
        label="Appraisal file",
        help_text="A JSON document (councilopts.appraisal/1) or an XLSX workbook exported from "
        "councilopts, up to 5 MB.",
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file must be smaller than 5 MB")
        name = upload.name.lower()
        if not name.endswith((".json", ".xlsx")):
            raise ValidationError("The file must be a JSON document or an XLSX workbook")
        return upload
