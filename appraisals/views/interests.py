"""Declarations of interest: everyone who can see the appraisal reads them; whoever may score
in one of its panels declares their own (appraisals.interests)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import interests
from ..access import can_edit, get_appraisal_for
from ..forms_interests import InterestForm
from ..results import evaluate
from .allow import allow


def may_declare(user, appraisal) -> bool:
    """Whoever may score: the lead council's officers, and the members of its panels."""
    return can_edit(user, appraisal) or appraisal.panels.filter(members=user).exists()


@allow("GET", "POST")
def interests_page(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    declaring = may_declare(request.user, appraisal)
    data = request.POST if request.method == "POST" else None
    form = InterestForm(data, appraisal=appraisal) if declaring else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            interests.declare(
                appraisal=appraisal,
                user=request.user,
                kind=data["kind"],
                options=list(data["options"]),
                description=data["description"],
            )
        except interests.InterestError as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, "Your declaration has been recorded.")
            return redirect("appraisals:interests", appraisal.reference)
    elif request.method == "POST" and form is None:
        raise PermissionDenied("Only the people who score this appraisal declare interests.")
    evaluation = evaluate(appraisal)
    return render(
        request,
        "appraisals/interests.html",
        {
            "appraisal": appraisal,
            "interests": evaluation.interests,
            "form": form,
            "section": "interests",
        },
    )
