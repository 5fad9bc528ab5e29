from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import can_edit, get_appraisal_for


def appraisal(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    return render(
        request,
        "appraisals/appraisal.html",
        {"appraisal": appraisal, "can_edit": can_edit(request.user, appraisal)},
    )
