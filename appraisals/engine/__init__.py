"""The appraisal method: pure functions over plain values, no Django.

Implements domain.md "The method" with the exact definitions of interchange.md "Results".
Everything a screen or report prints about scores, weights, ranks and sensitivity comes from
`compute`; views and templates only read the frozen dataclasses it returns. numpy stays
inside this package (and `finance`): nothing here hands an array to a caller.

The package, by what each module holds:

- `__init__`: `compute`, the whole result, and the names the rest of the project imports
- `types`: the input and result dataclasses, and the method's constants
- `weights`: direct, swing and pairwise (AHP) weights, with pairwise consistency
- `panels`: the panels' scores, combining them, each panel on its own, disagreements
- `ranking`: ranks and ties, the leader, each option's result against the baseline
- `sensitivity`: switching values, and the close call
- `acceptability`: Monte Carlo rank acceptability
- `risk`: risk ratings and bands, the 5 x 5 matrix
- `interchange`: `results_to_dict`, the result as interchange.md's "results" object
"""

from __future__ import annotations

import numpy as np

from .acceptability import _CHUNK as _CHUNK  # tests size their samples by the chunk
from .acceptability import _acceptability_counts
from .interchange import results_to_dict
from .panels import _combine, _disagreements, _panel_results, _score_array
from .ranking import _leader_position, _option_results, rank_values
from .risk import rate_risk, risk_band, risk_matrix, risk_rating
from .sensitivity import _close_call, _switching
from .types import (
    COMBINE_METHODS,
    CONSISTENCY_LIMIT,
    DEFAULT_SAMPLES,
    OPTION_STATUSES,
    RANDOM_INDEX,
    RISK_BANDS,
    RISK_CUTOFFS,
    TIE,
    WEIGHT_JITTER,
    WEIGHTING_METHODS,
    AppraisalIn,
    AppraisalResult,
    CloseCall,
    Consistency,
    CriterionIn,
    Disagreement,
    OptionIn,
    OptionResult,
    PairwiseResult,
    PanelIn,
    PanelOptionResult,
    PanelResult,
    RankAcceptability,
    RiskRating,
    RiskRatings,
    ScoreFlip,
    ScoreIn,
    Switching,
    SwitchPoint,
)
from .weights import (
    _weights,
    normalise_weights,
    pairwise_weights,
    swing_order,
    swing_weights,
)

# The public names of the single module this package replaced, so that
# `from appraisals.engine import X` and `engine.X` work as before.
__all__ = [
    "AppraisalIn",
    "AppraisalResult",
    "COMBINE_METHODS",
    "CONSISTENCY_LIMIT",
    "CloseCall",
    "Consistency",
    "CriterionIn",
    "DEFAULT_SAMPLES",
    "Disagreement",
    "OPTION_STATUSES",
    "OptionIn",
    "OptionResult",
    "PairwiseResult",
    "PanelIn",
    "PanelOptionResult",
    "PanelResult",
    "RANDOM_INDEX",
    "RISK_BANDS",
    "RISK_CUTOFFS",
    "RankAcceptability",
    "RiskRating",
    "RiskRatings",
    "ScoreFlip",
    "ScoreIn",
    "SwitchPoint",
    "Switching",
    "TIE",
    "WEIGHTING_METHODS",
    "WEIGHT_JITTER",
    "compute",
    "normalise_weights",
    "pairwise_weights",
    "rank_values",
    "rate_risk",
    "results_to_dict",
    "risk_band",
    "risk_matrix",
    "risk_rating",
    "swing_order",
    "swing_weights",
]


def compute(
    inp: AppraisalIn,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 1,
    weight_jitter: float = WEIGHT_JITTER,
) -> AppraisalResult:
    """Everything in interchange.md "Results", plus panels side by side and the close call."""
    if inp.scale_max <= inp.scale_min:
        raise ValueError("the scale maximum must be above its minimum")
    if inp.combine not in COMBINE_METHODS:
        raise ValueError(f"unknown way to combine panels {inp.combine!r}")
    if not 0 <= weight_jitter < 1:
        raise ValueError("weight_jitter is a fraction from 0 up to (not including) 1")
    criterion_keys = [c.key for c in inp.criteria]
    option_keys = [o.key for o in inp.options]
    w, consistency = _weights(inp)

    raw = _score_array(inp)
    v_panels = 100.0 * (raw - inp.scale_min) / (inp.scale_max - inp.scale_min)
    scored = ~np.isnan(v_panels)
    count = scored.sum(axis=0)
    v = _combine(v_panels, inp.combine)
    if raw.shape[0]:
        low = np.fmin.reduce(v_panels, axis=0)  # fmin/fmax skip NaN without warnings
        high = np.fmax.reduce(v_panels, axis=0)
    else:
        low = high = np.full(v.shape, np.nan)
    spread = high - low
    complete = (count > 0).all(axis=1)
    values = np.where(complete, np.nan_to_num(v) @ w, np.nan)
    candidate = np.array([o.candidate for o in inp.options], dtype=bool)
    ranked = np.flatnonzero(candidate & complete)

    ranks: dict[int, int] = {}
    leader: int | None = None  # index into inp.options
    if ranked.size:
        ranked_values = values[ranked].tolist()
        ranks = dict(zip(ranked.tolist(), rank_values(ranked_values), strict=True))
        leader = int(ranked[_leader_position(ranked_values)])
    baseline = next((i for i, o in enumerate(inp.options) if o.baseline), None)
    baseline_value = None if baseline is None or not complete[baseline] else float(values[baseline])

    option_results = _option_results(
        inp, w, v, spread, scored, complete, values, ranks, baseline_value
    )
    ranking = tuple(
        sorted((option_results[i] for i in ranks), key=lambda r: (r.rank, option_keys.index(r.key)))
    )

    switching: tuple[Switching, ...] = ()
    acceptability = None
    close_call = None
    if leader is not None:
        position = int(np.flatnonzero(ranked == leader)[0])
        ranked_keys = [option_keys[i] for i in ranked]
        switching = _switching(w, v[ranked], position, criterion_keys, ranked_keys)
        if samples > 0:
            if ranked.size == 1:
                shares = np.ones((1, 1))
            else:
                counts = _acceptability_counts(
                    w, low[ranked], spread[ranked], samples=samples, seed=seed, jitter=weight_jitter
                )
                shares = counts / samples
            acceptability = RankAcceptability(
                samples=samples,
                seed=seed,
                options={
                    k: tuple(row) for k, row in zip(ranked_keys, shares.tolist(), strict=True)
                },
                weight_jitter=weight_jitter,
            )
        if ranked.size > 1:
            close_call = _close_call(
                inp, w, raw[:, ranked], v[ranked], values[ranked], position, ranked_keys
            )

    return AppraisalResult(
        scale_min=float(inp.scale_min),
        scale_max=float(inp.scale_max),
        weighting_method=inp.weighting_method,
        combine=inp.combine,
        weights=dict(zip(criterion_keys, w.tolist(), strict=True)),
        consistency=consistency,
        criterion_names={c.key: c.name for c in inp.criteria},
        option_names={o.key: o.name for o in inp.options},
        panel_names={p.key: p.name for p in inp.panels},
        options=tuple(option_results),
        ranking=ranking,
        leader=None if leader is None else option_keys[leader],
        baseline=None if baseline is None else option_keys[baseline],
        panels=_panel_results(inp, w, v_panels, candidate),
        disagreements=_disagreements(inp, raw, v_panels, spread, count),
        disagreement_threshold=float(inp.disagreement_threshold),
        switching=switching,
        rank_acceptability=acceptability,
        close_call=close_call,
    )
