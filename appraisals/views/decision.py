"""The record of decision: read it (everyone who sees the appraisal), enter and correct it
(officers of the lead council), publish it as a PDF, and move the appraisal on to
implementing and closed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .. import actions, decisions, interests
from ..access import can_edit, get_appraisal_for
from ..forms_decision import CloseForm, DecisionForm
from ..models import Appraisal, Decision
from .allow import allow
from .edit import edit


def _decision(appraisal: Appraisal) -> Decision | None:
    return (
        Decision.objects.filter(appraisal=appraisal)
        .select_related("report_version", "recorded_by")
        .defer("report_version__pdf", "report_version__html", "report_version__docx")
        .first()
    )


def _option_name(decision: Decision) -> str:
    names = dict(decisions.option_choices(decision.report_version.snapshot or {}))
    return names.get(decision.chosen_option, "")


def _url(appraisal: Appraisal) -> str:
    return reverse("appraisals:decision", args=[appraisal.reference])


@allow("GET")
def decision(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    record = _decision(appraisal)
    blocked = None
    if record is not None and appraisal.status == Appraisal.Status.DECIDED:
        blocked = decisions.implementation_blocked(record, timezone.localdate())
    return render(
        request,
        "appraisals/decision.html",
        {
            "appraisal": appraisal,
            "section": "decision",
            "decision": record,
            "recommendations": list(record.recommendations.all()) if record else [],
            "option_name": _option_name(record) if record else "",
            "declarations": interests.declared_sentences(appraisal) if record else [],
            "can_edit": can_edit(request.user, appraisal),
            "blocked": blocked,
            "working_days": appraisal.lead_authority.call_in_working_days,
        },
    )


def decision_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Enter the record of decision on the latest issued version, or correct it."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    if appraisal.status not in actions.decision.RECORDABLE:
        messages.error(
            request,
            "The appraisal is closed: its record of decision cannot change."
            if appraisal.status == Appraisal.Status.CLOSED
            else "A decision can be recorded only on an issued report: issue the report first.",
        )
        return redirect(_url(appraisal))
    existing = _decision(appraisal)
    version = (
        existing.report_version
        if existing is not None
        else appraisal.report_versions.defer("pdf", "html", "docx").order_by("-number").first()
    )
    snapshot = version.snapshot or {}
    recommendations = (
        [r.text for r in existing.recommendations.all()]
        if existing is not None
        else decisions.issued_recommendations(version)
    )
    options = decisions.option_choices(snapshot)
    preferred = decisions.preferred_option_key(snapshot)

    def build(data) -> DecisionForm:
        stored = _decision(appraisal)
        return DecisionForm(
            data,
            initial=None if data else DecisionForm.initial_for(stored, preferred=preferred),
            recommendations=recommendations,
            options=options,
        )

    refused: list[str] = []

    def save(form: DecisionForm) -> None:
        try:
            actions.record_decision(
                appraisal=appraisal,
                user=request.user,
                fields=form.decision_fields(),
                outcomes=form.outcomes(),
            )
        except actions.NotAllowed as error:
            refused.append(str(error))

    form = edit(request, appraisal, build=build, save=save, kinds=["decision"], subjects=())
    if form.saved:
        if refused:
            messages.error(request, refused[0])
        else:
            messages.success(request, "Record of decision saved.")
        return redirect(_url(appraisal))
    return render(
        request,
        "appraisals/decision_form.html",
        {
            "appraisal": appraisal,
            "section": "decision",
            "form": form,
            "version": version,
            "existing": existing,
        },
    )


@allow("GET")
def decision_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The record of decision as its own accessible PDF, rendered as it now stands."""
    from ..reports import write_pdf
    from ..reports.after_decision import decision_record, render_paper

    appraisal = get_appraisal_for(request.user, reference)
    record = _decision(appraisal)
    if record is None:
        raise Http404("No decision has been recorded")
    paper = decision_record(
        record,
        list(record.recommendations.all()),
        council=appraisal.lead_authority.name,
        title=appraisal.title,
        reference=appraisal.reference,
        option_name=_option_name(record),
        working_days=appraisal.lead_authority.call_in_working_days,
        declarations=interests.declared_sentences(appraisal),
    )
    pdf = write_pdf(render_paper(paper))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{appraisal.reference}-record-of-decision.pdf"'
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@allow("POST")
def decision_implement(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    try:
        actions.start_implementation(appraisal=appraisal, user=request.user)
    except actions.NotAllowed as error:
        messages.error(request, f"Implementation has not started. {error}")
        return redirect(_url(appraisal))
    messages.success(request, "Implementation has started: record milestones and actual figures.")
    return redirect("appraisals:benefits", appraisal.reference)


@allow("GET", "POST")
def decision_close(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_appraisal(
                appraisal=appraisal, user=request.user, reason=form.cleaned_data["reason"]
            )
        except actions.NotAllowed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The appraisal is closed.")
        return redirect(_url(appraisal))
    return render(
        request,
        "appraisals/decision_close.html",
        {"appraisal": appraisal, "section": "decision", "form": form},
    )
