"""Archiving and unarchiving an appraisal (officers of the lead council), from its overview."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .. import actions
from ..access import get_appraisal_for
from .allow import allow


@allow("POST")
def appraisal_archive(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    archive = request.POST.get("archived") != "no"
    if actions.set_archived(appraisal=appraisal, user=request.user, archived=archive):
        if archive:
            messages.success(
                request,
                f"“{appraisal.title}” is archived: it cannot be changed, and the appraisals "
                "list shows it only when you ask for archived appraisals.",
            )
        else:
            messages.success(request, f"“{appraisal.title}” is no longer archived.")
    return redirect(appraisal)
