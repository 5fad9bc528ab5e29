"""The long list from the delivery-model catalogue: add, short-list, reject, mark the baseline."""

from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions
from ..access import can_edit, get_appraisal_for
from ..forms import OptionAddForm, OptionEditForm, RemovalForm
from ..models import Appraisal, DeliveryModel, Option
from .allow import allow
from .edit import click, edit, stamped, state_form


def _option(appraisal: Appraisal, key: str) -> Option:
    try:
        return appraisal.options.select_related("delivery_model").get(key=key)
    except Option.DoesNotExist:
        raise Http404("No such option") from None


_ADDED_AS = {
    "baseline": "as the baseline",
    Option.Status.SHORTLISTED: "to the short list",
    Option.Status.LONGLISTED: "to the long list",
    Option.Status.REJECTED: "as a rejected option, with its reason",
}


def _stage(option: Option) -> str:
    return "baseline" if option.baseline else option.status


def _buttons(appraisal: Appraisal, options=None):
    """What the long list's one-click buttons (recommend, mark as baseline) were pressed
    against: the baseline and the recommended option as the page showed them (`options`,
    if the page has them already)."""
    if options is None:
        options = appraisal.options.filter(models.Q(baseline=True) | models.Q(recommended=True))
    baseline = next((o.name for o in options if o.baseline), "")
    recommended = next((o.name for o in options if o.recommended), "")
    return state_form(
        {
            "baseline": ("The baseline", baseline),
            "recommended": ("The option officers recommend", recommended),
        }
    )


def _clicked(request: HttpRequest, appraisal: Appraisal, act) -> bool:
    """Run `act` unless the page was out of date (then say why); whether it ran."""
    refused = click(
        request, appraisal, shown=lambda: _buttons(appraisal), act=act, kinds=["option"]
    )
    for line in refused or ():
        messages.error(request, line)
    return refused is None


def _options_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:options", args=[appraisal.reference])


@allow("GET")
def options(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    rows = list(appraisal.options.select_related("delivery_model").prefetch_related("partners"))
    return render(
        request,
        "appraisals/options.html",
        {
            "appraisal": appraisal,
            "options": rows,
            "catalogue": DeliveryModel.objects.all(),
            "can_edit": can_edit(request.user, appraisal),
            "buttons": stamped(appraisal, _buttons(appraisal, rows)),
            "section": "tasks",
        },
    )


def option_add(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    model = DeliveryModel.objects.filter(key=request.GET.get("model", "")).first()
    if model is None:
        raise Http404("Choose a delivery model from the catalogue")
    initial = {"name": model.name, "baseline": actions.becomes_baseline(appraisal, model)}
    baseline = appraisal.options.filter(baseline=True).values_list("name", flat=True).first()
    form = OptionAddForm(
        request.POST or None,
        initial=initial,
        baseline=baseline or "",
        lead=appraisal.lead_authority_id,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        option = actions.add_option(
            appraisal=appraisal,
            user=request.user,
            delivery_model=model,
            name=data["name"],
            partners=data["partners"],
            description=data["description"],
            status=data["status"],
            rejection_reason=data["rejection_reason"].strip(),
            baseline=data["baseline"],
        )
        messages.success(request, f"“{option.name}” added {_ADDED_AS[_stage(option)]}.")
        return redirect(_options_url(appraisal))
    return render(
        request,
        "appraisals/option_add.html",
        {"appraisal": appraisal, "model": model, "form": form, "section": "tasks"},
    )


def option_edit(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    option = _option(appraisal, key)
    # An option made before the lead council could no longer be its own partner may still
    # list it. The form does not offer it, so a save takes it off: the page says so first,
    # and the message after saving says it was done.
    lead_listed = option.partners.filter(pk=appraisal.lead_authority_id).exists()

    def build(data) -> OptionEditForm:
        # A bound form writes onto its instance: give it a blank one, not the stored option.
        return OptionEditForm(
            data,
            instance=Option(pk=option.pk) if data else _option(appraisal, key),
            lead=appraisal.lead_authority_id,
        )

    def save(form: OptionEditForm) -> None:
        data = form.cleaned_data
        actions.edit_option(
            appraisal=appraisal,
            user=request.user,
            option=_option(appraisal, key),
            name=data["name"],
            description=data["description"],
            status=data["status"],
            rejection_reason=data["rejection_reason"].strip(),
            partners=data["partners"],
        )

    form = edit(
        request, appraisal, build=build, save=save, kinds=["option"], subjects=[option.name]
    )
    lead = appraisal.lead_authority.name if lead_listed else ""
    if form.saved:
        saved = f"“{form.cleaned_data['name']}” saved."
        if lead:
            saved += (
                f" {lead} was removed from its partners: it leads this appraisal, so it "
                "takes part in every option already."
            )
        messages.success(request, saved)
        return redirect(_options_url(appraisal))
    return render(
        request,
        "appraisals/option_edit.html",
        {
            "appraisal": appraisal,
            "option": option,
            "form": form,
            "lead_listed": lead,
            "section": "tasks",
        },
    )


@allow("POST")
def option_baseline(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    option = _option(appraisal, key)
    if option.status == Option.Status.REJECTED:
        messages.error(request, f"“{option.name}” is rejected, so it cannot be the baseline.")
        return redirect(_options_url(appraisal))
    if _clicked(
        request,
        appraisal,
        lambda: actions.set_baseline(appraisal=appraisal, user=request.user, option=option),
    ):
        messages.success(
            request, f"“{option.name}” is now the baseline the others are compared with."
        )
    return redirect(_options_url(appraisal))


@allow("POST")
def option_recommend(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """Mark the option the officers recommend, or (posted for the one marked) withdraw it."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    option = _option(appraisal, key)
    if option.status == Option.Status.REJECTED:
        messages.error(request, f"“{option.name}” is rejected, so it cannot be recommended.")
        return redirect(_options_url(appraisal))
    # The button posts what the officer asked for, not "flip it": two officers who both click
    # "Recommend" on the same page leave it recommended, where a toggle would undo it.
    wanted = request.POST.get("recommended")
    if wanted not in ("yes", "no"):
        messages.error(request, "Choose whether to recommend the option or withdraw it.")
        return redirect(_options_url(appraisal))
    recommend = wanted == "yes"
    if recommend == option.recommended:
        state = "is the option" if recommend else "is not marked as the option"
        messages.info(request, f"“{option.name}” {state} officers recommend already.")
        return redirect(_options_url(appraisal))
    if not _clicked(
        request,
        appraisal,
        lambda: actions.set_recommended(
            appraisal=appraisal, user=request.user, option=option, recommended=recommend
        ),
    ):
        return redirect(_options_url(appraisal))
    if recommend:
        messages.success(request, f"“{option.name}” is now the option officers recommend.")
    else:
        messages.success(request, f"“{option.name}” is no longer marked as recommended.")
    return redirect(_options_url(appraisal))


@allow("GET", "POST")
def option_remove(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """Are you sure? Shows what goes with the option; POST removes it."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    option = _option(appraisal, key)
    form = edit(
        request,
        appraisal,
        build=lambda data: RemovalForm(data, losses=actions.option_losses(_option(appraisal, key))),
        save=lambda form: actions.remove_option(
            appraisal=appraisal, user=request.user, option=_option(appraisal, key)
        ),
        kinds=["option", "score", "finance", "risk"],
        subjects=[option.name],
    )
    if form.saved:
        messages.success(request, f"Option “{option.name}” removed.")
        return redirect(_options_url(appraisal))
    return render(
        request,
        "appraisals/option_remove.html",
        {
            "appraisal": appraisal,
            "option": option,
            "form": form,
            "losses": form.losses,
            "section": "tasks",
        },
    )
