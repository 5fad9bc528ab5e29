"""The e-mails an appraisal's work sends: who gets which, with which titles and links.

Each function is called by the action that did the thing, inside its transaction, and queues
through `emails.queue_email` (sent by a background task once the transaction commits, never
in the request). The kinds are registered in `emails`.

What goes in: the appraisal's title, the lead council's name, a panel's name, people's names
and links into the service. Never a score, a figure, a question's or an answer's words or a
report's text: those may be exempt, and an e-mail is forwarded and kept in places the
council does not control. The person who did the thing is not told about it.

Who gets what:

- asked to score: the people just put on a panel;
- scoring complete, question asked: the officers working on the appraisal (the lead
  council's officers and administrators who have changed it or created it; all of the lead
  council's officers and administrators if none has yet);
- question answered: whoever asked it;
- report ready for members, report issued: the councillors of the lead council and of the
  partners, and everyone on a panel; an issued report the working officers too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse

from .access import EDITOR_ROLES
from .emails import link, queue_email
from .history import person_name
from .models import Appraisal, Change, Membership, Option, Panel, Question, ReportVersion


def _about(appraisal: Appraisal) -> dict[str, str]:
    return {
        "appraisal_title": appraisal.title,
        "council_name": appraisal.lead_authority.name,
        "appraisal_url": link(appraisal.get_absolute_url()),
    }


def _users() -> QuerySet:
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def _councils(appraisal: Appraisal) -> list[int]:
    return [appraisal.lead_authority_id, *appraisal.partners.values_list("pk", flat=True)]


def working_officers(appraisal: Appraisal) -> QuerySet:
    """The lead council's officers and administrators working on the appraisal."""
    editors = _users().filter(
        memberships__authority=appraisal.lead_authority_id, memberships__role__in=EDITOR_ROLES
    )
    involved = Change.objects.filter(appraisal=appraisal).values("user")
    working = editors.filter(Q(pk__in=involved) | Q(pk=appraisal.created_by_id)).distinct()
    return working if working.exists() else editors.distinct()


def councillors_and_panels(appraisal: Appraisal) -> QuerySet:
    """The councillors of the lead council and the partners, and everyone on a panel who
    still has a place in one of those councils."""
    councils = _councils(appraisal)
    members = Membership.objects.filter(authority__in=councils, role=Membership.Role.MEMBER)
    on_panels = Panel.members.through.objects.filter(panel__appraisal=appraisal).values("user")
    placed = Membership.objects.filter(authority__in=councils).values("user")
    return _users().filter(
        Q(pk__in=members.values("user")) | (Q(pk__in=on_panels) & Q(pk__in=placed))
    )


def _send(kind: str, people: Iterable, *, besides, context: dict) -> list[str]:
    """Queue `kind` to `people`, leaving out `besides` (who did the thing)."""
    besides_pk = getattr(besides, "pk", None)
    return queue_email(kind, to=[p for p in people if p.pk != besides_pk], context=context)


# --------------------------------------------------------------------------------------------


def asked_to_score(*, panel: Panel, people: Iterable, by) -> list[str]:
    """ "You are asked to score": to the people just put on the panel, with the grid's link."""
    appraisal = panel.appraisal
    url = reverse("appraisals:scoring", args=[appraisal.reference, panel.key])
    return _send(
        "scoring-requested",
        people,
        besides=by,
        context={
            **_about(appraisal),
            "panel_name": panel.name,
            "scoring_url": link(url),
            "asked_by": person_name(by) if by is not None else "",
        },
    )


def panel_complete(panel: Panel) -> bool:
    """Whether the panel has scored every short-listed option (the baseline included) on
    every criterion: the grid's every cell."""
    appraisal = panel.appraisal
    options = appraisal.options.filter(status=Option.Status.SHORTLISTED)
    cells = options.count() * appraisal.criteria.count()
    scored = panel.scores.filter(option__status=Option.Status.SHORTLISTED).count()
    return cells > 0 and scored >= cells


def scoring_complete(*, panel: Panel, by) -> list[str]:
    """ "Scoring is complete": the panel has filled its grid."""
    appraisal = panel.appraisal
    return _send(
        "scoring-complete",
        working_officers(appraisal),
        besides=by,
        context={
            **_about(appraisal),
            "panel_name": panel.name,
            "results_url": link(reverse("appraisals:results", args=[appraisal.reference])),
        },
    )


def question_asked(*, question: Question) -> list[str]:
    """ "A question was asked": who asked and where to read and answer it (not its words)."""
    appraisal = question.appraisal
    return _send(
        "question-asked",
        working_officers(appraisal),
        besides=question.asked_by,
        context={
            **_about(appraisal),
            "asked_by": person_name(question.asked_by),
            "questions_url": link(reverse("appraisals:questions", args=[appraisal.reference])),
        },
    )


def question_answered(*, question: Question) -> list[str]:
    """ "Your question was answered": to the person who asked (not the answer's words)."""
    appraisal = question.appraisal
    return _send(
        "question-answered",
        [question.asked_by],
        besides=question.answered_by,
        context={
            **_about(appraisal),
            "answered_by": person_name(question.answered_by) if question.answered_by else "",
            "questions_url": link(reverse("appraisals:questions", args=[appraisal.reference])),
        },
    )


def report_ready_for_members(*, appraisal: Appraisal, by) -> list[str]:
    """ "The report is ready for members": the draft recommendations can be read."""
    return _send(
        "report-ready",
        councillors_and_panels(appraisal),
        besides=by,
        context=_about(appraisal),
    )


def report_issued(*, appraisal: Appraisal, version: ReportVersion, by) -> list[str]:
    """ "A report was issued": the version's number and date, and where to read it."""
    people = {*councillors_and_panels(appraisal), *working_officers(appraisal)}
    return _send(
        "report-issued",
        sorted(people, key=lambda p: p.pk),
        besides=by,
        context={
            **_about(appraisal),
            "version": version.number,
            "issued_on": f"{version.issued_at:%-d %B %Y}",
            "versions_url": link(reverse("appraisals:versions", args=[appraisal.reference])),
        },
    )
