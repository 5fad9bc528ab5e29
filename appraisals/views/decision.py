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
from ..models import Appraisal, Decision, PublishedDecision
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
    return decisions.option_name(decision)


def _publications(decision: Decision | None) -> list[PublishedDecision]:
    """Each published version of the record, first to last, without their PDFs."""
    if decision is None:
        return []
    return list(
        decision.publications.defer("pdf").select_related("published_by").order_by("number")
    )


def _url(appraisal: Appraisal) -> str:
    return reverse("appraisals:decision", args=[appraisal.reference])


@allow("GET")
def decision(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    record = _decision(appraisal)
    blocked = None
    if record is not None and appraisal.status == Appraisal.Status.DECIDED:
        blocked = decisions.implementation_blocked(record, timezone.localdate())
    publications = _publications(record)
    # Once published, the interests as they stood when the record was last published.
    if publications:
        declarations = publications[-1].record.get("declarations", [])
    else:
        declarations = interests.declared_sentences(appraisal) if record else []
    return render(
        request,
        "appraisals/decision.html",
        {
            "appraisal": appraisal,
            "section": "decision",
            "decision": record,
            "recommendations": list(record.recommendations.all()) if record else [],
            "option_name": _option_name(record) if record else "",
            "declarations": declarations,
            "publications": publications,
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
        published = _publications(stored)
        return DecisionForm(
            data,
            initial=None if data else DecisionForm.initial_for(stored, preferred=preferred),
            recommendations=recommendations,
            options=options,
            published=published[-1] if published else None,
        )

    refused: list[str] = []

    def save(form: DecisionForm) -> None:
        try:
            actions.record_decision(
                appraisal=appraisal,
                user=request.user,
                fields=form.decision_fields(),
                outcomes=form.outcomes(),
                reason=form.reason if form.published else "",
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


def _pdf_response(pdf: bytes, filename: str, sha256: str = "") -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    if sha256:
        response["ETag"] = f'"{sha256}"'
    return response


@allow("GET")
def decision_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The record of decision as its own accessible PDF: once published, the file published
    last, as it was kept; before that, rendered as it now stands."""
    from ..reports.after_decision import decision_pdf as render

    appraisal = get_appraisal_for(request.user, reference)
    record = _decision(appraisal)
    if record is None:
        raise Http404("No decision has been recorded")
    filename = f"{appraisal.reference}-record-of-decision.pdf"
    latest = record.publications.order_by("-number").first()
    if latest is not None:
        return _pdf_response(bytes(latest.pdf), filename, latest.sha256)
    record.appraisal = appraisal
    pdf = render(
        record,
        list(record.recommendations.all()),
        declarations=interests.declared_sentences(appraisal),
    )
    return _pdf_response(pdf, filename)


@allow("GET")
def published_pdf(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """One published version of the record of decision, as it was kept."""
    appraisal = get_appraisal_for(request.user, reference)
    published = PublishedDecision.objects.filter(
        decision__appraisal=appraisal, number=number
    ).first()
    if published is None:
        raise Http404("No such published version")
    return _pdf_response(
        bytes(published.pdf),
        f"{appraisal.reference}-record-of-decision-{number}.pdf",
        published.sha256,
    )


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
