"""A council's or public body's facts (population, net revenue budget, rural or urban
character), kept by its own administrators in "Your council": the scope page of every
appraisal naming it and the committee report's background read them (appraisals/bodies.py).

Nobody else edits them: another council's people get 404 and the body's own officers and
members 403 (`access.get_council_for`), and an officer who names a new partner body adds it
with no facts. Each change is in the council's history; a save made against facts changed
meanwhile is refused, showing the other change (the shared stale-save piece).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from appraisals.bodies import CHARACTER_WORDS
from appraisals.explain import format_money
from appraisals.forms import MoneyField, name_errors
from appraisals.models import Authority
from appraisals.views.edit import refuse_after, stale_fields, stamp_at, stamp_mark

from . import actions
from .access import get_council_for
from .models import CouncilChange
from .views import _page

MOST_PEOPLE = 100_000_000  # more than any body in England serves
MOST_POUNDS = 10**13  # the column holds 14 digits


class WholeNumberField(forms.IntegerField):
    """A count typed the usual way: "93,000" or "93 000"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").strip()
        return super().to_python(value)

    def prepare_value(self, value):
        return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


class FactsForm(forms.Form):
    population = WholeNumberField(
        required=False,
        min_value=0,
        max_value=MOST_PEOPLE,
        label="Population",
        help_text="The number of residents the body serves, for example 93,000.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    net_revenue_budget = MoneyField(
        required=False,
        min_value=0,
        max_value=MOST_POUNDS,
        label="Net revenue budget (£ a year)",
        help_text="In pounds, for example £14,200,000.",
    )
    character = forms.ChoiceField(
        required=False,
        label="Rural or urban",
        choices=[
            (Authority.Character.RURAL, "Largely rural"),
            (Authority.Character.URBAN, "Largely urban"),
            (Authority.Character.MIXED, "Mixed rural and urban"),
            ("", "Not recorded"),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        name_errors(
            self,
            {"population": "the population", "character": "whether it is rural or urban"},
        )
        name_errors(self, {"net_revenue_budget": "the net revenue budget"}, unit="£")

    @classmethod
    def of(cls, body: Authority) -> FactsForm:
        return cls(
            initial={
                "population": body.population,
                "net_revenue_budget": (
                    None if body.net_revenue_budget is None else float(body.net_revenue_budget)
                ),
                "character": body.character or "",
            }
        )


def _in_words(field: str, value) -> str:
    if value in (None, ""):
        return "not recorded"
    if field == "population":
        return f"{int(value):,}"
    if field == "net_revenue_budget":
        return format_money(float(value))
    return CHARACTER_WORDS.get(value, str(value))


@transaction.atomic
def update_facts(*, body: Authority, user, population, net_revenue_budget, character) -> list:
    """Apply the facts, recording each one that changed in the council's history; returns
    the names of those that changed."""
    locked = Authority.objects.select_for_update().get(pk=body.pk)
    budget = None if net_revenue_budget is None else Decimal(round(net_revenue_budget))
    new = {"population": population, "net_revenue_budget": budget, "character": character}
    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    for name in changed:
        actions.record(
            authority=locked,
            user=user,
            kind=CouncilChange.Kind.FACTS,
            subject=FactsForm.base_fields[name].label,
            field=name,
            old=_in_words(name, getattr(locked, name)),
            new=_in_words(name, new[name]),
        )
        setattr(locked, name, new[name])
    if changed:
        locked.save(update_fields=changed)
    return changed


def _mark(body: Authority) -> int:
    newest = CouncilChange.objects.filter(authority=body).order_by("-pk").values("pk").first()
    return newest["pk"] if newest else 0


@require_http_methods(["GET", "HEAD", "POST"])
def facts(request: HttpRequest, pk: int) -> HttpResponse:
    """The body's facts, for its administrators to keep up to date."""
    body = get_council_for(request.user, pk)
    if request.method != "POST":
        form = FactsForm.of(body)
        form.stamp = stamp_at(_mark(body), form)
        return _page(request, "councils/facts.html", body, "facts", form=form)
    form = FactsForm(request.POST)
    form.stamp = request.POST.get("loaded", "")
    if form.is_valid():
        with transaction.atomic():
            body = Authority.objects.select_for_update().get(pk=body.pk)
            now = FactsForm.of(body)
            stale = stale_fields(form.stamp, now)
            if stale is None:
                changed = update_facts(body=body, user=request.user, **form.cleaned_data)
                messages.success(
                    request, "Facts saved." if changed else "Nothing changed: the facts stand."
                )
                return redirect("councils:facts", body.pk)
        rows = CouncilChange.objects.filter(
            authority=body, pk__gt=stamp_mark(form.stamp)
        ).select_related("user")
        refuse_after(form, list(rows), now, stale)
        form.stamp = stamp_at(_mark(body), now)
    return _page(request, "councils/facts.html", body, "facts", form=form)
