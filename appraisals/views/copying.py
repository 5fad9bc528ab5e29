"""Copy as a new appraisal: officers of the lead council start the next service's or the
next council's appraisal from this one, without its scores or narrative."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import actions
from ..access import editable_authorities, get_appraisal_for
from ..forms_copy import CopyForm
from ..models import Appraisal, Authority
from .allow import allow


@allow("GET", "POST")
def appraisal_copy(request: HttpRequest, reference: str) -> HttpResponse:
    source = get_appraisal_for(request.user, reference, edit=True)
    leads = Authority.objects.filter(pk__in=editable_authorities(request.user)).order_by("name")
    initial = {"title": f"Copy of {source.title}"[:300], "lead_authority": source.lead_authority}
    form = CopyForm(request.POST or None, instance=Appraisal(), initial=initial, lead_choices=leads)
    if request.method == "POST" and form.is_valid():
        copy = actions.copy_appraisal(
            user=request.user,
            source=source,
            lead_authority=form.cleaned_data["lead_authority"],
            title=form.cleaned_data["title"],
            reference=form.cleaned_data["reference"],
        )
        messages.success(
            request, f"Appraisal “{copy.title}” started as a copy of “{source.title}”."
        )
        return redirect(copy)
    counts = {
        "options": source.options.count(),
        "criteria": source.criteria.count(),
        "panels": source.panels.count(),
        "risks": source.risks.count(),
    }
    return render(
        request,
        "appraisals/appraisal_copy.html",
        {"appraisal": source, "form": form, "counts": counts, "section": "tasks"},
    )
