"""Ranking: ranks with ties, the leader, and each option's result (value, rank, difference
from the baseline, contributions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .types import TIE, AppraisalIn, OptionResult


def rank_values(values: Sequence[float]) -> list[int]:
    """Ranks by value, highest first; values within TIE of a group's best share its rank."""
    order = sorted(range(len(values)), key=lambda k: (-values[k], k))
    ranks = [0] * len(values)
    head_value = head_rank = None
    for position, k in enumerate(order):
        if head_value is None or head_value - values[k] > TIE:
            head_value, head_rank = values[k], position + 1
        ranks[k] = head_rank  # type: ignore[assignment]
    return ranks


def _leader_position(values: Sequence[float]) -> int:
    """Rank 1, and the first in input order when several share it."""
    best = max(values)
    return next(k for k, value in enumerate(values) if best - value <= TIE)


def _option_results(
    inp: AppraisalIn,
    w: np.ndarray,
    v: np.ndarray,
    spread: np.ndarray,
    scored: np.ndarray,
    complete: np.ndarray,
    values: np.ndarray,
    ranks: Mapping[int, int],
    baseline_value: float | None,
) -> list[OptionResult]:
    criterion_keys = [c.key for c in inp.criteria]
    has_score = scored.any(axis=0).tolist() if scored.shape[0] else [[False] * len(w)] * len(v)
    v_rows = v.tolist()
    contribution_rows = (v * w[None, :]).tolist()
    spread_rows = spread.tolist()
    results = []
    for i, option in enumerate(inp.options):
        cells = [c for c, ok in enumerate(has_score[i]) if ok]
        value = float(values[i]) if complete[i] else None
        results.append(
            OptionResult(
                key=option.key,
                name=option.name,
                value=value,
                rank=ranks.get(i),
                complete=bool(complete[i]),
                vs_baseline=(
                    None if value is None or baseline_value is None else value - baseline_value
                ),
                contributions={criterion_keys[c]: contribution_rows[i][c] for c in cells},
                spread={criterion_keys[c]: spread_rows[i][c] for c in cells},
                normalised={
                    key: (v_rows[i][c] if has_score[i][c] else None)
                    for c, key in enumerate(criterion_keys)
                },
                baseline=option.baseline,
                status=option.status,
                candidate=option.candidate,
                missing=tuple(k for c, k in enumerate(criterion_keys) if not has_score[i][c]),
            )
        )
    return results
