"""Plain-English explanations of an appraisal's results, for screens and reports. No Django.

Each sentence is built only from an `engine.AppraisalResult`, so the words always agree with
the figures beside them. Values are shown with one decimal; weights and shares as whole
percentages, with one decimal below 10% where that decimal carries information.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .engine import AppraisalResult, CloseCall, OptionResult, Switching

MAX_NAMED_MISSING = 3  # beyond this, say how many criteria lack scores rather than list them


def explain(result: AppraisalResult) -> tuple[str, ...]:
    """Sentences in reading order: leader, switching values, close call, rank acceptability,
    incomplete options, panel disagreement, and pairwise consistency when it is flagged."""
    return (
        *_leader(result),
        *_switching(result),
        *_close_call(result),
        *_acceptability(result),
        *_incomplete(result),
        *_disagreement(result),
        *_consistency(result),
    )


# --------------------------------------------------------------------------------------------
# Formatting


def _round(x: float, places: int) -> Decimal:
    # Half up, as people round: 12.5% reads as 13%, not the banker's 12%.
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_value(x: float) -> str:
    """A 0-100 value or a difference in points, one decimal: 71.4."""
    text = str(_round(x, 1))
    return "0.0" if text == "-0.0" else text


def format_signed(x: float | None) -> str:
    """A difference in points with its sign: +3.2, -1.5, 0.0; "" when there is none."""
    if x is None:
        return ""
    text = format_value(x)
    return text if text.startswith("-") or text == "0.0" else f"+{text}"


def format_percent(fraction: float) -> str:
    """A weight or share as a percentage: 25%, 9%, 2.5%, less than 0.1%, more than 99.9%.

    Whole percent from 10% up; one decimal below 10% unless it is a whole number. A figure
    that is not exactly 0 or 1 never reads as 0% or 100%. No space before the sign, as the
    GOV.UK style guide and the rest of the app write it.
    """
    pct = 100.0 * fraction
    if 0 < pct < 0.05:
        return "less than 0.1%"
    if 99.95 <= pct < 100:
        return "more than 99.9%"
    whole = _round(pct, 0)
    if pct < 10 or (whole == 100 and pct < 100):
        one = _round(pct, 1)
        text = str(one.normalize()) if one == one.to_integral_value() else str(one)
    else:
        text = str(whole)
    return f"{text}%"


def format_score(x: float) -> str:
    """A score as an officer typed it: 4, 3.5."""
    return f"{x:g}"


def join_names(names: Sequence[str]) -> str:
    """A, B and C."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --------------------------------------------------------------------------------------------
# Sentences


def _leader(result: AppraisalResult) -> list[str]:
    names = result.option_names
    if result.leader is None:
        if any(o.candidate for o in result.options):
            return [
                "No option can be ranked yet: no shortlisted option has a score on every criterion."
            ]
        return ["There is no shortlisted option to rank."]
    top = [o for o in result.ranking if o.rank == 1]
    value = format_value(top[0].value or 0.0)
    if len(top) > 1:
        return [f"{join_names([names[o.key] for o in top])} share first place with {value}."]
    if len(result.ranking) == 1:
        return [f"{names[result.leader]} is the only option that can be ranked, with {value}."]
    second = result.ranking[1]
    return [
        f"{names[result.leader]} leads with {value}, ahead of {names[second.key]} "
        f"with {format_value(second.value or 0.0)}."
    ]


def _switching(result: AppraisalResult) -> list[str]:
    if result.leader is None or len(result.ranking) < 2:
        return []
    sentences = [
        sentence
        for switching in result.switching
        for sentence in _switching_sentences(result, switching)
    ]
    if not sentences:
        return [
            "No change to the weight of a single criterion, with the others kept in proportion, "
            "would change the leader."
        ]
    return sentences


def _switching_sentences(result: AppraisalResult, s: Switching) -> list[str]:
    names = result.option_names
    criterion = result.criterion_names[s.criterion]
    now = format_percent(s.weight)
    # "It" follows the sentence naming the leader; a shared first place needs the name.
    shared = sum(1 for o in result.ranking if o.rank == 1) > 1
    subject = names[result.leader or ""] if shared else "It"
    sentences = []
    for point, moved, beyond in ((s.lower, "fell", "below"), (s.upper, "rose", "above")):
        if point is None:
            continue
        then = format_percent(point.weight)
        if then == now:  # level now, or too close to tell apart at this precision
            condition = f"if the weight on {criterion} {moved} at all {beyond} {now}"
        else:
            condition = f"only if the weight on {criterion} {moved} from {now} to {then}"
        sentences.append(f"{subject} would lose the lead to {names[point.new_leader]} {condition}.")
    return sentences


def _close_call(result: AppraisalResult) -> list[str]:
    cc: CloseCall | None = result.close_call
    if cc is None:
        return []
    names = result.option_names
    parts = []
    if cc.within_margin:
        if cc.gap < 0.05:
            parts.append(f"{names[cc.leader]} and {names[cc.runner_up]} are level")
        else:
            parts.append(
                f"{names[cc.leader]} leads {names[cc.runner_up]} by only "
                f"{format_value(cc.gap)} points, within the {format_score(cc.margin)}-point margin"
            )
    if cc.flips:
        flip = cc.flips[0]
        example = (
            f"{result.panel_names[flip.panel]}'s score for {names[flip.option]} on "
            f"{result.criterion_names[flip.criterion]} from {format_score(flip.from_score)} to "
            f"{format_score(flip.to_score)} would put {names[flip.new_leader]} first"
        )
        others = len(cc.flips) - 1
        more = ""
        if others == 1:
            more = "; one other single change would too"
        elif others > 1:
            more = f"; {others} other single changes would too"
        parts.append(
            f"moving a single panel score by one step would change the leader: {example}{more}"
        )
    return [f"This is a close call: {', and '.join(parts)}."]


def _acceptability(result: AppraisalResult) -> list[str]:
    ra = result.rank_acceptability
    if ra is None or result.leader is None:
        return []
    names = result.option_names
    first = {key: shares[0] for key, shares in ra.options.items()}
    sentence = (
        f"{names[result.leader]} ranks first in {format_percent(first[result.leader])} of "
        f"{ra.samples:,} simulations in which each weight varies by up to "
        f"{format_percent(ra.weight_jitter)} and each score within the range the panels gave"
    )
    # Most often first; ties go to the leader, then input order (dicts keep it).
    most = max(first, key=lambda k: (first[k], k == result.leader))
    shown, shown_most = format_percent(first[result.leader]), format_percent(first[most])
    if most != result.leader and shown_most != shown:  # not for a difference nobody can see
        sentence += f"; {names[most]} ranks first more often, in {shown_most}"
    return [sentence + "."]


def _incomplete(result: AppraisalResult) -> list[str]:
    names = result.criterion_names
    waiting = [o for o in result.options if o.candidate and not o.complete]
    sentences = []
    if len(waiting) == 1:
        o = waiting[0]
        sentences.append(
            f"{o.name} is not ranked until every criterion is scored: it has no score "
            f"on {_missing(o, names)}."
        )
    elif waiting:
        detail = "; ".join(f"{o.name} on {_missing(o, names)}" for o in waiting)
        sentences.append(
            f"{join_names([o.name for o in waiting])} are not ranked until every criterion is "
            f"scored: there is no score for {detail}."
        )
    baseline = next((o for o in result.options if o.baseline), None)
    if baseline is not None and not baseline.complete:
        sentences.append(
            f"The baseline, {baseline.name}, has no score on {_missing(baseline, names)}, "
            "so no option is compared with it yet."
        )
    return sentences


def _missing(option: OptionResult, names: dict[str, str]) -> str:
    if len(option.missing) > MAX_NAMED_MISSING:
        return f"{len(option.missing)} criteria"
    return join_names([names[k] for k in option.missing])


def _disagreement(result: AppraisalResult) -> list[str]:
    if not result.disagreements:
        return []
    widest = max(result.disagreements, key=lambda d: d.spread)  # first of equals
    scores = ", ".join(
        f"{result.panel_names[p]} {format_score(s)}" for p, s in widest.scores.items()
    )
    where = (
        f"on {result.criterion_names[widest.criterion]} for "
        f"{result.option_names[widest.option]} ({scores})"
    )
    count = len(result.disagreements)
    if count == 1:
        return [f"The panels disagree by {format_value(widest.spread)} points {where}."]
    return [
        f"The panels disagree by {format_value(result.disagreement_threshold)} points or more "
        f"on {count} scores; the widest gap, {format_value(widest.spread)} points, is {where}."
    ]


def _consistency(result: AppraisalResult) -> list[str]:
    c = result.consistency
    if c is None or not c.flagged:
        return []
    sentence = (
        f"The pairwise judgements are not consistent enough: the consistency ratio is "
        f"{c.ratio:.2f}, above 0.10"
    )
    if c.worst is not None:
        row, col = (result.criterion_names[k] for k in c.worst)
        sentence += f"; the judgement that fits the others least is {row} over {col}"
        if c.worst_judgement is not None and c.worst_implied is not None:
            sentence += (
                f", given as {format_score(round(c.worst_judgement, 2))} where the other "
                f"judgements imply about {c.worst_implied:.1f}"
            )
    return [sentence + "."]
