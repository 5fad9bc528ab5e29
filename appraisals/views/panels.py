"""Panels of assessors (staff, union, councillors, partners) and who is in them."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions
from ..access import can_edit, get_appraisal_for, get_panel_for
from ..forms import PanelForm, RemovalForm
from ..models import Appraisal, Membership
from ..templatetags.councilopts import url_if
from .allow import allow
from .edit import edit


def _people(appraisal: Appraisal) -> QuerySet:
    """Users of the lead council and of the partners, whatever their role: the people who may
    sit on a panel. Each is labelled with their places in these councils only (a person's
    other councils are none of this appraisal's business)."""
    councils = [appraisal.lead_authority_id, *appraisal.partners.values_list("pk", flat=True)]
    places = Membership.objects.filter(authority__in=councils).select_related("authority")
    return (
        get_user_model()
        .objects.filter(memberships__authority__in=councils, is_active=True)
        .distinct()
        .order_by("username")
        .prefetch_related(Prefetch("memberships", queryset=places))
    )


def _panels_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:panels", args=[appraisal.reference])


def panels(request: HttpRequest, reference: str) -> HttpResponse:
    """The panels, and (for officers) a form to add one."""
    appraisal = get_appraisal_for(request.user, reference, edit=request.method == "POST")
    editable = can_edit(request.user, appraisal)
    form = PanelForm(request.POST or None, people=_people(appraisal)) if editable else None
    if request.method == "POST" and form.is_valid():
        panel = actions.add_panel(
            appraisal=appraisal,
            user=request.user,
            name=form.cleaned_data["name"],
            members=form.cleaned_data["members"],
            scored_when=form.cleaned_data["scored_when"],
        )
        messages.success(request, f"Panel “{panel.name}” added.")
        return redirect(_panels_url(appraisal))
    # A scoring link only where the person may score: editors in every panel, others in the
    # panels they sit on (members are prefetched, so this asks nothing more of the database).
    rows = [
        (
            panel,
            url_if("appraisals:scoring", reference, panel.key)
            if editable or any(m.pk == request.user.pk for m in panel.members.all())
            else None,
        )
        for panel in appraisal.panels.prefetch_related("members")
    ]
    return render(
        request,
        "appraisals/panels.html",
        {
            "appraisal": appraisal,
            "rows": rows,
            "form": form,
            "can_edit": editable,
            "section": "tasks",
        },
    )


def panel_edit(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    panel = get_panel_for(request.user, appraisal, key)
    people = _people(appraisal)

    def build(data) -> PanelForm:
        stored = appraisal.panels.get(pk=panel.pk)
        initial = {
            "name": stored.name,
            "members": list(stored.members.all()),
            "scored_when": stored.scored_when,
        }
        return PanelForm(data, people=people, initial=initial)

    def save(form: PanelForm) -> None:
        actions.edit_panel(
            appraisal=appraisal,
            user=request.user,
            panel=appraisal.panels.get(pk=panel.pk),
            name=form.cleaned_data["name"],
            members=form.cleaned_data["members"],
            scored_when=form.cleaned_data["scored_when"],
        )

    form = edit(request, appraisal, build=build, save=save, kinds=["panel"], subjects=[panel.name])
    if form.saved:
        messages.success(request, f"Panel “{form.cleaned_data['name']}” saved.")
        return redirect(_panels_url(appraisal))
    return render(
        request,
        "appraisals/panel_edit.html",
        {"appraisal": appraisal, "panel": panel, "form": form, "section": "tasks"},
    )


@allow("GET", "POST")
def panel_remove(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """Are you sure? Shows what goes with the panel; POST removes it."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    panel = get_panel_for(request.user, appraisal, key)
    form = edit(
        request,
        appraisal,
        build=lambda data: RemovalForm(
            data, losses=actions.panel_losses(appraisal.panels.get(pk=panel.pk))
        ),
        save=lambda form: actions.remove_panel(
            appraisal=appraisal, user=request.user, panel=appraisal.panels.get(pk=panel.pk)
        ),
        kinds=["panel", "score"],
        subjects=[panel.name],
    )
    if form.saved:
        messages.success(request, f"Panel “{panel.name}” removed.")
        return redirect(_panels_url(appraisal))
    return render(
        request,
        "appraisals/panel_remove.html",
        {
            "appraisal": appraisal,
            "panel": panel,
            "form": form,
            "losses": form.losses,
            "section": "tasks",
        },
    )
