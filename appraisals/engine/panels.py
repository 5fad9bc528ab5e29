"""Panels: their scores as one array, combining them (mean or median), each panel's
ranking on its own, and the cells where panels disagree."""

from __future__ import annotations

import numpy as np

from .ranking import _leader_position, rank_values
from .types import (
    TIE,
    AppraisalIn,
    Disagreement,
    PanelOptionResult,
    PanelResult,
)


def _score_array(inp: AppraisalIn) -> np.ndarray:
    """Raw scores as (panel, option, criterion), NaN where a panel gave none."""
    n_options, n_criteria = len(inp.options), len(inp.criteria)
    # Flat offsets computed once per key, so each score costs three dict look-ups.
    panel_at = {p.key: i * n_options * n_criteria for i, p in enumerate(inp.panels)}
    option_at = {o.key: i * n_criteria for i, o in enumerate(inp.options)}
    criterion_at = {c.key: i for i, c in enumerate(inp.criteria)}
    raw = np.full((len(inp.panels), n_options, n_criteria), np.nan)
    if not inp.scores:
        return raw
    try:
        flat = [
            panel_at[s.panel] + option_at[s.option] + criterion_at[s.criterion] for s in inp.scores
        ]
    except KeyError as exc:
        raise ValueError(f"a score names an unknown panel, option or criterion: {exc}") from None
    raw.ravel()[flat] = [s.score for s in inp.scores]  # a repeat: the last wins
    return raw


def _combine(v: np.ndarray, how: str) -> np.ndarray:
    """Combine panels (axis 0) ignoring NaN, without numpy's empty-slice warnings."""
    count = (~np.isnan(v)).sum(axis=0)
    if how == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, np.nansum(v, axis=0) / count, np.nan)
    if how == "median":
        ordered = np.sort(v, axis=0)  # NaN sorts last
        low = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[None], axis=0)[0]
        high = np.take_along_axis(ordered, (count // 2)[None], axis=0)[0]
        return np.where(count > 0, (low + high) / 2, np.nan)
    raise ValueError(f"unknown way to combine panels {how!r}")


def _panel_results(
    inp: AppraisalIn, w: np.ndarray, v_panels: np.ndarray, candidate: np.ndarray
) -> tuple[PanelResult, ...]:
    results = []
    for p, panel in enumerate(inp.panels):
        complete = (~np.isnan(v_panels[p])).all(axis=1)
        values = np.where(complete, np.nan_to_num(v_panels[p]) @ w, np.nan)
        ranked = np.flatnonzero(candidate & complete)
        ranks = dict(zip(ranked.tolist(), rank_values(values[ranked].tolist()), strict=True))
        options = tuple(
            PanelOptionResult(
                option=o.key,
                value=float(values[i]) if complete[i] else None,
                rank=ranks.get(i),
                complete=bool(complete[i]),
            )
            for i, o in enumerate(inp.options)
        )
        ranking = tuple(sorted((options[i] for i in ranks), key=lambda r: r.rank or 0))
        leader = (
            inp.options[int(ranked[_leader_position(values[ranked].tolist())])].key
            if ranked.size
            else None
        )
        results.append(PanelResult(panel.key, panel.name, options, ranking, leader))
    return tuple(results)


def _disagreements(
    inp: AppraisalIn,
    raw: np.ndarray,
    v_panels: np.ndarray,
    spread: np.ndarray,
    count: np.ndarray,
) -> tuple[Disagreement, ...]:
    """Cells where the panels differ by the threshold or more, on options still in play."""
    in_play = np.array([o.status != "rejected" for o in inp.options], dtype=bool)
    with np.errstate(invalid="ignore"):
        flagged = (count >= 2) & (spread >= inp.disagreement_threshold - TIE) & in_play[:, None]
    # Plain lists: a noisy appraisal can flag hundreds of cells, and numpy scalars are slow.
    cells = np.nonzero(flagged)
    raw_cells = raw[:, flagged].T.tolist()
    v_cells = v_panels[:, flagged].T.tolist()
    spreads = spread[flagged].tolist()
    everyone = (count[flagged] == raw.shape[0]).tolist()
    panel_keys = [p.key for p in inp.panels]
    option_keys = [o.key for o in inp.options]
    criterion_keys = [c.key for c in inp.criteria]
    result = []
    for i, c, scores, values, width, full in zip(
        cells[0].tolist(), cells[1].tolist(), raw_cells, v_cells, spreads, everyone, strict=True
    ):
        if full:
            by_panel = dict(zip(panel_keys, scores, strict=True))
            v_by_panel = dict(zip(panel_keys, values, strict=True))
        else:
            given = [p for p, score in enumerate(scores) if score == score]  # NaN != NaN
            by_panel = {panel_keys[p]: scores[p] for p in given}
            v_by_panel = {panel_keys[p]: values[p] for p in given}
        result.append(
            Disagreement(
                option=option_keys[i],
                criterion=criterion_keys[c],
                spread=width,
                values=v_by_panel,
                scores=by_panel,
            )
        )
    return tuple(result)
