"""Before issuing: what a check-your-answers page lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils import timezone

from ..decisions import working_day_after
from ..explain import join_names, recommendation
from ..models import Appraisal
from ..results import Evaluation, derived, evaluate
from .build import build_report, delivery_models
from .formatting import _date
from .narrative import (
    NARRATIVE_KEYS,
    NARRATIVE_SECTIONS,
    NarrativeSection,
    parse_narrative,
)
from .signoff import SIGNED, WHAT, SignOffs, applies, sign_offs_for
from .structure import Report


@dataclass(frozen=True)
class Problem:
    text: str
    field: str  # the form field (or narrative key) that fixes it

    @property
    def page(self) -> str:
        """The page whose form fixes it: the scope for the meeting date (edited there alone,
        with its day, month and year boxes), the report page for the rest."""
        if self.field.startswith("sign-off-"):
            return "sign-off"
        return "scope" if self.field == "meeting_date" else "report"

    @property
    def form_field(self) -> str:
        """The form's field to link to: narrative keys are `narrative_<key>` on the report
        page; the meeting date is the scope's day box."""
        if self.field == "meeting_date":
            return "meeting_day"
        return f"narrative_{self.field}" if self.field in NARRATIVE_KEYS else self.field


def report_problems(appraisal: Appraisal, evaluation: Evaluation | None = None) -> list[Problem]:
    """What stops the report from being issued: header facts members rely on, and the
    recommendations members vote on."""
    problems = []
    a = appraisal
    needed = [
        (a.committee_name, "Enter the committee the report goes to", "committee_name"),
        (a.meeting_date, "Enter the date of the meeting", "meeting_date"),
        (a.agenda_item, "Enter the agenda item number", "agenda_item"),
        (a.report_of, "Enter the director or portfolio holder the report is from", "report_of"),
        (a.report_author, "Enter the report's author", "report_author"),
        (
            a.portfolio_holder or not a.uses_portfolio_holders,
            "Enter the portfolio holder, or say the council has none",
            "portfolio_holder",
        ),
        (a.contact_name, "Enter the contact officer's name", "contact_name"),
        (a.contact_telephone, "Enter the contact officer's telephone number", "contact_telephone"),
        (a.contact_email, "Enter the contact officer's email address", "contact_email"),
        (
            a.forward_plan_reference.strip() or not a.key_decision,
            "Enter the key decision's forward plan reference",
            "forward_plan_reference",
        ),
    ]
    problems += [Problem(text, field) for value, text, field in needed if not value]
    narrative = appraisal.narrative or {}
    if not parse_narrative(narrative.get("recommendations", ""), one_per_line=True):
        problems.append(
            Problem("Write the recommendations members are asked to agree", "recommendations")
        )
    return problems


# Local Government Act 1972 s.100B(3): the agenda and its reports are open to inspection at
# least five clear days before the meeting (counted here in working days).
CLEAR_DAYS = 5


def issue_problems(appraisal: Appraisal, evaluation: Evaluation | None = None) -> list[Problem]:
    """What stops an officer issuing the report from the check page: `report_problems`, a
    meeting already held, and each narrative section the paper would print as a "Not yet
    written" box (a clerk would never publish that). Sections the report fills from the
    appraisal itself (background, the options, consultation and so on) need no text of the
    officer's. (Not `issue_report` itself: a historical paper, as the demos are, may still
    be issued by a script.)"""
    problems = report_problems(appraisal)
    meeting, today = appraisal.meeting_date, timezone.localdate()
    if meeting is not None and meeting < today:
        problems.append(
            Problem(
                f"The meeting on {_date(meeting)} has already taken place: enter the date of "
                "the meeting the report now goes to",
                "meeting_date",
            )
        )
    flagged = {p.field for p in problems}
    evaluation = evaluation or evaluate(appraisal)
    problems += [
        Problem(f"Write the section “{s.title}”", s.key)
        for s in placeholder_sections(evaluation)
        if s.key not in flagged
    ]
    problems += sign_off_problems(evaluation, sign_offs_for(appraisal))
    return problems


def sign_off_problems(evaluation: Evaluation, sign_offs: SignOffs) -> list[Problem]:
    """Where the council requires sign-off: each section its statutory officer has not
    agreed as it prints now, naming who must agree it (none where not required)."""
    if not sign_offs.required:
        return []
    built = {s.key: s for s in build_report(evaluation).sections}
    problems = []
    for key, _, role in SIGNED:
        agreement = sign_offs.agreements.get(key)
        if applies(agreement, built[key]):
            continue
        what = WHAT[key]
        named = sign_offs.officers.get(key)
        if named is None:
            text = f"Ask a council administrator to name the {role}, who must agree the {what}"
        elif agreement is not None:
            text = (
                f"Ask {named}, {role}, to agree the {what} again: they changed after "
                f"{agreement.name} agreed them"
            )
        else:
            text = f"Ask {named}, {role}, to agree the {what}"
        problems.append(Problem(text, f"sign-off-{key}"))
    return problems


def issue_warnings(evaluation: Evaluation) -> list[str]:
    """What members should know the report rests on, said before it is issued (none stops
    it): options still provisional, scores the panels have not given, and an option
    recommended against the ranking."""
    doc, r = evaluation.document, evaluation.result
    warnings = []
    provisional = [
        evaluation.option_name(o.key) for o in r.options if o.candidate and not o.complete
    ]
    if provisional:
        n = len(provisional)
        warnings.append(
            f"{join_names(provisional)} {'is' if n == 1 else 'are'} provisional: not yet scored "
            f"on every criterion, so the report gives {'it' if n == 1 else 'them'} no value "
            "and no rank."
        )
    scored = {
        o["key"] for o in doc["options"] if o.get("status") == "shortlisted" or o.get("baseline")
    }
    expected = len(scored) * len(doc["criteria"])
    given: dict[str, int] = {}
    for score in doc["scores"]:
        if score["option"] in scored:
            given[score["panel"]] = given.get(score["panel"], 0) + 1
    short = [(p["name"], expected - given.get(p["key"], 0)) for p in doc["panels"]]
    short = [(name, n) for name, n in short if n > 0]
    if expected and short:
        total = sum(n for _, n in short)
        each = "; ".join(f"{name}: {n} of {expected}" for name, n in short)
        warnings.append(
            f"Scoring is incomplete: {total} score{'' if total == 1 else 's'} not given ({each}). "
            "The results use the scores that were given."
        )
    if evaluation.recommended and evaluation.recommended != r.leader:
        warnings.append(recommendation(r, evaluation.recommended))
    late = late_notice((doc.get("committee") or {}).get("meeting_date"), timezone.localdate())
    if late:
        warnings.append(late)
    return warnings


def late_notice(meeting: str | dt.date | None, today: dt.date) -> str:
    """What a clerk says of a report issued fewer than five clear working days before its
    meeting ("" if it is in time, or the meeting is past or not set): it can go only as a
    late item that the chair agrees is urgent."""
    if isinstance(meeting, str):
        meeting = dt.date.fromisoformat(meeting) if meeting else None
    # In time when five working days fall between today and the meeting, neither counted.
    if meeting is None or meeting < today or meeting > working_day_after(today, CLEAR_DAYS):
        return ""
    return (
        f"The meeting on {_date(meeting)} is fewer than {CLEAR_DAYS} clear working days away, "
        f"so the report cannot be open to inspection for the {CLEAR_DAYS} clear days the law "
        "requires (Local Government Act 1972, section 100B). It can go only as a late item: "
        "the chair must agree it is urgent, and the report must say why it cannot wait until "
        "the next meeting."
    )


def placeholder_sections(evaluation: Evaluation) -> list[NarrativeSection]:
    """Narrative sections the report, as it stands, prints as a "Not yet written" box.
    Building the whole report to find out takes a while at 12 x 40 x 6 (its charts and
    tables): the answer is kept for each evaluation and state of the delivery models."""
    models, models_key = delivery_models(evaluation)

    def find() -> list[NarrativeSection]:
        report = build_report(evaluation, models=models)
        empty = {section.key for section in report.sections if section.unwritten}
        return [s for s in NARRATIVE_SECTIONS if s.key in empty]

    return derived(evaluation, f"placeholder-sections:{models_key}", find)


def unwritten_sections(narrative: Mapping[str, str]) -> list[NarrativeSection]:
    """Narrative sections with nothing written (the report prints a placeholder for some)."""
    return [s for s in NARRATIVE_SECTIONS if not parse_narrative(narrative.get(s.key, ""))]


def iter_section_titles(report: Report) -> Iterable[str]:
    for section in report.sections:
        yield f"{section.number}. {section.title}"
    for appendix in report.appendices:
        yield f"Appendix {appendix.number}: {appendix.title}"
