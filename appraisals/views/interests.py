"""Declarations of interest: everyone who can see the appraisal reads them; whoever may score
in one of its panels declares their own (appraisals.interests)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .. import interests
from ..access import can_edit, get_appraisal_for
from ..forms_interests import AmendInterestForm, InterestForm, WithdrawInterestForm
from ..models import Interest
from ..results import evaluate
from .allow import allow
from .edit import edit


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


def _own_standing(request: HttpRequest, reference: str, pk: int):
    """The appraisal and the user's own declaration that still stands: another council 404,
    someone else's declaration 403, one already withdrawn or amended 404."""
    appraisal = get_appraisal_for(request.user, reference)
    interest = get_object_or_404(
        Interest.objects.prefetch_related("options"),
        pk=pk,
        appraisal=appraisal,
        ended_at__isnull=True,
    )
    if interest.user_id != request.user.pk:
        raise PermissionDenied("You can change only your own declarations.")
    return appraisal, interest


def _stored(interest: Interest) -> Interest:
    return Interest.objects.prefetch_related("options").get(pk=interest.pk)


@allow("GET", "POST")
def interest_amend(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    appraisal, interest = _own_standing(request, reference, pk)

    def build(data) -> AmendInterestForm:
        if data is not None:
            return AmendInterestForm(data, appraisal=appraisal)
        return AmendInterestForm(
            initial=AmendInterestForm.initial_for(_stored(interest)), appraisal=appraisal
        )

    def save(form: AmendInterestForm) -> None:
        data = form.cleaned_data
        try:
            interests.amend(
                interest=interest,
                user=request.user,
                reason=data["reason"],
                kind=data["kind"],
                options=list(data["options"]),
                description=data["description"],
            )
        except interests.InterestError as refused:
            form.add_error(refused.field, str(refused))

    form = edit(request, appraisal, build=build, save=save, kinds=["interest"])
    return _changed_or_form(request, appraisal, interest, form, amending=True)


@allow("GET", "POST")
def interest_withdraw(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    appraisal, interest = _own_standing(request, reference, pk)

    def build(data) -> WithdrawInterestForm:
        return WithdrawInterestForm(data) if data is not None else WithdrawInterestForm()

    def save(form: WithdrawInterestForm) -> None:
        try:
            interests.withdraw(
                interest=interest, user=request.user, reason=form.cleaned_data["reason"]
            )
        except interests.InterestError as refused:
            form.add_error("reason", str(refused))

    form = edit(request, appraisal, build=build, save=save, kinds=["interest"])
    return _changed_or_form(request, appraisal, interest, form, amending=False)


def _changed_or_form(request, appraisal, interest, form, *, amending: bool) -> HttpResponse:
    """After an amendment or a withdrawal: back to the declarations, or the form again."""
    if form.saved and not form.errors:
        done = "amended" if amending else "withdrawn"
        messages.success(request, f"Your declaration has been {done}.")
        return redirect("appraisals:interests", appraisal.reference)
    context = {"appraisal": appraisal, "interest": interest, "form": form}
    context |= {"section": "interests", "amending": amending}
    return render(request, "appraisals/interest_change.html", context)
