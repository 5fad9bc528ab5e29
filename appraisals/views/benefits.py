"""Implementation and benefits of the chosen option: milestones, actual costs and savings by
year against the financial case and the savings target, the trajectory chart, and the
benefits realisation report for committee."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .. import actions, exempt
from ..access import can_edit, get_appraisal_for
from ..benefits import Actual, Benefits, benefits
from ..charts import trajectory_chart
from ..forms_decision import ActualYearForm, MilestoneForm
from ..models import ActualYear, Appraisal, Decision, Milestone
from .allow import allow
from .edit import edit


def _decision(appraisal: Appraisal) -> Decision | None:
    return (
        Decision.objects.filter(appraisal=appraisal)
        .select_related("report_version")
        .defer("report_version__pdf", "report_version__html", "report_version__docx")
        .first()
    )


def plan_for(appraisal: Appraisal, decision: Decision) -> Benefits:
    return benefits(
        decision.report_version.snapshot or {},
        decision.chosen_option,
        [Actual(a.year, a.costs, a.savings, a.note) for a in appraisal.actuals.all()],
        target=appraisal.target_pounds,
        target_year=appraisal.savings_target_year,
        target_percent=appraisal.savings_target_percent,
    )


def _withheld(request: HttpRequest, appraisal: Appraisal, decision) -> bool:
    """The chosen option's financial case is exempt, and this user may not read it: its
    figures, and the actuals set against them, stay out (appraisals.exempt)."""
    return bool(
        decision
        and decision.chosen_option
        and exempt.actuals_withheld(appraisal)
        and not exempt.may_see(request.user, appraisal)
    )


def _url(appraisal: Appraisal) -> str:
    return reverse("appraisals:benefits", args=[appraisal.reference])


@allow("GET")
def benefits_page(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    decision = _decision(appraisal)
    withheld = _withheld(request, appraisal, decision)
    chosen = decision and decision.chosen_option and not withheld
    plan = plan_for(appraisal, decision) if chosen else None
    from ..reports.after_decision import target_words

    return render(
        request,
        "appraisals/benefits.html",
        {
            "appraisal": appraisal,
            "section": "benefits",
            "decision": decision,
            "plan": plan,
            "chart": trajectory_chart(plan) if plan else None,
            "target_text": target_words(plan) if plan else "",
            "milestones": list(appraisal.milestones.all()),
            "can_edit": can_edit(request.user, appraisal),
            "withheld": withheld,
            "implementing": appraisal.status == Appraisal.Status.IMPLEMENTING,
            "planning": appraisal.status
            in (Appraisal.Status.DECIDED, Appraisal.Status.IMPLEMENTING),
        },
    )


@allow("GET")
def benefits_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The benefits realisation report for committee, through the report's PDF pipeline."""
    from ..reports import write_pdf
    from ..reports.after_decision import benefits_report, render_paper

    appraisal = get_appraisal_for(request.user, reference)
    decision = _decision(appraisal)
    if decision is None or not decision.chosen_option:
        raise Http404("No option has been chosen to implement")
    if _withheld(request, appraisal, decision):
        raise Http404("The chosen option's financial case is exempt information")
    plan = plan_for(appraisal, decision)
    paper = benefits_report(
        plan,
        list(appraisal.milestones.all()),
        council=appraisal.lead_authority.name,
        committee=appraisal.committee_name or decision.maker_name,
        title=appraisal.title,
        reference=appraisal.reference,
        decided=f"{decision.maker_name}, {decision.decided_on:%-d %B %Y} "
        f"(minute {decision.minute_reference})",
    )
    response = HttpResponse(write_pdf(render_paper(paper)), content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{appraisal.reference}-benefits-{stamp}.pdf"'
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def _milestone(appraisal: Appraisal, pk: int) -> Milestone:
    try:
        return appraisal.milestones.get(pk=pk)
    except Milestone.DoesNotExist:
        raise Http404("No such milestone") from None


def milestone_form(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    """Add a milestone (no pk) or change one."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    milestone = _milestone(appraisal, pk) if pk is not None else None
    refused: list[str] = []

    def build(data) -> MilestoneForm:
        if data is not None:
            return MilestoneForm(data)
        stored = _milestone(appraisal, pk) if pk is not None else None
        initial = (
            {name: getattr(stored, name) for name in MilestoneForm.base_fields}
            if stored
            else {"status": Milestone.Status.NOT_STARTED}
        )
        return MilestoneForm(initial=initial)

    def save(form: MilestoneForm) -> None:
        try:
            actions.save_milestone(
                appraisal=appraisal,
                user=request.user,
                fields=dict(form.cleaned_data),
                milestone=_milestone(appraisal, pk) if pk is not None else None,
            )
        except actions.NotAllowed as error:
            refused.append(str(error))

    form = edit(
        request,
        appraisal,
        build=build,
        save=save,
        kinds=["benefits"],
        subjects=[str(milestone)] if milestone else [],
    )
    if form.saved:
        if refused:
            messages.error(request, refused[0])
        else:
            messages.success(request, "Milestone saved.")
        return redirect(_url(appraisal) + "#milestones")
    return render(
        request,
        "appraisals/milestone_form.html",
        {"appraisal": appraisal, "section": "benefits", "form": form, "milestone": milestone},
    )


def actual_year(request: HttpRequest, reference: str, year: int) -> HttpResponse:
    """Enter or correct one year's actual costs and savings."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    decision = _decision(appraisal)
    if decision is None or not decision.chosen_option:
        raise Http404("No option has been chosen to implement")
    plan = plan_for(appraisal, decision)
    row = next((r for r in plan.rows if r.year == year), None)
    if row is None:
        raise Http404("No such year in the financial case")
    refused: list[str] = []

    def build(data) -> ActualYearForm:
        if data is not None:
            return ActualYearForm(data)
        stored = ActualYear.objects.filter(appraisal=appraisal, year=year).first()
        initial = (
            {"costs": stored.costs, "savings": stored.savings, "note": stored.note}
            if stored
            else {}
        )
        return ActualYearForm(initial=initial)

    def save(form: ActualYearForm) -> None:
        try:
            actions.save_actual_year(
                appraisal=appraisal, user=request.user, year=year, fields=dict(form.cleaned_data)
            )
        except actions.NotAllowed as error:
            refused.append(str(error))

    form = edit(
        request,
        appraisal,
        build=build,
        save=save,
        kinds=["benefits"],
        subjects=[f"Year {year}"],
    )
    if form.saved:
        if refused:
            messages.error(request, refused[0])
        else:
            messages.success(request, f"Actual figures for year {year} saved.")
        return redirect(_url(appraisal) + "#actuals")
    return render(
        request,
        "appraisals/actual_year_form.html",
        {
            "appraisal": appraisal,
            "section": "benefits",
            "form": form,
            "row": row,
            "year": year,
            "plan": plan,
        },
    )
