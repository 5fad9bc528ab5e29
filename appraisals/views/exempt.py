"""Exempt information (Schedule 12A): the page that lists the parts marked exempt, where the
lead council's officers mark and unmark them and say whether partners may read them; and the
exempt appendix, a separate PDF marked NOT FOR PUBLICATION, for those who may."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions, exempt
from ..access import can_edit, get_appraisal_for
from ..forms_exempt import ExemptPartForm, ExemptToPartnersForm
from ..models import Appraisal, ExemptAppendix, ExemptPart
from ..results import evaluate
from .allow import allow
from .edit import click, edit, stamped, state_form


def _url(appraisal: Appraisal) -> str:
    return reverse("appraisals:exempt", args=[appraisal.reference])


def _parts(appraisal: Appraisal) -> list[ExemptPart]:
    parts = list(
        appraisal.exempt_parts.select_related("option", "risk", "appraisal").order_by("order", "pk")
    )
    for part in parts:
        part.name = actions.exempt.part_name(part)
    return parts


def _partners_form(appraisal: Appraisal, data=None) -> ExemptToPartnersForm:
    return ExemptToPartnersForm(data, initial={"exempt_to_partners": appraisal.exempt_to_partners})


@allow("GET", "POST")
def exempt_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Everyone who can see the appraisal reads what is exempt and why (the open report says
    so too); the lead council's officers mark parts exempt here."""
    appraisal = get_appraisal_for(request.user, reference, edit=request.method == "POST")
    editor = can_edit(request.user, appraisal)
    form = None
    if editor:

        def save(form: ExemptPartForm) -> None:
            kind, _, target = form.cleaned_data["part"].partition(":")
            fields: dict = {}
            if kind == ExemptPart.Kind.FINANCE:
                fields["option"] = appraisal.options.get(key=target)
            elif kind == ExemptPart.Kind.RISK:
                fields["risk"] = appraisal.risks.get(pk=int(target))
            else:
                fields["section"] = target
            actions.mark_exempt(
                appraisal=appraisal,
                user=request.user,
                kind=kind,
                paragraph=form.cleaned_data["paragraph"],
                reason=form.cleaned_data["reason"],
                **fields,
            )

        form = edit(
            request,
            appraisal,
            build=lambda data: ExemptPartForm(data, appraisal=appraisal),
            save=save,
            kinds=["exempt"],
        )
        if form.saved:
            messages.success(request, "The part is marked exempt.")
            return redirect(_url(appraisal))
    parts = _parts(appraisal)
    partners_form = stamped(appraisal, _partners_form(appraisal)) if editor else None
    for part in parts:
        part.stamp = stamped(appraisal, _part_state(part)).stamp if editor else ""
    return render(
        request,
        "appraisals/exempt.html",
        {
            "appraisal": appraisal,
            "section": "exempt",
            "parts": parts,
            "form": form,
            "partners_form": partners_form,
            "has_partners": appraisal.partners.exists(),
            "may_see": exempt.may_see(request.user, appraisal),
            "letter": exempt.letter_for(appraisal.narrative or {}),
        },
    )


def _part_state(part: ExemptPart):
    return state_form(
        {
            "paragraph": ("Paragraph", part.paragraph),
            "reason": ("Public-interest reason", part.reason),
        }
    )


@allow("POST")
def exempt_partners(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    form = edit(
        request,
        appraisal,
        build=lambda data: _partners_form(appraisal, data),
        save=lambda form: actions.set_exempt_to_partners(
            appraisal=appraisal,
            user=request.user,
            allowed=form.cleaned_data["exempt_to_partners"],
        ),
        kinds=["exempt"],
    )
    if form.saved:
        messages.success(
            request,
            "Partners’ users may now read the exempt information."
            if appraisal.exempt_to_partners
            else "Only the lead council’s officers and members may read the exempt information.",
        )
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect(_url(appraisal))


@allow("POST")
def exempt_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    part = (
        appraisal.exempt_parts.select_related("option", "risk", "appraisal").filter(pk=pk).first()
    )
    if part is None:
        raise Http404("No such exempt part")
    refused = click(
        request,
        appraisal,
        shown=lambda: _part_state(part),
        act=lambda: actions.unmark_exempt(appraisal=appraisal, user=request.user, part=part),
        kinds=["exempt"],
    )
    if refused is not None:
        for line in refused:
            messages.error(request, line)
    else:
        messages.success(request, "The part is no longer exempt: the open report includes it.")
    return redirect(_url(appraisal))


@allow("GET")
def exempt_appendix(request: HttpRequest, reference: str) -> HttpResponse:
    """The exempt appendix as PDF: for those who may read it; anyone else gets 404, as for an
    appraisal they cannot see."""
    appraisal = get_appraisal_for(request.user, reference)
    if not exempt.may_see(request.user, appraisal):
        raise Http404("No such appendix")
    from ..reports.exempt_appendix import render_exempt_appendix

    evaluation = evaluate(appraisal)
    if not exempt.marks_of(evaluation.document):
        raise Http404("Nothing is exempt")
    pdf = render_exempt_appendix(appraisal, evaluation)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{appraisal.reference}-exempt-appendix.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = '"' + hashlib.sha256(pdf).hexdigest() + '"'
    return response


@allow("GET")
def version_exempt_appendix(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """An issued version's exempt appendix, exactly as kept when it was issued: for those who
    may read it; 404 for anyone else, and for a version that had none."""
    appraisal = get_appraisal_for(request.user, reference)
    if not exempt.may_see(request.user, appraisal):
        raise Http404("No such appendix")
    kept = ExemptAppendix.objects.filter(
        report_version__appraisal=appraisal, report_version__number=number
    ).first()
    if kept is None:
        raise Http404("This version had no exempt appendix")
    response = HttpResponse(bytes(kept.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{appraisal.reference}-exempt-appendix-v{number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{kept.sha256}"'
    return response
