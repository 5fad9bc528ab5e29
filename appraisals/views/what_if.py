"""What if, on the results page: weight sliders and panel switches that re-rank the options
and redraw the contribution chart, with each slider marked where the lead changes.

Nothing is saved (GET only, so it works on issued appraisals too). The results page renders
the state in its URL (`appraisals.what_if`); as the sliders move, htmx asks `what_if` for the
re-ranked table, the chart, the sentence screen readers hear and each slider's marks, and
the page's address follows, so that it can be shared. Every figure is the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import replace_url

from .. import charts, engine, exempt, what_if
from ..access import get_appraisal_for
from ..explain import explain_parts, format_percent, format_signed, format_value, join_names
from ..models import Appraisal
from ..results import Evaluation, derived, evaluate
from .allow import allow


@dataclass(frozen=True)
class Slider:
    key: str
    name: str
    value: str  # the slider's position: the weight in percent, two decimals
    own: str  # the appraisal's own weight, in the same terms (for "Reset")
    percent: str  # the weight in words: "30%"
    own_percent: str
    ticks: tuple[tuple[str, str], ...]  # (position, label) where the lead changes
    hints: tuple[str, ...]
    marks: tuple[Mark, ...] = ()  # the same, drawn on the slider


@dataclass(frozen=True)
class Mark:
    """A switching value drawn under its slider: a line at `x` percent of the thumb's travel
    and its label, anchored so that it stays inside the slider's width, one row each, so
    that two marks close together do not write over each other."""

    x: str  # percent, two decimals
    label: str  # "Lead changes at 38%"
    anchor: str  # SVG text-anchor: "start", "middle" or "end"
    row: int  # 0 for the first mark, 1 for the second

    @property
    def y(self) -> int:  # the label's baseline, in pixels from the top of the marks
        return 28 + 20 * self.row


def _marks(ticks: tuple[tuple[str, str], ...]) -> tuple[Mark, ...]:
    marks = []
    for row, (position, label) in enumerate(ticks):
        x = float(position)
        anchor = "start" if x < 20 else "end" if x > 80 else "middle"
        marks.append(Mark(position, label, anchor, row))
    return tuple(marks)


@dataclass(frozen=True)
class Row:
    rank: int | None
    name: str
    value: str  # one decimal, or "" while provisional
    change: str  # signed points against the appraisal's own weights, or ""
    own_rank: int | None
    status: str  # "baseline", "complete" or "provisional"


@dataclass(frozen=True)
class WhatIf:
    state: what_if.State
    sliders: tuple[Slider, ...]
    panels: tuple[tuple[str, str, bool], ...]  # (key, name, counted)
    status: tuple[str, ...]  # what leads, in sentences; screen readers hear them change
    rows: tuple[Row, ...]
    chart: charts.Chart
    url: str  # the results page showing this state

    @property
    def query(self) -> str:
        return what_if.query_string(self.state)


def _hints(
    name: Any, own_percent: str, points: Any, ranked: bool
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    hints = [f"The appraisal’s own weight is {own_percent}."]
    ticks = []
    for side, point in points:
        at = format_percent(point.weight)
        ticks.append((f"{100 * point.weight:.2f}", f"Lead changes at {at}"))
        hints.append(f"Lead changes at {at}: {side} it, {name(point.new_leader)} would lead.")
    if ranked and not points:
        hints.append("No weight from 0% to 100% changes the lead.")
    return tuple(ticks), tuple(hints)


def _sliders(
    evaluation: Evaluation, result: engine.AppraisalResult, state: what_if.State
) -> tuple[Slider, ...]:
    own = evaluation.result.weights
    switching = what_if.switching_points(result)
    ranked = len(result.ranking) >= 2
    sliders = []
    for key, share in result.weights.items():
        own_percent = format_percent(own[key])
        ticks, hints = _hints(evaluation.option_name, own_percent, switching.get(key, ()), ranked)
        sliders.append(
            Slider(
                key=key,
                name=evaluation.criterion_name(key),
                value=f"{100 * share:.2f}",
                own=f"{100 * own[key]:.2f}",
                percent=format_percent(share),
                own_percent=own_percent,
                ticks=ticks,
                hints=hints,
                marks=_marks(ticks),
            )
        )
    return tuple(sliders)


def _rows(evaluation: Evaluation, result: engine.AppraisalResult) -> tuple[Row, ...]:
    """Ranked options by rank, then short-listed ones still provisional, then the baseline."""
    own = {o.key: o for o in evaluation.result.options}
    waiting = [o for o in result.options if o.candidate and o.rank is None]
    baseline = [o for o in result.options if o.baseline]
    rows = []
    for o in [*result.ranking, *waiting, *baseline]:
        before = own[o.key].value
        change = "" if o.value is None or before is None else format_signed(o.value - before)
        rows.append(
            Row(
                rank=o.rank,
                name=evaluation.option_name(o.key),
                value="" if o.value is None else format_value(o.value),
                change=change,
                own_rank=own[o.key].rank,
                status="baseline" if o.baseline else "complete" if o.complete else "provisional",
            )
        )
    return tuple(rows)


def _status(
    evaluation: Evaluation, result: engine.AppraisalResult, state: what_if.State
) -> tuple[str, ...]:
    panels = evaluation.result.panel_names
    left_out = join_names([name for key, name in panels.items() if key in state.panels_off])
    weights = "these weights" if state.weights_changed else "the appraisal’s own weights"
    panels = f", leaving out the scores of {left_out}" if left_out else ""
    said = [state.refused] if state.refused else []
    if not state.changed:  # the summary above the tabs says what leads: said once
        return (
            *said,
            "These are the appraisal’s own weights and every panel’s scores, as on the "
            "Ranking tab. Move a weight to see how the ranking would change.",
        )
    said += [f"With {weights}{panels}:", *explain_parts(result).leader]
    own_leader = evaluation.result.leader
    if result.leader != own_leader and own_leader is not None:
        said.append(
            f"That is a change: with the appraisal’s own weights and panels, "
            f"{evaluation.option_name(own_leader)} leads."
        )
    elif result.leader is not None:
        said.append("The same option leads with the appraisal’s own weights and panels.")
    return tuple(said)


def what_if_context(appraisal: Appraisal, evaluation: Evaluation, query: Any) -> WhatIf:
    """The what-if part of the results page for the state `query` asks for. With the
    appraisal's own weights and panels, as every results page opens, it is cached under the
    evaluation's fingerprint."""
    state = what_if.read_state(query, evaluation.result)
    if not state.changed and not state.refused:
        return derived(evaluation, "what-if", lambda: _what_if(appraisal, evaluation, state))
    return _what_if(appraisal, evaluation, state)


def _what_if(appraisal: Appraisal, evaluation: Evaluation, state: what_if.State) -> WhatIf:
    result = what_if.compute(evaluation.document, evaluation.result, state)
    url = reverse("appraisals:results", args=[appraisal.reference])
    query_string = what_if.query_string(state)
    return WhatIf(
        state=state,
        sliders=_sliders(evaluation, result, state),
        panels=tuple(
            (key, name, key not in state.panels_off)
            for key, name in evaluation.result.panel_names.items()
        ),
        status=_status(evaluation, result, state),
        rows=_rows(evaluation, result),
        chart=charts.contribution_chart(
            SimpleNamespace(result=result),
            chart_id="chart-what-if",
            title="Weighted value of each option with these weights, by criterion",
        ),
        url=f"{url}{'?' if query_string else ''}{query_string}#what-if",
    )


def needs_tidy_url(request: HttpRequest, context: WhatIf) -> bool:
    """A what-if form sent without JavaScript carries every field (and a panel twice): the
    page moves to the state's own, shorter address, the one a member would share. Weights
    refused stay, so that the page can say why."""
    if context.state.refused or not what_if.is_what_if(request.GET):
        return False
    return request.META.get("QUERY_STRING", "") != context.query


@allow("GET")
def results_what_if(request: HttpRequest, reference: str) -> HttpResponse:
    """The re-ranked table and chart, and each slider's marks, for htmx; the page's address
    follows the state. Without htmx, the results page showing the same state."""
    if not request.htmx:
        from .results import results  # the page imports this module

        return results(request, reference)
    appraisal = get_appraisal_for(request.user, reference)
    # As the user may read it, like the results page (appraisals.exempt): the what-if shows
    # only scores and weights today, none of them exempt, but nothing exempt can reach it.
    evaluation = exempt.evaluation_for(request.user, appraisal, evaluate(appraisal))
    context = what_if_context(appraisal, evaluation, request.GET)
    response = render(
        request,
        "appraisals/_what_if.html#response",
        {"appraisal": appraisal, "what_if": context},
    )
    return replace_url(response, context.url)
