"""Exempt information (Schedule 12A to the Local Government Act 1972).

An officer of the lead council marks parts of an appraisal exempt (`ExemptPart`): an
option's financial case, a risk, or a narrative section of the report, each with its
paragraph of Part 1 of Schedule 12A and the reason the public interest favours keeping it
exempt. The marks travel in the interchange document (`report.exempt`), so the report, the
snapshots of issued versions and "What changed" all read them from there.

One rule, applied in one place: whoever may not read exempt information (`may_see`) is given
the appraisal *opened* (`open_document`, `open_evaluation`): the exempt option's financial
case removed, the exempt risk's words replaced by where to find them, the exempt section's
text replaced in the same way. The committee report is always built opened (it is what the
council publishes); the exempt parts go in their own appendix, a separate PDF marked NOT FOR
PUBLICATION (`reports.exempt_appendix`), which only those who may see them can download.

Who may see them: the lead council's officers, administrators and members; the partners'
users too where the lead council allows it (`Appraisal.exempt_to_partners`, off unless set).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import engine
from .access import memberships
from .models import Appraisal

# What each paragraph of Part 1 of Schedule 12A covers, shortened.
PARAGRAPHS: dict[int, str] = {
    1: "information relating to any individual",
    2: "information likely to reveal the identity of an individual",
    3: "information relating to the financial or business affairs of any particular person "
    "(including the council)",
    4: "information relating to consultations or negotiations on a labour relations matter",
    5: "information covered by legal professional privilege",
    6: "information revealing that the council proposes to give a notice or make an order or "
    "direction under any enactment",
    7: "information relating to the prevention, investigation or prosecution of crime",
}
ACT = "Part 1 of Schedule 12A to the Local Government Act 1972"
REASON_LIMIT = 2000
# Narrative sections that cannot be exempt: the report cannot be read or listed without them.
NOT_EXEMPTABLE = frozenset({"purpose", "recommendations", "appendices", "contact"})
APPENDIX_TITLE = "Exempt information"


@dataclass(frozen=True)
class Mark:
    kind: str  # finance | risk | section
    target: str | int  # option key, risk index (0-based, in the register's order), section key
    paragraph: int
    reason: str


@dataclass(frozen=True)
class Marks:
    """The exempt parts of one document, and the letter of the exempt appendix."""

    parts: tuple[Mark, ...] = ()
    letter: str = ""

    def __bool__(self) -> bool:
        return bool(self.parts)

    def of(self, kind: str) -> dict[Any, Mark]:
        return {m.target: m for m in self.parts if m.kind == kind}

    @property
    def finance(self) -> dict[str, Mark]:
        return self.of("finance")

    @property
    def risks(self) -> dict[int, Mark]:
        return self.of("risk")

    @property
    def sections(self) -> dict[str, Mark]:
        return self.of("section")

    @property
    def paragraphs(self) -> list[int]:
        return sorted({m.paragraph for m in self.parts})

    def where(self) -> str:
        """ "exempt Appendix G" """
        return f"exempt Appendix {self.letter}"

    def paragraphs_words(self) -> str:
        from .explain import join_names

        numbers = self.paragraphs
        return ("paragraph " if len(numbers) == 1 else "paragraphs ") + join_names(
            [str(n) for n in numbers]
        )


NO_MARKS = Marks()


def marks_of(doc: Mapping[str, Any]) -> Marks:
    """The document's exempt parts (`report.exempt`), and the letter their appendix takes:
    after appendices A to E and the officer's own attached papers (F, G …)."""
    report = doc.get("report") or {}
    found = tuple(
        Mark(
            kind=p["part"],
            target=p.get({"finance": "option", "risk": "risk", "section": "section"}[p["part"]]),
            paragraph=int(p["paragraph"]),
            reason=p.get("reason", ""),
        )
        for p in report.get("exempt") or ()
    )
    if not found:
        return NO_MARKS
    return Marks(found, letter_for(report.get("narrative") or {}))


def letter_for(narrative: Mapping[str, str]) -> str:
    """The exempt appendix's letter: after A to E and the officer's attached papers."""
    from .reports.sections import attached_appendices

    return chr(ord("F") + len(attached_appendices(narrative.get("appendices", ""))))


def appendix_where(appraisal: Appraisal) -> str:
    """Where a page sends a reader for what it leaves out ("exempt Appendix G"): lettered by
    `letter_for` from the narrative the committee report is built from, so the risk
    register, the results page and the report's list of appendices always agree."""
    return Marks(letter=letter_for(appraisal.narrative or {})).where()


def pointer(mark: Mark, marks: Marks) -> str:
    """What the open report says in place of an exempt part."""
    return (
        f"Exempt information under paragraph {mark.paragraph} of {ACT}: see {marks.where()}, "
        "which is not for publication."
    )


def risk_pointer(mark: Mark, marks: Marks) -> str:
    return f"Exempt (paragraph {mark.paragraph}): see {marks.where()}"


# The rating an exempt risk is given in the open view: the whole of an exempt risk is exempt,
# its likelihood and impact (before and after controls) with its words, so heat maps leave
# it out and counts of high risks and the main risk remaining never draw on it.
WITHHELD = engine.RiskRating(0, "exempt")
RATINGS = ("likelihood", "impact", "residual_likelihood", "residual_impact")


def withheld_note(count: int, where: str = "", *, what: str = "not shown") -> str:
    """ "One risk is exempt and not shown: see exempt Appendix F." ("" if none). Without
    `where` (under a heat map, where the page says it once beside both), the sentence ends
    at "not shown"."""
    if not count:
        return ""
    many = "One risk is" if count == 1 else f"{count} risks are"
    return f"{many} exempt and {what}: see {where}." if where else f"{many} exempt and {what}."


# Who may see ---------------------------------------------------------------------------------


def may_see(user, appraisal: Appraisal) -> bool:
    """The lead council's people, whatever their role; the partners' where the lead council
    allows it. (Callers have already checked that the user may see the appraisal.)"""
    roles = memberships(user)
    return council_may_see(
        appraisal,
        lead=appraisal.lead_authority_id in roles,
        partner=lambda: appraisal.partners.filter(pk__in=roles.keys()).exists(),
    )


def council_may_see(
    appraisal: Appraisal, *, lead: bool, partner: bool | Callable[[], bool]
) -> bool:
    """The rule for a council whose part in the appraisal is known: the lead council may
    see exempt information; a partner only where the lead council allows it. `partner`:
    whether it is a partner, or how to find out (asked only if it matters)."""
    if lead:
        return True
    if not appraisal.exempt_to_partners:
        return False
    return partner() if callable(partner) else partner


# Opening a document or an evaluation -----------------------------------------------------------


def open_document(doc: dict[str, Any], marks: Marks | None = None) -> dict[str, Any]:
    """The document without its exempt information (the marks themselves stay: the open
    report says what is exempt, and why). The same document if nothing is exempt. `marks`:
    those to apply, if not the document's own (`open_pair`)."""
    marks = marks_of(doc) if marks is None else marks
    if not marks:
        return doc
    opened = copy.deepcopy(doc)
    money = (opened.get("finance") or {}).get("options") or {}
    for key in marks.finance:
        money.pop(key, None)
    risks = opened.get("risks") or []
    for index, mark in marks.risks.items():
        if isinstance(index, int) and 0 <= index < len(risks):
            risks[index].update(
                risk=risk_pointer(mark, marks),
                consequences="",
                controls="",
                owner="",
                **dict.fromkeys(RATINGS),
            )
    narrative = (opened.get("report") or {}).get("narrative") or {}
    for key, mark in marks.sections.items():
        narrative[key] = pointer(mark, marks)
    results = opened.get("results")
    if results:
        for option in results.get("options") or ():
            if option.get("key") in marks.finance:
                option["finance"] = None
    after = opened.get("after_decision") or {}
    if "actuals" in after and actuals_exempt(
        marks, (after.get("decision") or {}).get("chosen_option")
    ):
        del after["actuals"]
    return opened


def actuals_exempt(marks: Marks, chosen_option: str | None) -> bool:
    """The actual costs and savings are set against the chosen option's financial case, so
    they are exempt where it is (and, with no option known to be chosen, where any is)."""
    return chosen_option in marks.finance if chosen_option else bool(marks.finance)


def open_pair(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    """Two snapshots to compare, each without what either marks exempt: so that "What
    changed" says neither an exempt figure nor, of a part newly exempt, that it was removed."""
    a, b = marks_of(old), marks_of(new)
    if not a and not b:
        return old, new
    both = Marks(tuple(dict.fromkeys(a.parts + b.parts)), b.letter or a.letter)
    return open_document(old, both), open_document(new, both)


def open_evaluation(evaluation):
    """The evaluation as one who may not see exempt information reads it: built from the
    opened document, without the exempt options' finance, the exempt risks' words replaced."""
    marks = marks_of(evaluation.document)
    if not marks:
        return evaluation
    risks = marks.risks
    return dataclasses.replace(
        evaluation,
        # Kept apart from the whole evaluation's charts and tables (`results.derived`).
        key=f"{evaluation.key}:open" if evaluation.key else "",
        document=open_document(evaluation.document),
        finance={k: f for k, f in evaluation.finance.items() if k not in marks.finance},
        risks=tuple(
            dataclasses.replace(
                rv,
                risk=risk_pointer(risks[n], marks),
                consequences="",
                controls="",
                owner="",
                **dict.fromkeys(RATINGS, 0),
                before=WITHHELD,
                after=WITHHELD,
                exempt=True,
            )
            if n in risks
            else rv
            for n, rv in enumerate(evaluation.risks)
        ),
    )


def risks_note(evaluation, *, what: str = "not shown") -> str:
    """What the open view says where it leaves the exempt risks out ("" if none)."""
    count = sum(1 for rv in evaluation.risks if rv.exempt)
    return withheld_note(count, marks_of(evaluation.document).where(), what=what)


def evaluation_for(user, appraisal: Appraisal, evaluation):
    """The evaluation as this user may read it."""
    return evaluation if may_see(user, appraisal) else open_evaluation(evaluation)


def document_for(user, appraisal: Appraisal, doc: dict[str, Any]) -> dict[str, Any]:
    """The interchange document as this user may read it."""
    return doc if may_see(user, appraisal) else open_document(doc)


def history_withheld(appraisal: Appraisal):
    """The audit trail's rows that hold exempt information, as a filter (`Q`) to leave them
    out for those who may not read it: changes to an exempt option's financial case, to an
    exempt section's text, and to any risk no longer worded as an open one (a risk's rows are
    named by its words, so those of an exempt risk cannot be told apart otherwise)."""
    from django.db.models import Q

    from .models import ExemptPart
    from .reports.narrative import _TITLES

    parts = list(appraisal.exempt_parts.select_related("option"))
    if not parts:
        return Q(pk__in=[])
    withheld = Q(pk__in=[])
    for p in parts:
        if p.kind == ExemptPart.Kind.FINANCE:
            name = p.option.name
            withheld |= Q(kind="finance") & (Q(subject=name) | Q(subject__startswith=f"{name}: "))
        elif p.kind == ExemptPart.Kind.SECTION:
            withheld |= Q(kind="report", field="narrative", subject=_TITLES.get(p.section, ""))
    exempt_risks = {p.risk_id for p in parts if p.kind == ExemptPart.Kind.RISK}
    if exempt_risks:
        open_words = [str(r) for r in appraisal.risks.exclude(pk__in=exempt_risks)]
        withheld |= Q(kind="risk") & ~Q(subject__in=open_words)
    if actuals_withheld(appraisal, parts):
        years = [str(y) for y in appraisal.actuals.all()]
        withheld |= Q(kind="benefits", subject__in=years)
    return withheld


def actuals_withheld(appraisal: Appraisal, parts=None) -> bool:
    """Whether the appraisal's actual costs and savings are exempt (`actuals_exempt`): the
    chosen option's financial case is marked exempt. `parts`: its exempt parts, if read."""
    from .models import Decision, ExemptPart

    if parts is None:
        if not appraisal.has_exempt_parts:
            return False
        parts = list(appraisal.exempt_parts.select_related("option"))
    finance = {p.option.key for p in parts if p.kind == ExemptPart.Kind.FINANCE}
    if not finance:
        return False
    chosen = (
        Decision.objects.filter(appraisal_id=appraisal.pk)
        .values_list("chosen_option", flat=True)
        .first()
    )
    return chosen in finance if chosen else True
