"""The results page, for officers and members: ranking, panels, sensitivity, finance, risks.

Every figure comes from one `results.evaluate` call (a fixed number of queries whatever the
appraisal's size); this module only arranges it into rows for the template and charts.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .. import charts, exempt
from ..access import can_edit, get_appraisal_for
from ..engine import OptionResult
from ..explain import format_percent, format_signed, format_value, in_scale, on_scale
from ..finance import FinanceResult
from ..models import Appraisal
from ..results import Evaluation, derived, evaluate
from ..templatetags.councilopts import number
from .allow import allow
from .risks import RiskRow, heat_map
from .what_if import WhatIf, needs_tidy_url, what_if_context
from .workspace import recommendations_context

CHART = "appraisals/_chart.html"
WHAT_IF = "appraisals/_what_if.html"


@dataclass(frozen=True)
class RankRow:
    option: OptionResult
    name: str
    value: str  # one decimal, or "" while provisional
    vs_baseline: str  # signed, one decimal, or ""


@dataclass(frozen=True)
class PanelCell:
    value: str
    rank: int | None
    complete: bool


def ranking_rows(evaluation: Evaluation) -> list[RankRow]:
    """Ranked options by rank, then shortlisted ones still provisional, then the baseline."""
    result = evaluation.result
    ranked = list(result.ranking)
    waiting = [o for o in result.options if o.candidate and o.rank is None]
    baseline = [o for o in result.options if o.baseline]
    return [
        RankRow(
            o,
            evaluation.option_name(o.key),
            "" if o.value is None else format_value(o.value),
            "" if o.baseline else format_signed(o.vs_baseline),
        )
        for o in ranked + waiting + baseline
    ]


def panel_rows(
    evaluation: Evaluation, rows: list[RankRow]
) -> list[tuple[RankRow, list[PanelCell]]]:
    """Each option's value and rank in every panel, beside the combined ranking."""
    by_panel = [{o.option: o for o in panel.options} for panel in evaluation.result.panels]
    table = []
    for row in rows:
        cells = []
        for options in by_panel:
            o = options.get(row.option.key)
            if o is None:
                continue
            value = "" if o.value is None else format_value(o.value)
            cells.append(PanelCell(value, o.rank, o.complete))
        table.append((row, cells))
    return table


def _switching_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The switching table's rows; the findings in words are `explained.switching`, which
    says once what several criteria have in common."""
    name = evaluation.option_name
    return [
        {
            "criterion": evaluation.criterion_name(s.criterion),
            "weight": format_percent(s.weight),
            "lower": s.lower and (format_percent(s.lower.weight), name(s.lower.new_leader)),
            "upper": s.upper and (format_percent(s.upper.weight), name(s.upper.new_leader)),
        }
        for s in evaluation.result.switching
    ]


@dataclass(frozen=True)
class FinanceRow:
    name: str
    result: FinanceResult
    fall: str  # how far central savings may fall before the NPV is zero


def _fall(fraction: float | None) -> str:
    if fraction is None:
        return "–"
    if fraction < 0:
        return f"must rise {format_percent(-fraction)}"
    return format_percent(fraction)


def _exempt_finance(user, appraisal, evaluation: Evaluation) -> list[str]:
    """What the page says in place of the exempt financial cases it leaves out."""
    marks = exempt.marks_of(evaluation.document)
    if not marks.finance or exempt.may_see(user, appraisal):
        return []
    where = exempt.appendix_where(appraisal)
    return [
        f"The financial case for {evaluation.option_name(key)} is exempt information "
        f"(paragraph {m.paragraph} of Schedule 12A): it is in {where}, which is not "
        "for publication."
        for key, m in marks.finance.items()
    ]


def _finance(evaluation: Evaluation) -> dict[str, Any]:
    rows = [
        FinanceRow(evaluation.option_name(o.key), f, _fall(f.savings_fall_to_zero))
        for o in evaluation.result.options
        if (f := evaluation.finance.get(o.key)) is not None
    ]
    shares = [
        (row.name, partner, share)
        for row in rows
        for partner, share in row.result.partner_shares.items()
    ]
    return {"finance_rows": rows, "partner_shares": shares}


def _close_call(evaluation: Evaluation) -> dict[str, Any] | None:
    cc = evaluation.result.close_call
    if cc is None or not (cc.within_margin or cc.flips):
        return None
    return {
        "leader": evaluation.option_name(cc.leader),
        "runner_up": evaluation.option_name(cc.runner_up),
        "gap": format_value(cc.gap),
        "within_margin": cc.within_margin,
        "flips": len(cc.flips),
    }


def _risks(appraisal: Appraisal, evaluation: Evaluation) -> dict[str, Any]:
    # The risk register's own heat map (views.risks) reads each row's ratings and figures.
    rows = [
        RiskRow(f"R{n}", risk, risk.before, risk.after)  # type: ignore[arg-type]
        for n, risk in enumerate(evaluation.risks, start=1)
    ]
    cutoffs = evaluation.risk_cutoffs
    where = exempt.appendix_where(appraisal)  # of the exempt risks the maps leave out
    return {
        "risk_rows": rows,
        "heat_maps": [
            heat_map(rows, cutoffs, after=False, where=where),
            heat_map(rows, cutoffs, after=True, where=where),
        ],
    }


def _summary(evaluation: Evaluation) -> list[str]:
    """The results in plain English, before any technical tab: what leads and by how much,
    how sure we are, what would change it, and what is still missing."""
    said = evaluation.explained
    return [x for x in (*said.leader, said.robustness, said.would_change, *said.incomplete) if x]


def _what_it_means(evaluation: Evaluation) -> dict[str, list[str]]:
    """A plain-English reading of each technical figure, in the appraisal's own terms."""
    said, result = evaluation.explained, evaluation.result
    ranked = len(result.ranking) >= 2
    threshold = result.disagreement_threshold
    return {
        "ranking": [
            "The weighted value brings every panel's scores into one figure out of 100, "
            "counting each criterion by its weight. The higher it is, the better the option "
            "meets what the council said matters.",
        ],
        "switching": [
            said.would_change,
            "A switching value far from the weight now means the result does not depend on "
            "exactly how heavily that criterion was weighted. One close to it means members' "
            "view of that criterion could decide the choice.",
        ]
        if ranked
        else [],
        "simulations": [
            *said.acceptability,
            "Each simulation recalculates the ranking with every weight and score moved at "
            "random within a reasonable range. An option first in nearly all of them leads "
            "whatever such changes are made; one first in about half leads only narrowly.",
        ]
        if ranked
        else [],
        "disagreement": [
            *said.disagreement,
            "Where panels' scores are far apart, the combined score hides different views of "
            "the option: members may want to ask the panels why before deciding.",
        ]
        if said.disagreement
        else [
            "The panels broadly agree: on every option and criterion their scores are less "
            f"than {format_value(threshold)} points out of 100 apart."
        ],
    }


def _chart(
    evaluation: Evaluation, name: str, draw: Callable[[Evaluation], charts.Chart]
) -> SafeString:
    """A chart with its text alternative and data table (appraisals/_chart.html), drawn and
    printed once for each evaluation: it follows from the evaluation alone."""
    return derived(
        evaluation,
        f"{name}-chart.html",
        lambda: mark_safe(render_to_string(CHART, {"chart": draw(evaluation)})),  # noqa: S308
    )


def _what_if_html(appraisal: Appraisal, evaluation: Evaluation, what_if: WhatIf) -> SafeString:
    """The what-if tab; as every results page opens it (the appraisal's own weights and
    panels), printed once for each evaluation. It names nothing but the appraisal's
    reference, which is part of the evaluation's document."""

    def printed() -> SafeString:
        context = {"appraisal": appraisal, "what_if": what_if}
        return mark_safe(render_to_string(WHAT_IF, context))  # noqa: S308

    if what_if.state.changed or what_if.state.refused:
        return printed()
    return derived(evaluation, "what-if.html", printed)


def _disagreement_rows(evaluation: Evaluation) -> SafeString:
    """The rows of the table of scores where panels differ, printed once for each
    evaluation: at 12 x 40 x 6 there can be hundreds, which took the template engine 0.2 s."""
    name, e = evaluation.option_name, html.escape
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            '<tr class="govuk-table__row">\n'
            f'<th scope="row" class="govuk-table__header">{e(name(d.option))}</th>\n'
            f'<td class="govuk-table__cell">{e(evaluation.criterion_name(d.criterion))}</td>\n'
            '<td class="govuk-table__cell">'
            + e("; ".join(f"{evaluation.panel_name(p)}: {number(s)}" for p, s in d.scores.items()))
            + "</td>\n"
            f'<td class="govuk-table__cell app-numeric">{e(format_value(d.spread))}</td>\n'
            "</tr>\n"
            for d in evaluation.result.disagreements
        )
    )


@allow("GET")
def results(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    # Without the exempt information for anyone who may not read it (appraisals.exempt).
    evaluation = exempt.evaluation_for(request.user, appraisal, evaluate(appraisal))
    what_if = what_if_context(appraisal, evaluation, request.GET)
    if needs_tidy_url(request, what_if):
        return redirect(what_if.url)
    result = evaluation.result
    rows = ranking_rows(evaluation)
    name = evaluation.option_name
    return render(
        request,
        "appraisals/results.html",
        {
            "appraisal": appraisal,
            "section": "results",
            "summary": _summary(evaluation),
            "what_it_means": _what_it_means(evaluation),
            # Each finding said once: the leader in the summary above the tabs, the close call
            # and switching values on the sensitivity tab, the simulations and disagreement
            # beside their figures; here, what else qualifies the ranking.
            "technical": list(evaluation.explained.consistency),
            "ranked": len(result.ranking) >= 2,
            "scale_words": on_scale(result),
            "disagreement_in_scale": in_scale(result, result.disagreement_threshold),
            **recommendations_context(
                appraisal,
                (evaluation.recommended or result.leader)
                and name(evaluation.recommended or result.leader),
            ),
            "can_edit": can_edit(request.user, appraisal),
            "evaluation": evaluation,
            "result": result,
            "interests": evaluation.interests,
            "ranking": rows,
            "leader_name": result.leader and name(result.leader),
            "baseline_name": result.baseline and name(result.baseline),
            "provisional": [r for r in rows if r.option.candidate and not r.option.complete],
            "close_call": _close_call(evaluation),
            "panels": panel_rows(evaluation, rows),
            "panel_heads": [(p.name, p.leader and name(p.leader)) for p in result.panels],
            "disagreements": derived(
                evaluation, "disagreement-rows.html", lambda: _disagreement_rows(evaluation)
            ),
            "switching": _switching_rows(evaluation),
            "contribution_chart": _chart(evaluation, "contribution", charts.contribution_chart),
            "what_if": what_if,
            "what_if_html": _what_if_html(appraisal, evaluation, what_if),
            "acceptability_chart": _chart(evaluation, "acceptability", charts.acceptability_chart),
            "value_chart": _chart(evaluation, "value-for-money", charts.value_for_money_chart),
            **_finance(evaluation),
            **_risks(appraisal, evaluation),
            "exempt_finance": _exempt_finance(request.user, appraisal, evaluation),
        },
    )
