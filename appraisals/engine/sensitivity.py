"""Sensitivity: switching values (the weight at which the leader changes, solved exactly)
and the close call (the top two within the margin, or one score a step from a new leader)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .panels import _combine
from .types import TIE, AppraisalIn, CloseCall, ScoreFlip, Switching, SwitchPoint

_EDGE = 1e-9  # a tie this close to weight 0 or 1 is not a change (interchange.md)
_SLOPE = 1e-9  # lines closer to parallel than this never cross in [0, 1]


def _switching(
    w: np.ndarray, v: np.ndarray, leader: int, criterion_keys: Sequence[str], keys: Sequence[str]
) -> tuple[Switching, ...]:
    """Switching values for every criterion, solved exactly.

    Moving criterion c to weight t, the others keeping their proportions, gives each option
    V_i(t) = rest_i + t * (v_ic - rest_i), where rest_i is its value on the other criteria at
    their proportions: a line. The leader changes where another option's line crosses it
    from below, so each switching value is a root of a difference of two lines.
    """
    n_options, n_criteria = v.shape
    total = v @ w
    rest_weight = w.sum() - w
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = (total[:, None] - v * w[None, :]) / rest_weight[None, :]
    holds_all = rest_weight <= 1e-12
    for c in np.flatnonzero(holds_all):
        # The others' proportions are undefined when c holds all the weight: share it equally.
        others = np.arange(n_criteria) != c
        rest[:, c] = v[:, others].mean(axis=1) if others.any() else np.nan
    slope = v - rest
    alpha = rest - rest[leader]
    beta = slope - slope[leader]
    with np.errstate(invalid="ignore", divide="ignore"):
        root = -alpha / beta
    # An option level with the leader now changes the lead with any move its way.
    level = alpha + beta * w[None, :] >= -TIE
    root = np.where(level, w[None, :], root)
    valid = np.isfinite(rest).all(axis=0)[None, :] & (np.arange(n_options) != leader)[:, None]
    down = valid & (beta < -_SLOPE) & (root > _EDGE) & (root <= w[None, :] + TIE)
    up = valid & (beta > _SLOPE) & (root < 1 - _EDGE) & (root >= w[None, :] - TIE)
    lower = np.where(down, root, -np.inf).max(axis=0)
    upper = np.where(up, root, np.inf).min(axis=0)

    lower = np.minimum(lower, w)  # a level option: the switching value is the weight now
    upper = np.maximum(upper, w)

    def new_leaders(t: np.ndarray, direction: float) -> list[int]:
        # Just past t the lead goes to the line highest at t and steepest in that direction;
        # among equals, the first in input order (argmax takes the first).
        at_t = rest + np.where(np.isfinite(t), t, 0.0)[None, :] * slope
        tied = at_t >= np.fmax.reduce(at_t, axis=0)[None, :] - 1e-7  # fmax: no NaN warning
        steep = np.where(tied, direction * slope, -np.inf)
        best = steep >= steep.max(axis=0)[None, :] - 1e-12
        return np.argmax(best, axis=0).tolist()

    lower_leaders, upper_leaders = new_leaders(lower, -1.0), new_leaders(upper, 1.0)
    result = []
    for c, key in enumerate(criterion_keys):
        low = up_point = None
        if np.isfinite(lower[c]):
            low = SwitchPoint(float(lower[c]), keys[lower_leaders[c]])
        if np.isfinite(upper[c]):
            up_point = SwitchPoint(float(upper[c]), keys[upper_leaders[c]])
        result.append(Switching(key, float(w[c]), low, up_point))
    return tuple(result)


def _close_call(
    inp: AppraisalIn,
    w: np.ndarray,
    raw: np.ndarray,
    v: np.ndarray,
    values: np.ndarray,
    leader: int,
    keys: Sequence[str],
) -> CloseCall | None:
    """Close call: the top two within the margin, or one panel score moved one step (within
    the scale) changes the leader. Only the moved cell's option changes value, so each
    (panel, direction) is one vectorised pass over all cells."""
    n_options = values.size
    order = sorted(range(n_options), key=lambda k: (-values[k], k))
    runner_up = next(k for k in order if k != leader)
    gap = float(values[leader] - values[runner_up])
    # For each option: the best of the others (value, first in input order among equals).
    best_other = np.empty(n_options)
    first_other = np.empty(n_options, dtype=int)
    for i in range(n_options):
        others = [k for k in range(n_options) if k != i]
        best = max(values[k] for k in others)
        best_other[i] = best
        first_other[i] = next(k for k in others if best - values[k] <= TIE)
    width = inp.scale_max - inp.scale_min
    count = (~np.isnan(raw)).sum(axis=0)
    flips: list[tuple[int, int, int, float, float, float, int]] = []
    step = abs(inp.score_step)
    for p in range(raw.shape[0]):
        for move in (step, -step) if step > 0 else ():
            moved = raw[p] + move
            valid = ~np.isnan(raw[p])
            valid &= (moved >= inp.scale_min - 1e-12) & (moved <= inp.scale_max + 1e-12)
            if not valid.any():
                continue
            if inp.combine == "mean":
                # One panel's step moves the cell's mean by the step in v over the panel count.
                shift = 100.0 * move / width / np.maximum(count, 1)
                new_value = values[:, None] + shift * w[None, :]
            else:
                trial = raw.copy()
                trial[p] = np.where(valid, moved, raw[p])
                combined = _combine(100.0 * (trial - inp.scale_min) / width, inp.combine)
                new_value = values[:, None] + (combined - v) * w[None, :]
            diff = new_value - best_other[:, None]
            wins = (diff > TIE) | (
                (np.abs(diff) <= TIE) & (np.arange(n_options) < first_other)[:, None]
            )
            new_leader = np.where(wins, np.arange(n_options)[:, None], first_other[:, None])
            for i, c in zip(*np.nonzero(valid & (new_leader != leader)), strict=True):
                flips.append(
                    (i, c, p, move, float(raw[p, i, c]), float(moved[i, c]), new_leader[i, c])
                )
    flips.sort(key=lambda f: f[:4])  # by option, criterion, panel; the step down first
    within = gap < inp.close_call_margin
    if not within and not flips:
        return None
    return CloseCall(
        leader=keys[leader],
        runner_up=keys[runner_up],
        gap=gap,
        margin=float(inp.close_call_margin),
        within_margin=bool(within),
        flips=tuple(
            ScoreFlip(
                panel=inp.panels[p].key,
                option=keys[i],
                criterion=inp.criteria[c].key,
                from_score=from_score,
                to_score=to_score,
                new_leader=keys[int(new)],
            )
            for i, c, p, _, from_score, to_score, new in flips
        ),
    )
