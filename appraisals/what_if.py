"""What if: the results with the weights and panels a member tries out, never saved.

The state lives in the URL, so that it can be shared and the page renders it without
JavaScript: `?w.cost=30&w.quality=70&panel.staff=off`. Each `w.<criterion>` is a weight in
percent; weights that do not add up to 100% count in proportion (the engine normalises any
weights). A criterion not named keeps the appraisal's own weight. `panel.<key>=off` leaves a
panel's scores out; when a form sends a panel twice (a hidden "off" before its checkbox),
the last value counts.

The figures come from the engine: the appraisal's interchange document with these weights
(by direct entry) and without the panels left out, through `engine.compute`. Nothing here
ranks or sums anything itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from . import engine

WEIGHT = "w."
PANEL = "panel."
# Weights this close (in percentage points) to the appraisal's own are the appraisal's own:
# the sliders carry two decimals.
SAME = 0.005


class Query(Protocol):
    """What the state is read from: a QueryDict."""

    def getlist(self, key: str) -> list[str]: ...

    def __iter__(self) -> Iterator[str]: ...


@dataclass(frozen=True)
class State:
    """Weights in percent as given (by criterion key, in the appraisal's order), and the
    panels left out."""

    weights: dict[str, float]
    panels_off: frozenset[str]
    weights_changed: bool  # False for the appraisal's own weights
    refused: str = ""  # why the weights given were not used, in words ("" when they were)

    @property
    def changed(self) -> bool:
        """False for the appraisal's own weights and every panel's scores."""
        return self.weights_changed or bool(self.panels_off)

    @property
    def shares(self) -> dict[str, float]:
        """Each weight as a fraction of all of them."""
        total = sum(self.weights.values()) or 1.0
        return {k: v / total for k, v in self.weights.items()}


def is_what_if(query: Query) -> bool:
    """Whether a query names any what-if weight or panel."""
    return any(k.startswith((WEIGHT, PANEL)) for k in query)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        return None
    return min(100.0, max(0.0, value)) if math.isfinite(value) else None


def read_state(query: Query, result: engine.AppraisalResult) -> State:
    """The what-if state a query asks for, on the appraisal's criteria and panels. Anything
    it cannot read (a word for a weight, an unknown criterion) keeps the appraisal's own."""
    own = {k: 100.0 * w for k, w in result.weights.items()}
    weights = {}
    for key, weight in own.items():
        given = query.getlist(WEIGHT + key)
        value = _number(given[-1]) if given else None
        weights[key] = weight if value is None else round(value, 2)
    panels_off = frozenset(
        key for key in result.panel_names if query.getlist(PANEL + key)[-1:] == ["off"]
    )
    refused = ""
    if weights and sum(weights.values()) <= 0:
        weights, refused = own, "At least one weight must be above 0%."
    changed = any(abs(weights[k] - own[k]) > SAME for k in own)
    return State(weights if changed else own, panels_off, changed, refused)


def _figure(value: float) -> str:
    return f"{round(value, 2):g}"


def query_string(state: State) -> str:
    """The state as a URL's query, "" for the appraisal's own weights and panels: every
    weight when any differs (so the link means the same weights whatever changes later),
    and each panel left out."""
    parts = []
    if state.weights_changed:
        parts += [f"{WEIGHT}{k}={_figure(v)}" for k, v in state.weights.items()]
    parts += [f"{PANEL}{k}=off" for k in sorted(state.panels_off)]
    return "&".join(parts)


def what_if_document(document: Mapping[str, Any], state: State) -> dict[str, Any]:
    """The interchange document with the state's weights, by direct entry, and without the
    panels left out (their scores go with them)."""
    off = state.panels_off
    return {
        **document,
        "weighting": {"method": "direct"},
        "criteria": [{**c, "weight": state.weights[c["key"]]} for c in document["criteria"]],
        "panels": [p for p in document["panels"] if p["key"] not in off],
        "scores": [s for s in document["scores"] if s["panel"] not in off],
    }


def compute(
    document: Mapping[str, Any], result: engine.AppraisalResult, state: State
) -> engine.AppraisalResult:
    """The engine's result for the state: the appraisal's own `result` when it is unchanged.
    No simulations (they need seconds, and the sliders ask many times a second)."""
    if not state.changed:
        return result
    return engine.compute(
        engine.AppraisalIn.from_document(what_if_document(document, state)), samples=0
    )


def switching_points(
    result: engine.AppraisalResult,
) -> dict[str, Sequence[tuple[str, engine.SwitchPoint]]]:
    """By criterion, where the lead changes as its weight moves ("below"/"above", point)."""
    return {
        s.criterion: [
            (side, point)
            for side, point in (("below", s.lower), ("above", s.upper))
            if point is not None
        ]
        for s in result.switching
    }
