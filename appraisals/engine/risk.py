"""Risk ratings: likelihood x impact on the 5 x 5 matrix, banded, before and after
controls, and the band of every cell for the heat map."""

from __future__ import annotations

from collections.abc import Sequence

from .types import RISK_BANDS, RISK_CUTOFFS, RiskRating, RiskRatings


def risk_band(score: int, cutoffs: Sequence[int] = RISK_CUTOFFS) -> str:
    """Band for a likelihood x impact score; `cutoffs` are the upper bounds of low, medium, high."""
    if len(cutoffs) != 3 or list(cutoffs) != sorted(set(cutoffs)):
        raise ValueError("risk cut-offs are three increasing upper bounds, e.g. (4, 9, 16)")
    for band, upper in zip(RISK_BANDS, cutoffs, strict=False):
        if score <= upper:
            return band
    return RISK_BANDS[-1]


def risk_rating(likelihood: int, impact: int, cutoffs: Sequence[int] = RISK_CUTOFFS) -> RiskRating:
    """Likelihood x impact on the 5 x 5 matrix, banded (default low 1-4 ... very high 20-25)."""
    for label, x in (("likelihood", likelihood), ("impact", impact)):
        if int(x) != x or not 1 <= x <= 5:
            raise ValueError(f"{label} must be a whole number from 1 to 5, not {x!r}")
    score = int(likelihood) * int(impact)
    return RiskRating(score, risk_band(score, cutoffs))


def rate_risk(
    likelihood: int,
    impact: int,
    residual_likelihood: int | None = None,
    residual_impact: int | None = None,
    cutoffs: Sequence[int] = RISK_CUTOFFS,
) -> RiskRatings:
    """Ratings before and after controls (after is None until both residual figures exist)."""
    after = None
    if residual_likelihood is not None and residual_impact is not None:
        after = risk_rating(residual_likelihood, residual_impact, cutoffs)
    return RiskRatings(risk_rating(likelihood, impact, cutoffs), after)


def risk_matrix(cutoffs: Sequence[int] = RISK_CUTOFFS) -> tuple[tuple[str, ...], ...]:
    """Band of every cell, [likelihood - 1][impact - 1], for drawing the heat map."""
    return tuple(tuple(risk_band(lk * im, cutoffs) for im in range(1, 6)) for lk in range(1, 6))
