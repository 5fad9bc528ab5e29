"""Statutory sign-off: a council's administrators name its chief finance officer and
monitoring officer; those officers agree the financial and legal implications of a report
as it prints, and the page says plainly where an agreement no longer applies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from councils.access import get_council_for
from councils.navigation import sections_for

from .. import reports
from ..access import memberships
from ..actions.signoff import (
    NotTheOfficer,
    agree_section,
    set_statutory_officers,
    statutory_candidates,
)
from ..forms_signoff import AgreeForm, StatutoryOfficersForm
from ..history import Conflict
from ..models import Authority, Membership, SignOff
from ..reports.signoff import SIGNED, WHAT, applies, fingerprint_of, signed_text
from ..results import evaluate
from .allow import allow


@dataclass(frozen=True)
class SectionState:
    key: str
    title: str
    role: str
    what: str
    officer: str  # the named officer's name, "" if none
    is_you: bool  # the person reading is the named officer
    text: str  # the section as it prints now, as agreed
    fingerprint: str
    agreement: SignOff | None  # the latest
    holds: bool  # the latest agreement is of the text as it prints now


@allow("GET", "POST")
def report_sign_off(request: HttpRequest, reference: str) -> HttpResponse:
    """Each signed section as it prints now, who must agree it and whether they have."""
    from ..access import get_appraisal_for

    appraisal = get_appraisal_for(request.user, reference, edit=True)
    if request.method == "POST":
        form = AgreeForm(request.POST)
        if not form.is_valid():
            raise Http404("No such section")
        section = form.cleaned_data["section"]
        try:
            agreement = agree_section(
                appraisal=appraisal,
                user=request.user,
                section=section,
                fingerprint=form.cleaned_data["fingerprint"],
            )
        except NotTheOfficer:
            raise PermissionDenied(
                "Only the officer the council names may agree this section."
            ) from None
        except Conflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, reports.signoff.agreed_sentence(_agreement(agreement)))
        return redirect("appraisals:report-sign-off", appraisal.reference)
    council = Authority.objects.select_related("chief_finance_officer", "monitoring_officer").get(
        pk=appraisal.lead_authority_id
    )
    built = {s.key: s for s in reports.build_report(evaluate(appraisal)).sections}
    latest: dict[str, SignOff] = {}
    for row in appraisal.sign_offs.order_by("section", "-signed_at", "-pk"):
        latest.setdefault(row.section, row)
    states = []
    for key, attribute, role in SIGNED:
        section = built[key]
        officer = getattr(council, attribute)
        agreement = latest.get(key)
        text = signed_text(section)
        states.append(
            SectionState(
                key=key,
                title=section.title,
                role=role,
                what=WHAT[key],
                officer=officer.get_full_name() or officer.get_username() if officer else "",
                is_you=officer is not None and officer.pk == request.user.pk,
                text=text,
                fingerprint=fingerprint_of(text),
                agreement=agreement,
                holds=agreement is not None and applies(_agreement(agreement), section),
            )
        )
    return render(
        request,
        "appraisals/report_sign_off.html",
        {
            "appraisal": appraisal,
            "section": "report",
            "states": states,
            "required": council.sign_off_required,
            "council": council,
            "is_administrator": memberships(request.user).get(council.pk)
            == Membership.Role.ADMINISTRATOR,
        },
    )


def _agreement(row: SignOff) -> reports.signoff.Agreement:
    return reports.signoff.Agreement(row.section, row.name, row.role, row.signed_at, row.sha256)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def statutory_officers(request: HttpRequest, pk: int) -> HttpResponse:
    """In "Your council", for its administrators: who its statutory officers are, and whether
    its reports wait for their agreement. Another council's people get 404, its own officers
    and members 403 (`councils.access`)."""
    council = get_council_for(request.user, pk)
    form = StatutoryOfficersForm(
        request.POST or None,
        candidates=statutory_candidates(council),
        initial={
            "chief_finance_officer": council.chief_finance_officer_id,
            "monitoring_officer": council.monitoring_officer_id,
            "sign_off_required": council.sign_off_required,
        },
    )
    if request.method == "POST" and form.is_valid():
        changed = set_statutory_officers(authority=council, user=request.user, **form.cleaned_data)
        if changed:
            messages.success(request, "The statutory officers have been saved.")
        else:
            messages.info(request, "There were no changes to save.")
        return redirect("appraisals:statutory-officers", council.pk)
    return render(
        request,
        "appraisals/statutory_officers.html",
        {
            "council": council,
            "form": form,
            "section": "statutory-officers",
            "sections": sections_for(administrator=True),
        },
    )
