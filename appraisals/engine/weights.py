"""Criterion weights: direct (normalised), swing, and pairwise (AHP) with Saaty's
consistency ratio and the judgement that fits the rest worst."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .types import (
    CONSISTENCY_LIMIT,
    RANDOM_INDEX,
    WEIGHTING_METHODS,
    AppraisalIn,
    Consistency,
    PairwiseResult,
)


def normalise_weights(raw: Sequence[float]) -> np.ndarray:
    """`w_j = raw_j / sum(raw)`; all-zero weights (refused upstream) count as equal weights."""
    arr = np.asarray(raw, dtype=float)
    if (arr < 0).any():
        raise ValueError("weights must not be negative")
    total = float(arr.sum())
    if arr.size == 0 or not np.isfinite(total) or total <= 0:
        return np.full(arr.size, 1.0 / arr.size) if arr.size else arr
    return arr / total


def swing_order(points: Mapping[str, float]) -> tuple[str, ...]:
    """Criteria by swing, largest first (ties keep their given order)."""
    keys = list(points)
    return tuple(sorted(keys, key=lambda k: (-points[k], keys.index(k))))


def swing_weights(points: Mapping[str, float]) -> dict[str, float]:
    """Swing weighting: the swing that matters most scores 100, the others points relative to it.

    Points are rescaled so the top swing is 100 (an officer may rank on another base) and then
    normalised, so the weights are the points' proportions.
    """
    values = [float(p) for p in points.values()]
    if any(p < 0 or p != p for p in values):
        raise ValueError("swing points must be non-negative numbers")
    top = max(values, default=0.0)
    scaled = [100.0 * p / top for p in values] if top > 0 else values
    return dict(zip(points, normalise_weights(scaled).tolist(), strict=True))


def pairwise_weights(
    matrix: Sequence[Sequence[float]], keys: Sequence[str] | None = None
) -> PairwiseResult:
    """AHP: principal eigenvector of a reciprocal matrix, Saaty's consistency ratio.

    The worst judgement is the entry least consistent with the derived weights, the largest
    |log(a_ij * w_j / w_i)|; it is symmetric in (i, j), so the upper triangle is searched.
    """
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0] if a.ndim == 2 else 0
    if a.ndim != 2 or a.shape != (n, n) or n == 0:
        raise ValueError("the pairwise matrix must be square")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError("pairwise judgements must be positive numbers")
    keys = list(keys) if keys is not None else [str(i) for i in range(n)]
    if len(keys) != n:
        raise ValueError(f"the pairwise matrix is {n}x{n} but there are {len(keys)} criteria")
    eigenvalues, vectors = np.linalg.eig(a)
    top = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[top].real)
    vector = np.abs(vectors[:, top].real)  # Perron vector: one sign, so abs only fixes it
    w = vector / vector.sum()
    ri = RANDOM_INDEX.get(n, RANDOM_INDEX[10]) if n >= 3 else 0.0
    # A consistent matrix has lambda_max = n; rounding may put it a hair below.
    ratio = max(0.0, (lambda_max - n) / (n - 1)) / ri if n >= 3 else 0.0
    worst: tuple[str, str] | None = None
    worst_judgement = worst_implied = None
    if n >= 3:
        misfit = np.abs(np.log(a * w[None, :] / w[:, None]))
        misfit[np.tril_indices(n)] = -1.0
        i, j = np.unravel_index(int(np.argmax(misfit)), misfit.shape)
        if misfit[i, j] > 1e-9:
            if a[i, j] < 1:  # name it the way it was judged: "j is 5 times as important as i"
                i, j = j, i
            worst = (keys[i], keys[j])
            worst_judgement = float(a[i, j])
            worst_implied = float(w[i] / w[j])
    consistency = Consistency(
        ratio=float(ratio),
        lambda_max=lambda_max if n >= 3 else float(n),
        random_index=ri,
        flagged=bool(ratio > CONSISTENCY_LIMIT),
        worst=worst,
        worst_judgement=worst_judgement,
        worst_implied=worst_implied,
    )
    return PairwiseResult(dict(zip(keys, w.tolist(), strict=True)), consistency)


def _weights(inp: AppraisalIn) -> tuple[np.ndarray, Consistency | None]:
    keys = [c.key for c in inp.criteria]
    raw = [c.weight for c in inp.criteria]
    if not keys and inp.weighting_method in WEIGHTING_METHODS:
        return np.zeros(0), None  # no criteria (all removed): nothing to weigh, even pairwise
    if inp.weighting_method == "direct":
        return normalise_weights(raw), None
    if inp.weighting_method == "swing":
        return np.array(list(swing_weights(dict(zip(keys, raw, strict=True))).values())), None
    if inp.weighting_method == "pairwise":
        if inp.pairwise_matrix is None:
            raise ValueError("pairwise weighting needs a pairwise matrix")
        result = pairwise_weights(inp.pairwise_matrix, keys)
        return np.array(list(result.weights.values())), result.consistency
    raise ValueError(f"unknown weighting method {inp.weighting_method!r}")
