"""The appraisals people may see (home), and starting a new one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_tables2 import RequestConfig

from councils.access import acting_council

from .. import actions
from ..access import editable_authorities, is_officer, visible_appraisals
from ..filters import AppraisalFilter
from ..forms import ScopeForm
from ..models import Authority, Service
from ..tables import AppraisalTable


def home(request: HttpRequest) -> HttpResponse:
    appraisals = (
        visible_appraisals(request.user)
        .select_related("lead_authority")
        .prefetch_related("services")
    )
    filters = AppraisalFilter(request.GET, queryset=appraisals, request=request)
    filtered = any(request.GET.get(name) for name in filters.filters)
    table = AppraisalTable(filters.qs, filtered=filtered)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request,
        "appraisals/home.html",
        {"table": table, "filter": filters, "can_start": is_officer(request.user)},
    )


def _services(form: ScopeForm) -> list[Service]:
    """The services ticked plus any typed in, added to the list if new."""
    typed = [Service.objects.get_or_create(name=n)[0] for n in form.cleaned_data["other_services"]]
    return [*form.cleaned_data["services"], *typed]


def appraisal_new(request: HttpRequest) -> HttpResponse:
    if not is_officer(request.user):
        raise PermissionDenied("Only officers start appraisals.")
    # Every council where they are an officer; the one they are acting for comes first.
    leads = Authority.objects.filter(pk__in=editable_authorities(request.user))
    acting = acting_council(request)
    initial = (
        {"lead_authority": acting.pk}
        if acting and acting.pk in set(leads.values_list("pk", flat=True))
        else {}
    )
    form = ScopeForm(request.POST or None, lead_choices=leads, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.scope_changes()
        fields = {
            "user": request.user,
            "lead_authority": form.cleaned_data["lead_authority"],
            "title": changes.pop("title"),
            "reference": form.cleaned_data["reference"],
            "fields": changes,
            "services": _services(form),
        }
        partners = list(form.cleaned_data["partners"])
        try:
            appraisal = actions.create_appraisal(
                **fields, partners=partners, new_partner=form.cleaned_data["new_partner"]
            )
        except actions.BodyExists as exists:  # listed by someone else since the form checked
            appraisal = actions.create_appraisal(**fields, partners=[*partners, exists.existing])
        messages.success(request, f"Appraisal “{appraisal.title}” started.")
        return redirect(appraisal)
    return render(request, "appraisals/appraisal_new.html", {"form": form})
