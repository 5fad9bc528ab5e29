"""The executive summary drafted from the appraisal, until the officer writes their own.

About 120 to 150 words a member can act on, as councils' report guides ask: the decision
sought, the recommended option and how far it leads, how secure that lead is, the financial
headline to the lead council, the main risk left after controls, and a close call said as
such. Every figure comes from the evaluation, with its unit. Text the officer writes in the
"Executive summary" box replaces the whole draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import finance
from ..exempt import marks_of, withheld_note
from ..explain import format_money, format_percent, out_of_100, points, recommendation
from ..results import Evaluation, RiskView
from ..templatetags.councilopts import pounds
from .formatting import _plural, services_phrase


def draft_summary(evaluation: Evaluation, *, see: str = "") -> list[str]:
    """The drafted summary as paragraphs. How secure the lead is, is said in a few words
    with `see`, where the report sets it out ("section 7 shows what would change the
    leader"): the detail is said there, once."""
    doc, r = evaluation.document, evaluation.result
    paragraphs = [_decision(doc)]
    if r.leader is None:
        paragraphs.append(
            "No option can be ranked yet, because no short-listed option has a score on every "
            "criterion; the recommendation follows once the scoring is complete."
        )
        return paragraphs
    marked = evaluation.recommended
    against = recommendation(r, marked, name_leader=False) if marked != r.leader else ""
    explained = evaluation.explained
    if explained.verdict and see:
        secure = f"{explained.verdict}: {see}."
    elif len(r.ranking) < 2:
        secure = ""  # "the only option that can be ranked", said just before
    else:
        secure = explained.robustness
    paragraphs.append(" ".join(x for x in (_recommended(evaluation), against, secure) if x))
    money = _finance(evaluation)
    risk = _main_risk(evaluation)
    paragraphs.append(" ".join(x for x in (money, risk) if x))
    return [p for p in paragraphs if p]


def _decision(doc: Mapping[str, Any]) -> str:
    committee = (doc.get("committee") or {}).get("name") or ""
    names = services_phrase(doc)
    if names:
        what = f"how {names} should be delivered in future"
    else:
        what = "how the council should be organised and deliver its services in future"
    options = [
        o for o in doc["options"] if o.get("status") == "shortlisted" and not o.get("baseline")
    ]
    compared = f"The appraisal compared {_plural(len(options), 'short-listed option')}"
    if any(o.get("baseline") for o in doc["options"]):
        compared += " with the baseline of carrying on as now"
    compared += f", scored against {_plural(len(doc['criteria']), 'criterion', 'criteria')}."
    if (doc.get("report") or {}).get("purpose") == "information":
        return f"This report is for information: it sets out the appraisal of {what}. {compared}"
    asked = f"{committee} is asked" if committee else "Members are asked"
    return f"{asked} to decide {what}. {compared}"


def _recommended(evaluation: Evaluation) -> str:
    r = evaluation.result
    leader = evaluation.option_name(r.leader)
    value = r.option(r.leader).value or 0.0
    recommendations = ((evaluation.document.get("report") or {}).get("narrative") or {}).get(
        "recommendations", ""
    )
    # The officers may recommend another option: their mark says so where they made it;
    # otherwise the leader is called recommended only when the recommendations are the
    # drafted ones, or name it.
    if evaluation.recommended:
        chosen = evaluation.recommended == r.leader
    else:
        chosen = not recommendations.strip() or leader.casefold() in recommendations.casefold()
    first = (
        f"The recommended option is {leader}"
        if chosen
        else f"The highest-scoring option is {leader}"
    )
    if len(r.ranking) < 2:
        return f"{first}, the only option that can be ranked, with {out_of_100(value)}."
    second = r.ranking[1]
    gap = value - (second.value or 0.0)
    return (
        f"{first}, with {out_of_100(value)}: {points(gap)} ahead of "
        f"{evaluation.option_name(second.key)}."
    )


def _finance(evaluation: Evaluation) -> str:
    r = evaluation.result
    leader = evaluation.option_name(r.leader)
    f = evaluation.finance.get(r.leader or "")
    marks = marks_of(evaluation.document)
    if r.leader in marks.finance:
        return f"The financial case for {leader} is in {marks.where()}, not for publication."
    if f is None:
        return f"No financial case has been recorded for {leader}."
    lead = evaluation.document["lead_authority"]
    years = _plural(len(f.net), "year")
    # The figures are the lead council's own: its share of a partnership's (finance.py).
    whose = (
        f"{lead}'s share of the net present value"
        if f.whole is not None
        else f"For {lead}, the net present value"
    )
    return (
        f"{whose} is {pounds(f.npv_low)} to {pounds(f.npv_high)} over {years} "
        f"({pounds(f.npv_central)} on central savings), and it "
        f"{finance.payback_words(f.payback_years, len(f.net))}{_to_target(evaluation)}."
    )


def _to_target(evaluation: Evaluation) -> str:
    """How far the leader goes towards the savings target, where the appraisal has one:
    "; by year 4 it would save £900,000 a year, 30% of the £3 million savings target" (the
    lead council's central savings in the target's year, as the financial table's share;
    "central" is said of the net present value just before)."""
    target = evaluation.document.get("savings_target") or {}
    f = evaluation.finance.get(evaluation.result.leader or "")
    if f is None or f.target_share is None or not target.get("amount"):
        return ""
    amount = float(target["amount"])
    year = target.get("year")
    by = f"by year {year}" if year else "in year 0"
    return (
        f"; {by} it would save {format_money(f.target_share * amount)} a year, "
        f"{format_percent(f.target_share)} of the {format_money(amount)} savings target"
    )


def _main_risk(evaluation: Evaluation) -> str:
    """The risk rated highest after controls, of those to the whole appraisal or the leader.
    An exempt risk is never drawn on: in the open report its ratings are withheld."""
    marks = marks_of(evaluation.document)
    # Exempt whether opened or not: the draft is the officer's, but goes into the open report.
    exempt = {n for n, x in enumerate(evaluation.risks) if x.exempt} | set(marks.risks)
    theirs = [
        (n, x) for n, x in enumerate(evaluation.risks) if x.option in (None, evaluation.leader)
    ]
    risks = [x for n, x in theirs if n not in exempt]
    note = withheld_note(len(theirs) - len(risks), marks.where(), what="not counted")
    if not risks:
        return note or "No risks to it have been recorded."
    top: RiskView = max(risks, key=lambda x: (x.after.score, x.before.score))  # first of equals
    text = top.risk.strip().rstrip(".")
    said = (
        f"The main risk remaining after controls, rated {top.after.band} "
        f"({top.after.score} out of 25), is “{text}”."
    )
    return f"{said} {note}" if note else said
