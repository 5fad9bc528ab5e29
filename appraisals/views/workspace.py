"""The appraisal page (a task list) and its scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import (
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions, reports
from ..access import can_answer, can_edit, get_appraisal_for, memberships
from ..bodies import facts_of
from ..explain import format_signed, format_value, join_names, recommendation
from ..forms import ScopeForm
from ..models import (
    Appraisal,
    Criterion,
    FinancialCase,
    Membership,
    Option,
    Panel,
    Question,
    Risk,
    Score,
)
from ..results import evaluate
from ..templatetags.councilopts import url_if
from .allow import allow
from .edit import edit
from .lists import _services

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"


def _count(queryset) -> Coalesce:
    """A correlated COUNT(*) subquery on rows of this appraisal."""
    counted = (
        queryset.filter(appraisal=OuterRef("pk"))
        .order_by()
        .values("appraisal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _progress(appraisal: Appraisal) -> Appraisal:
    """The counts the task list needs, in one query of correlated subqueries."""
    candidates = Option.objects.filter(status=Option.Status.SHORTLISTED, baseline=False)
    scored = Score.objects.filter(option__appraisal=OuterRef("pk")).exclude(
        option__status=Option.Status.REJECTED
    )
    return Appraisal.objects.annotate(
        n_services=Count("services", distinct=True),
        n_options=_count(Option.objects),
        n_candidates=_count(candidates),
        n_baseline=_count(Option.objects.filter(baseline=True)),
        n_scored_options=_count(Option.objects.exclude(status=Option.Status.REJECTED)),
        n_criteria=_count(Criterion.objects),
        n_weighted=_count(Criterion.objects.filter(weight__gt=0)),
        n_panels=_count(Panel.objects),
        n_scores=Coalesce(
            Subquery(
                scored.order_by().values("option__appraisal").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        n_risks=_count(Risk.objects),
        n_cases=Coalesce(
            Subquery(
                FinancialCase.objects.filter(
                    option__appraisal=OuterRef("pk"),
                    option__status=Option.Status.SHORTLISTED,
                    option__baseline=False,
                )
                .order_by()
                .values("option__appraisal")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        n_versions=_count(appraisal.report_versions.model.objects),
        n_unanswered=_count(Question.objects.filter(answer="")),
    ).get(pk=appraisal.pk)


@dataclass(frozen=True)
class Task:
    name: str
    url: str
    status: str
    hint: str = ""
    todo: tuple[str, ...] = ()  # what is left before it is completed, in the officer's words

    @property
    def why(self) -> str:
        """The status's reason: "Short-list at least two options besides the baseline and
        mark the baseline." ("" once completed)."""
        if self.status == COMPLETED or not self.todo:
            return ""
        text = join_names(list(self.todo))
        return f"{text[:1].upper()}{text[1:]}."


def _status(done: bool, started: bool) -> str:
    return COMPLETED if done else IN_PROGRESS if started else NOT_STARTED


def _todo(*items: tuple[bool, str]) -> tuple[str, ...]:
    """The items whose condition holds: (still to do?, what)."""
    return tuple(what for left, what in items if left)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _options_hint(p: Appraisal) -> str:
    """The short-listed options in words, the baseline counted apart (the options page lists
    it among the short-listed)."""
    if not p.n_options:
        return ""
    n = p.n_candidates
    listed = f"{n} option{'' if n == 1 else 's'} short-listed"
    return f"{listed} and a baseline" if p.n_baseline else f"{listed}, no baseline yet"


def _tasks(appraisal: Appraisal, p: Appraisal) -> list[Task]:
    ref = appraisal.reference
    scope_done = bool(p.n_services and appraisal.committee_name and appraisal.meeting_date)
    cells = p.n_panels * p.n_scored_options * p.n_criteria
    options_done = p.n_candidates >= 2 and p.n_baseline == 1
    cases_left = max(p.n_candidates - p.n_cases, 0)
    return [
        Task(
            "Scope",
            reverse("appraisals:scope-edit", args=[ref]),
            _status(scope_done, True),
            todo=_todo(
                (not p.n_services, "choose the services"),
                (not appraisal.committee_name, "name the committee"),
                (not appraisal.meeting_date, "set the meeting date"),
            ),
        ),
        Task(
            "Options",
            reverse("appraisals:options", args=[ref]),
            _status(options_done, p.n_options > 0),
            _options_hint(p),
            _todo(
                (p.n_candidates < 2, "short-list at least two options besides the baseline"),
                (p.n_baseline == 0, "mark the baseline"),
            ),
        ),
        Task(
            "Criteria and weights",
            reverse("appraisals:criteria", args=[ref]),
            _status(p.n_criteria >= 2 and p.n_weighted > 0, p.n_criteria > 0),
            f"{p.n_criteria} criteria" if p.n_criteria else "",
            _todo(
                (p.n_criteria < 2, "add at least two criteria"),
                (p.n_criteria > 0 and not p.n_weighted, "weight the criteria"),
            ),
        ),
        Task(
            "Panels and scoring",
            reverse("appraisals:panels", args=[ref]),
            _status(cells > 0 and p.n_scores >= cells, p.n_panels > 0),
            f"{p.n_scores} of {cells} scores" if cells else "",
            _todo(
                (not p.n_panels, "add a panel"),
                (p.n_panels > 0 and not cells, "add options and criteria to score"),
                (cells > p.n_scores, f"give the {_plural(cells - p.n_scores, 'score')} left"),
            ),
        ),
        Task(
            "Risks",
            reverse("appraisals:risks", args=[ref]),
            _status(p.n_risks > 0, False),
            todo=_todo((not p.n_risks, "record at least one risk")),
        ),
        Task(
            "Finance",
            reverse("appraisals:finances", args=[ref]),
            _status(p.n_candidates > 0 and p.n_cases >= p.n_candidates, p.n_cases > 0),
            todo=_todo(
                (not p.n_candidates, "short-list the options to cost"),
                (
                    cases_left > 0,
                    f"enter the financial case of {_plural(cases_left, 'short-listed option')}"
                    + (" more" if p.n_cases else ""),
                ),
            ),
        ),
        Task(
            "Committee report",
            url_if("appraisals:report", ref),
            _status(p.n_versions > 0, bool(appraisal.narrative)),
            todo=_todo(
                (not appraisal.narrative, "write the report"),
                (bool(appraisal.narrative), "check and issue the report"),
            ),
        ),
    ]


@allow("GET")
def appraisal(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    prefetch_related_objects([appraisal], "partners")  # for can_answer and the scope summary
    if not can_edit(request.user, appraisal):
        return _members_view(request, appraisal)
    progress = _progress(appraisal)
    return render(
        request,
        "appraisals/appraisal.html",
        {
            "appraisal": appraisal,
            "tasks": _tasks(appraisal, progress),
            "progress": progress,
            "unanswered": progress.n_unanswered,
            "can_edit": True,
            "can_answer": True,
            "offer_json": True,
            "section": "tasks",
            **_scope_summary(appraisal),
        },
    )


@dataclass(frozen=True)
class Standing:
    """Where the appraisal stands, in words, for the members' view."""

    leader: str  # the leading option's name, "" while none can be ranked
    value: str  # its overall score out of 100
    baseline: str  # the baseline's name, "" if none
    vs_baseline: str  # the leader's lead over the baseline, "" if not known
    provisional: int  # short-listed options not yet scored on every criterion
    close_call: bool
    recommendation: str = ""  # the option officers recommend, against the ranking
    preferred: str = ""  # the option the recommendations are drafted for: marked, or leading


def _standing(appraisal: Appraisal) -> Standing | None:
    """The leading option, from the same method as the results page (without the Monte
    Carlo samples, which this page does not show). None if the results cannot be computed."""
    try:
        evaluation = evaluate(appraisal, samples=0)
    except ValueError:  # e.g. a pairwise matrix that no longer fits the criteria
        return None
    result = evaluation.result
    leader = next((o for o in result.options if o.key == result.leader), None)
    cc = result.close_call
    return Standing(
        leader=evaluation.option_name(leader.key) if leader else "",
        value=format_value(leader.value) if leader and leader.value is not None else "",
        baseline=evaluation.option_name(result.baseline) if result.baseline else "",
        vs_baseline=format_signed(leader.vs_baseline if leader else None),
        provisional=sum(1 for o in result.options if o.candidate and not o.complete),
        close_call=bool(cc and (cc.within_margin or cc.flips)),
        preferred=evaluation.option_name(evaluation.recommended or result.leader)
        if (evaluation.recommended or result.leader)
        else "",
        # Said after "The leading option is …": no need to name it again.
        recommendation=(
            "Officers recommend this option."
            if leader and evaluation.recommended == leader.key
            else recommendation(result, evaluation.recommended)
        ),
    )


def _members_view(request: HttpRequest, appraisal: Appraisal) -> HttpResponse:
    """The appraisal for people who cannot change it (members, partners' officers): where it
    stands and where to read more, without the editing tasks; scoring only for their panels."""
    panels = appraisal.panels.filter(members=request.user).order_by("order", "pk")
    standing = _standing(appraisal)
    return render(
        request,
        "appraisals/appraisal.html",
        {
            "appraisal": appraisal,
            "standing": standing,
            "my_panels": [
                (panel.name, reverse("appraisals:scoring", args=[appraisal.reference, panel.key]))
                for panel in panels
            ],
            **recommendations_context(appraisal, standing.preferred if standing else None),
            "can_edit": False,
            "can_answer": can_answer(request.user, appraisal),
            # JSON is for moving an appraisal between installations, which officers do (a
            # partner council's too); councillors read the spreadsheet or the report.
            "offer_json": can_answer(request.user, appraisal),
            "section": "tasks",
            **_scope_summary(appraisal),
        },
    )


def recommendations_context(appraisal: Appraisal, preferred: str | None) -> dict[str, Any]:
    """What members see of the officers' recommendations (one query): the latest issued
    report, and the draft recommendations once an officer has marked them ready (drafted for
    the `preferred` option until the officers write their own)."""
    draft = None
    if appraisal.draft_ready_for_members:
        draft = reports.recommendation_paragraphs(
            (appraisal.narrative or {}).get("recommendations", ""), preferred or None
        )
    return {
        "latest_version": appraisal.report_versions.only("appraisal", "number", "issued_at")
        .order_by("-number")
        .first(),
        "draft_recommendations": draft,
    }


def _scope_summary(appraisal: Appraisal) -> dict[str, Any]:
    """The scope in words for the summary list, and the bodies' facts (two queries:
    partners, services; none more for the facts, the lead being loaded with the appraisal)."""
    committee = ", ".join(
        part
        for part in (
            appraisal.committee_name,
            appraisal.meeting_date and f"{appraisal.meeting_date:%-d %B %Y}",
            appraisal.agenda_item and f"agenda item {appraisal.agenda_item}",
        )
        if part
    )
    target = appraisal.target_pounds or 0
    year = appraisal.savings_target_year
    percent = appraisal.savings_target_percent
    return {
        "partners_text": ", ".join(a.name for a in appraisal.partners.all()),
        "services_text": ", ".join(s.name for s in appraisal.services.all()),
        "committee_text": committee,
        "savings_text": f"£{target:,.0f} a year"
        + (f" by year {year}" if year is not None else "")
        + (f" ({percent:g}% of the net revenue budget)" if percent is not None else ""),
        "scale_text": f"{appraisal.scale_min:g} to {appraisal.scale_max:g}",
        "bodies": facts_of(appraisal),
    }


def scope_edit(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)

    def build(data) -> ScopeForm:
        # Read afresh each time (a bound form also writes onto its instance).
        stored = Appraisal.objects.get(pk=appraisal.pk)
        if data is None:
            return ScopeForm(instance=stored)
        recorded = Score.objects.filter(panel__appraisal=appraisal).aggregate(
            low=Min("score"), high=Max("score")
        )
        score_range = (recorded["low"], recorded["high"]) if recorded["low"] is not None else None
        return ScopeForm(data, instance=stored, score_range=score_range)

    def save(form: ScopeForm) -> None:
        fields = {
            "appraisal": Appraisal.objects.get(pk=appraisal.pk),
            "user": request.user,
            "changes": form.scope_changes(),
            "services": _services(form),
        }
        partners = list(form.cleaned_data["partners"])
        try:
            actions.update_scope(
                **fields, partners=partners, new_partner=form.cleaned_data["new_partner"]
            )
        except actions.BodyExists as exists:  # listed by someone else since the form checked
            actions.update_scope(**fields, partners=[*partners, exists.existing])

    form = edit(
        request, appraisal, build=build, save=save, kinds=["appraisal"], subjects=[appraisal.title]
    )
    if form.saved:
        messages.success(request, "Scope saved.")
        return redirect(appraisal)
    return render(request, "appraisals/scope.html", _scope_context(appraisal, form, request.user))


def _scope_context(appraisal: Appraisal, form: ScopeForm | None, user) -> dict:
    form = form or ScopeForm(instance=appraisal)
    return {
        "appraisal": appraisal,
        "form": form,
        "section": "tasks",
        "bodies": facts_of(Appraisal.objects.select_related("lead_authority").get(pk=appraisal.pk)),
        # The bodies whose facts this user keeps (their administrators): a link to them.
        "administered": [
            pk for pk, role in memberships(user).items() if role == Membership.Role.ADMINISTRATOR
        ],
    }
