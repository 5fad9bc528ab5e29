"""Plain-English explanations of an appraisal's results, for screens and reports. No Django.

Each sentence is built only from an `engine.AppraisalResult`, so the words always agree with
the figures beside them. Every figure carries its unit: weighted values "out of 100",
differences in "points", scores in the panels' own scale ("out of 5"), weights and shares as
percentages (whole from 10% up, one decimal below where it carries information). Findings
that say the same thing of several criteria are said once, naming them all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .engine import AppraisalResult, CloseCall, OptionResult

MAX_NAMED_MISSING = 3  # beyond this, say how many criteria lack scores rather than list them
# A lead this secure is "robust": first in at least this share of the simulations, and no
# single weight changes the leader unless it moves by at least this much (10 percentage points).
ROBUST_SHARE, ROBUST_SHIFT = 0.9, 0.10
FAIRLY_ROBUST_SHARE = 0.6


@dataclass(frozen=True)
class Explained:
    """The explanations by kind, each a tuple of paragraphs (often one sentence each)."""

    leader: tuple[str, ...]
    switching: tuple[str, ...]
    close_call: tuple[str, ...]
    acceptability: tuple[str, ...]
    incomplete: tuple[str, ...]
    disagreement: tuple[str, ...]
    consistency: tuple[str, ...]
    robustness: str  # how secure the lead is, in one sentence ("" when nothing is ranked)
    # The same in a few words, where the detail is said elsewhere: "The lead is robust",
    # "This is a close call" ("" when fewer than two options are ranked).
    verdict: str
    would_change: str  # what would change the leader, where `robustness` does not say it

    def all(self) -> tuple[str, ...]:
        """Every paragraph, in reading order."""
        return (
            *self.leader,
            *self.switching,
            *self.close_call,
            *self.acceptability,
            *self.incomplete,
            *self.disagreement,
            *self.consistency,
        )


def explain(result: AppraisalResult) -> tuple[str, ...]:
    """Paragraphs in reading order: leader, switching values, close call, rank acceptability,
    incomplete options, panel disagreement, and pairwise consistency when it is flagged."""
    return explain_parts(result).all()


def explain_parts(result: AppraisalResult) -> Explained:
    return Explained(
        leader=tuple(_leader(result)),
        switching=tuple(_switching(result)),
        close_call=tuple(_close_call(result)),
        acceptability=tuple(_acceptability(result)),
        incomplete=tuple(_incomplete(result)),
        disagreement=tuple(_disagreement(result)),
        consistency=tuple(_consistency(result)),
        robustness=_robustness(result),
        verdict=_robustness_parts(result)[0],
        would_change=_would_change(result),
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
    """A difference in points with its sign: +3.2, −1.5, 0.0; "" when there is none. The
    minus sign is the one the money figures print (−£176,677), not a hyphen."""
    if x is None:
        return ""
    text = format_value(x)
    if text.startswith("-"):
        return f"−{text[1:]}"
    return text if text == "0.0" else f"+{text}"


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


def format_chance(fraction: float) -> str:
    """How often something happens, as a whole percentage: 96%, 4%, less than 1%, more than
    99%. One rule for every share in a table or sentence of simulations, so "96%" never sits
    beside "4.5%". 0% and 100% only when exactly none or all."""
    pct = 100.0 * fraction
    if pct <= 0:
        return "0%"
    if pct >= 100:
        return "100%"
    if pct < 0.5:
        return "less than 1%"
    if pct >= 99.5:
        return "more than 99%"
    return f"{_round(pct, 0)}%"


def format_percents(fractions: Sequence[float]) -> list[str]:
    """Shares of one whole as percentages that add up to 100% as printed: 1/3 each reads
    34%, 33%, 33%, not 33% three times beside a total of 100%. Whole percents by the largest
    remainder when every share is 10% or more and they make a whole. A share under 10%
    keeps a decimal place (`format_percent`), so then every share of the whole is given to
    one decimal place by the same rule, 7.5%, 42.5%, 50%, and still adds up to 100% (rounded
    alone they read 7.5%, 43%, 50%). Shares that do not make a whole: each as
    `format_percent` gives it."""
    fractions = list(fractions)
    if not fractions or min(fractions) < 0 or abs(sum(fractions) - 1) > 1e-9:
        return [format_percent(f) for f in fractions]
    tenths = min(fractions) < 0.1
    unit = 1000 if tenths else 100
    exact = [unit * f for f in fractions]
    whole = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in by_remainder[: unit - sum(whole)]:
        whole[i] += 1
    if not tenths:
        return [f"{w}%" for w in whole]
    return [
        "less than 0.1%" if w == 0 and f > 0 else f"{w // 10}%" if w % 10 == 0 else f"{w / 10}%"
        for w, f in zip(whole, fractions, strict=True)
    ]


def format_pounds(value: float) -> str:
    """Money in whole pounds, as tables and exact figures give it: £1,234,567, −£50,000
    (a minus sign, not a hyphen)."""
    rounded = round(float(value))
    return f"{'−' if rounded < 0 else ''}£{abs(rounded):,}"


def format_money(value: float) -> str:
    """Money as a sentence or a chart's axis says it, to the GOV.UK style guide: £14.2
    million, £3 million, £1.3 billion, and whole pounds below a million, £850,000. The one
    way the app writes a rounded sum of money: never "£1m", "£1M" or "£250k"."""
    size = abs(float(value))
    for unit, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if size >= unit:
            shown = f"{size / unit:.1f}".removesuffix(".0")
            return f"{'−' if value < 0 else ''}£{shown} {word}"
    return format_pounds(value)


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def ordinal(n: int) -> str:
    """A rank in a sentence: "first" to "ninth" in words, then 10th, 11th (GOV.UK style)."""
    if 1 <= n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_label(n: int) -> str:
    """A rank as a table heading or a chart's legend names it: "Rank 1"."""
    return f"Rank {n}"


def format_score(x: float) -> str:
    """A score as an officer typed it: 4, 3.5."""
    return f"{x:g}"


def join_names(names: Sequence[str], conjunction: str = "and") -> str:
    """A, B and C (or A, B or C)."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def out_of_100(x: float) -> str:
    """A weighted value with its unit: 73.9 out of 100."""
    return f"{format_value(x)} out of 100"


def points(x: float) -> str:
    """A difference of weighted values: 10.6 points."""
    return f"{format_value(x)} points"


def on_scale(result: AppraisalResult) -> str:
    """The panels' own scale after a score: "out of 5", or "on the scale of 1 to 5"."""
    low, high = format_score(result.scale_min), format_score(result.scale_max)
    return f"out of {high}" if result.scale_min == 0 else f"on the scale of {low} to {high}"


# --------------------------------------------------------------------------------------------
# Sentences


def _leader(result: AppraisalResult) -> list[str]:
    names = result.option_names
    if result.leader is None:
        if any(o.candidate for o in result.options):
            return [
                "No option can be ranked yet: no short-listed option has a score on every "
                "criterion."
            ]
        return ["There is no short-listed option to rank."]
    top = [o for o in result.ranking if o.rank == 1]
    value = top[0].value or 0.0
    if len(top) > 1:
        return [
            f"{join_names([names[o.key] for o in top])} share first place with "
            f"{out_of_100(value)} each."
        ]
    if len(result.ranking) == 1:
        return [
            f"{names[result.leader]} is the only option that can be ranked, with "
            f"{out_of_100(value)}."
        ]
    second = result.ranking[1]
    gap = value - (second.value or 0.0)
    return [
        f"{names[result.leader]} leads with {out_of_100(value)}, {points(gap)} ahead of "
        f"{names[second.key]} ({out_of_100(second.value or 0.0)})."
    ]


def _switch_points(result: AppraisalResult) -> list[tuple[tuple[str, str, str, str], str]]:
    """Each way a single weight could change the leader, as (the finding, the criterion):
    the finding is (fell/rose, new leader, weight now, weight then), the same for every
    criterion it is true of, so that equal findings can be said once."""
    found = []
    for s in result.switching:
        criterion = result.criterion_names[s.criterion]
        now = format_percent(s.weight)
        for point, moved in ((s.lower, "fell"), (s.upper, "rose")):
            if point is not None:
                then = format_percent(point.weight)
                found.append(((moved, point.new_leader, now, then), criterion))
    return found


def _grouped(found: list[tuple[tuple[str, str, str, str], str]]) -> dict:
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for finding, criterion in found:
        groups.setdefault(finding, []).append(criterion)
    return groups


def the_panel(name: str, *, capital: bool = False) -> str:
    """The panel in a sentence: "the Staff panel", but "the Members' Panel" (no second panel),
    and "Panel 1" as it is (a name that starts with "Panel" takes no "the"). The report's and
    the change log's one rule."""
    if re.match(r"panel\b", name, re.IGNORECASE):
        return name
    phrase = f"the {name}" if re.search(r"\bpanel\b", name, re.IGNORECASE) else f"the {name} panel"
    return phrase[0].upper() + phrase[1:] if capital else phrase


def _the_weight_on(criteria: Sequence[str]) -> str:
    if len(criteria) == 1:
        return f"the weight on {criteria[0]}"
    if len(criteria) == 2:
        return f"the weight on either {criteria[0]} or {criteria[1]}"
    return f"the weight on any one of {join_names(criteria, 'or')}"


def recommendation(
    result: AppraisalResult, recommended: str | None, *, name_leader: bool = True
) -> str:
    """The option the officers recommend, in one sentence that says where it stands in the
    ranking, and (unless `name_leader` is False, where the leader was just named) which
    option leads where that is another one; "" if none is marked."""
    if recommended is None:
        return ""
    names = result.option_names
    option = next(o for o in result.options if o.key == recommended)
    name = names[recommended]
    top = [o for o in result.ranking if o.rank == 1]
    if option.rank == 1:
        if len(top) > 1:
            return f"Officers recommend {name}, one of the options sharing first place."
        return f"Officers recommend {name}, the leading option."
    if option.baseline:
        where = f"{name}, the baseline"
    elif not option.candidate:
        where = f"{name}, which is not short-listed and so not ranked"
    elif option.rank is None:
        where = f"{name}, which is not ranked until it is scored on every criterion"
    else:
        where = f"{name}, which ranks {ordinal(option.rank)} with {out_of_100(option.value or 0.0)}"
    if not top or not name_leader:
        return f"Officers recommend {where}."
    leaders = join_names([names[o.key] for o in top])
    lead = "share first place" if len(top) > 1 else "leads"
    return f"Officers recommend {where}; {leaders} {lead} with {out_of_100(top[0].value or 0.0)}."


def _switching(result: AppraisalResult) -> list[str]:
    if result.leader is None or len(result.ranking) < 2:
        return []
    names = result.option_names
    groups = _grouped(_switch_points(result))
    if not groups:
        return [
            "No change to the weight of a single criterion, with the others kept in proportion, "
            "would change the leader."
        ]
    leader = names[result.leader]
    # One sentence for each option that could take the lead, its conditions joined by "or":
    # "… only if the weight on A fell from 20% to 11%, or the weight on B rose from 15% to
    # 19%", never two sentences that open with the same words.
    by_new_leader: dict[str, list[tuple[bool, str]]] = {}
    for (moved, new_leader, now, then), criteria in groups.items():
        beyond = "below" if moved == "fell" else "above"
        weight = _the_weight_on(criteria)
        if then == now:  # level now, or too close to tell apart at this precision
            by_new_leader.setdefault(new_leader, []).append(
                (False, f"{weight} {moved} at all {beyond} {now}")
            )
        else:
            by_new_leader.setdefault(new_leader, []).append(
                (True, f"{weight} {moved} from {now} to {then}")
            )
    sentences = []
    for new_leader, conditions in by_new_leader.items():
        only = "only " if all(o for o, _ in conditions) else ""
        said = ", or ".join(condition for _, condition in conditions)
        sentences.append(f"{leader} would lose the lead to {names[new_leader]} {only}if {said}.")
    return sentences


def _close_call(result: AppraisalResult) -> list[str]:
    cc: CloseCall | None = result.close_call
    if cc is None:
        return []
    names = result.option_names
    said = []
    if cc.within_margin:
        if cc.gap < 0.05:
            said.append(f"{names[cc.leader]} and {names[cc.runner_up]} are level.")
        else:
            said.append(
                f"{names[cc.leader]} leads {names[cc.runner_up]} by only {points(cc.gap)} out "
                f"of 100, less than the {format_score(cc.margin)} points that make a clear lead."
            )
    if cc.flips:
        flip = cc.flips[0]
        others = len(cc.flips) - 1
        more = ""
        if others == 1:
            more = " One other single change would too."
        elif others > 1:
            more = f" So would any one of {others} other single changes."
        said.append(
            "Moving a single panel score by one step would change the leader: "
            f"{result.panel_names[flip.panel]}'s score for {names[flip.option]} on "
            f"{result.criterion_names[flip.criterion]} from {format_score(flip.from_score)} to "
            f"{format_score(flip.to_score)} {on_scale(result)} would put "
            f"{names[flip.new_leader]} first.{more}"
        )
    if not said:
        return []
    return [" ".join(["This is a close call.", *said])]


def _acceptability(result: AppraisalResult) -> list[str]:
    ra = result.rank_acceptability
    # With one option ranked it is first in every simulation: nothing worth saying.
    if ra is None or result.leader is None or len(result.ranking) < 2:
        return []
    names = result.option_names
    first = {key: shares[0] for key, shares in ra.options.items()}
    sentence = (
        f"{names[result.leader]} ranks first in {format_chance(first[result.leader])} of "
        f"{ra.samples:,} simulations in which each weight varies by up to "
        f"{format_percent(ra.weight_jitter)} and each score within the range the panels gave"
    )
    # Most often first; ties go to the leader, then input order (dicts keep it).
    most = max(first, key=lambda k: (first[k], k == result.leader))
    shown, shown_most = format_chance(first[result.leader]), format_chance(first[most])
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


def in_scale(result: AppraisalResult, points_of_100: float) -> str:
    """Points out of 100 as steps of the panels' scale: 40 points on 0 to 5 is 2."""
    return format_score(round(points_of_100 * (result.scale_max - result.scale_min) / 100, 2))


def panel_scores(result: AppraisalResult, scores: dict[str, float]) -> str:
    """Each panel's score as given: "Staff gave 2, Unison 4 and Councillors 3, out of 5"."""
    given = [
        # "Panel 2 gave 0", never "Panel 2 0": a name ending in a number takes the verb.
        f"{result.panel_names[p]}"
        f"{' gave' if n == 0 or result.panel_names[p][-1:].isdigit() else ''} {format_score(s)}"
        for n, (p, s) in enumerate(scores.items())
    ]
    return f"{join_names(given)}, {on_scale(result)}"


def _disagreement(result: AppraisalResult) -> list[str]:
    if not result.disagreements:
        return []
    widest = max(result.disagreements, key=lambda d: d.spread)  # first of equals
    where = (
        f"on {result.criterion_names[widest.criterion]} for "
        f"{result.option_names[widest.option]}: {panel_scores(result, widest.scores)} "
        f"(a gap of {points(widest.spread)} out of 100)"
    )
    count = len(result.disagreements)
    if count == 1:
        return [f"The panels disagree {where}."]
    threshold = result.disagreement_threshold
    return [
        f"The panels' scores differ by {in_scale(result, threshold)} or more "
        f"{on_scale(result)} ({format_score(threshold)} points or more out of 100) on "
        f"{count} scores. "
        f"The widest gap is {where}."
    ]


def _consistency(result: AppraisalResult) -> list[str]:
    c = result.consistency
    if c is None or not c.flagged:
        return []
    sentence = (
        f"The pairwise judgements are not consistent enough: the consistency ratio is "
        f"{c.ratio:.2f}, above the 0.10 usually accepted"
    )
    if c.worst is not None:
        row, col = (result.criterion_names[k] for k in c.worst)
        sentence += f"; the judgement that fits the others least is {row} over {col}"
        if c.worst_judgement is not None and c.worst_implied is not None:
            sentence += (
                f", given as {format_score(round(c.worst_judgement, 2))} times as important "
                f"where the other judgements imply about {c.worst_implied:.1f} times"
            )
    return [sentence + "."]


# --------------------------------------------------------------------------------------------
# How secure the lead is, and what would change it: one sentence each, for summaries


def _smallest_switch(result: AppraisalResult) -> tuple[tuple[str, str, str, str], list[str]]:
    """The single-weight change nearest to the weights as they are, with every criterion
    for which the same change (in words) would do it; ((), []) when there is none."""
    best: tuple[float, tuple[str, str, str, str]] | None = None
    for s in result.switching:
        for point, moved in ((s.lower, "fell"), (s.upper, "rose")):
            if point is None:
                continue
            shift = abs(point.weight - s.weight)
            finding = (moved, point.new_leader, format_percent(s.weight))
            finding += (format_percent(point.weight),)
            if best is None or shift < best[0] - 1e-12:
                best = (shift, finding)
    if best is None:
        return (), []  # type: ignore[return-value]
    groups = _grouped(_switch_points(result))
    return best[1], groups.get(best[1], [])


def _shift(result: AppraisalResult) -> float | None:
    shifts = [
        abs(point.weight - s.weight)
        for s in result.switching
        for point in (s.lower, s.upper)
        if point is not None
    ]
    return min(shifts) if shifts else None


def _is_close_call(result: AppraisalResult) -> bool:
    cc = result.close_call
    return bool(cc and (cc.within_margin or cc.flips))


def _robustness(result: AppraisalResult) -> str:
    if result.leader is None:
        return ""
    if len(result.ranking) < 2:
        leader = result.option_names[result.leader]
        return f"{leader} is the only option that can be ranked, so there is nothing to compare."
    verdict, said = _robustness_parts(result)
    return f"{verdict}: {said}."


def _robustness_parts(result: AppraisalResult) -> tuple[str, str]:
    """How secure the lead is: the verdict, and what it rests on ("", "" unless two options
    are ranked)."""
    if result.leader is None or len(result.ranking) < 2:
        return "", ""
    names = result.option_names
    leader = names[result.leader]
    cc = result.close_call
    if cc is not None and _is_close_call(result):
        if cc.flips:
            count = len(cc.flips)
            which = "a single panel score" if count == 1 else f"any one of {count} panel scores"
            return (
                "This is a close call",
                f"moving {which} by one step would put {names[cc.flips[0].new_leader]} first",
            )
        return (
            "This is a close call",
            f"{leader} leads {names[cc.runner_up]} by only {points(cc.gap)} out of 100",
        )
    ra = result.rank_acceptability
    share = None if ra is None else ra.options[result.leader][0]
    shift = _shift(result)
    simulations = (
        ""
        if ra is None or share is None
        else f"{leader} ranks first in {format_chance(share)} of {ra.samples:,} simulations "
        "that vary the weights and scores"
    )
    if shift is None:
        weights = "no change to a single criterion's weight would change the leader"
    else:
        (moved, _, now, then), criteria = _smallest_switch(result)
        change = "a rise" if moved == "rose" else "a fall"
        weights = (
            f"only {change} in {_the_weight_on(criteria)} from {now} to {then} would change "
            "the leader"
        )
    robust = (share is None or share >= ROBUST_SHARE) and (shift is None or shift >= ROBUST_SHIFT)
    if robust:
        verdict = "The lead is robust"
    elif share is None or share >= FAIRLY_ROBUST_SHARE:
        verdict = "The lead is fairly robust"
    else:
        verdict = "The lead is uncertain"
    return verdict, ", and ".join(x for x in (simulations, weights) if x)


def _would_change(result: AppraisalResult) -> str:
    """What would change the leader, in one sentence, where `_robustness` does not say it
    already (a close call on the values alone); "" otherwise."""
    cc = result.close_call
    if result.leader is None or len(result.ranking) < 2 or not _is_close_call(result):
        return ""
    if cc is not None and cc.flips:
        return ""
    names = result.option_names
    if _shift(result) is None:
        return (
            "No change to the weight of a single criterion, with the others kept in "
            "proportion, would change the leader."
        )
    (moved, new_leader, now, then), criteria = _smallest_switch(result)
    weight = _the_weight_on(criteria)
    return f"{names[new_leader]} would lead if {weight} {moved} from {now} to {then}."
