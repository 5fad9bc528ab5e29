"""The appraisal method: pure functions over plain values, no Django.

Implements domain.md "The method" with the exact definitions of interchange.md "Results".
Everything a screen or report prints about scores, weights, ranks and sensitivity comes from
`compute`; views and templates only read the frozen dataclasses it returns. numpy stays
inside this module (and `finance`): nothing here hands an array to a caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Values this close share a rank (interchange.md "rank").
TIE = 1e-9
# Saaty's random indices (interchange.md); beyond ten criteria we keep RI(10), which can only
# overstate the ratio, so an inconsistent large matrix is still flagged.
RANDOM_INDEX: dict[int, float] = {
    3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
}  # fmt: skip
CONSISTENCY_LIMIT = 0.10
DEFAULT_SAMPLES = 10_000
# Each sampled weight is the given weight times a factor uniform in [1 - j, 1 + j].
WEIGHT_JITTER = 0.25
RISK_CUTOFFS: tuple[int, int, int] = (4, 9, 16)
RISK_BANDS = ("low", "medium", "high", "very high")
WEIGHTING_METHODS = ("direct", "swing", "pairwise")
COMBINE_METHODS = ("mean", "median")
OPTION_STATUSES = ("shortlisted", "longlisted", "rejected")

# Monte Carlo chunk: small enough that the draws stay in cache, and a constant so that a seed
# reproduces exactly whatever the sample count.
_CHUNK = 512
_U16 = 65535.0  # largest 16-bit draw
_U8 = 255.0  # largest 8-bit draw
_EDGE = 1e-9  # a tie this close to weight 0 or 1 is not a change (interchange.md)
_SLOPE = 1e-9  # lines closer to parallel than this never cross in [0, 1]


# --------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True, slots=True)
class CriterionIn:
    key: str
    name: str
    weight: float
    group: str = ""


@dataclass(frozen=True, slots=True)
class OptionIn:
    key: str
    name: str
    baseline: bool = False
    status: str = "shortlisted"  # shortlisted | longlisted | rejected

    @property
    def candidate(self) -> bool:
        """Only shortlisted options other than the baseline are ranked."""
        return self.status == "shortlisted" and not self.baseline


@dataclass(frozen=True, slots=True)
class PanelIn:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class ScoreIn:
    panel: str
    option: str
    criterion: str
    score: float


@dataclass(frozen=True, slots=True)
class AppraisalIn:
    scale_min: float
    scale_max: float
    criteria: tuple[CriterionIn, ...]
    options: tuple[OptionIn, ...]
    panels: tuple[PanelIn, ...]
    scores: tuple[ScoreIn, ...]
    weighting_method: str = "direct"  # direct | swing | pairwise
    pairwise_matrix: tuple[tuple[float, ...], ...] | None = None
    disagreement_threshold: float = 40.0
    close_call_margin: float = 5.0
    combine: str = "mean"  # mean | median of the panels that scored a cell
    score_step: float = 1.0  # one step of the scale, for the close-call check

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], **settings: Any) -> AppraisalIn:
        """Build from an interchange document (`councilopts.appraisal/1`), already validated.

        `settings` passes the fields the format does not carry (`disagreement_threshold`,
        `close_call_margin`, `combine`, `score_step`).
        """
        weighting = doc.get("weighting") or {}
        matrix = weighting.get("matrix")
        return cls(
            scale_min=float(doc["scale"]["min"]),
            scale_max=float(doc["scale"]["max"]),
            criteria=tuple(
                CriterionIn(
                    key=c["key"],
                    name=c["name"],
                    weight=float(c.get("weight") or 0.0),
                    group=c.get("group") or "",
                )
                for c in doc["criteria"]
            ),
            options=tuple(
                OptionIn(
                    key=o["key"],
                    name=o["name"],
                    baseline=bool(o.get("baseline", False)),
                    status=o.get("status") or "shortlisted",
                )
                for o in doc["options"]
            ),
            panels=tuple(PanelIn(key=p["key"], name=p["name"]) for p in doc.get("panels", ())),
            scores=tuple(
                ScoreIn(
                    panel=s["panel"],
                    option=s["option"],
                    criterion=s["criterion"],
                    score=float(s["score"]),
                )
                for s in doc.get("scores", ())
                if s.get("score") is not None
            ),
            weighting_method=weighting.get("method") or "direct",
            pairwise_matrix=(
                tuple(tuple(float(x) for x in row) for row in matrix) if matrix else None
            ),
            **settings,
        )


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class Consistency:
    """Saaty's consistency of a pairwise matrix, and the judgement that fits the rest worst."""

    ratio: float
    lambda_max: float
    random_index: float
    flagged: bool  # ratio above CONSISTENCY_LIMIT
    # (row, column) of the worst entry, oriented so that its judgement is at least 1.
    worst: tuple[str, str] | None
    worst_judgement: float | None = None  # the entry as given, a_ij
    worst_implied: float | None = None  # what the derived weights imply, w_i / w_j


@dataclass(frozen=True, slots=True)
class PairwiseResult:
    weights: dict[str, float]
    consistency: Consistency


@dataclass(frozen=True, slots=True)
class OptionResult:
    key: str
    name: str
    value: float | None  # None when incomplete
    rank: int | None  # None unless complete, shortlisted and not the baseline
    complete: bool
    vs_baseline: float | None
    contributions: dict[str, float]  # weight x mean v, for the criteria scored
    spread: dict[str, float]  # max - min of the panels' v, for the criteria scored
    normalised: dict[str, float | None]  # mean v per criterion (every criterion)
    baseline: bool = False
    status: str = "shortlisted"
    candidate: bool = True  # shortlisted, not the baseline: ranked once complete
    missing: tuple[str, ...] = ()  # criteria with no score from any panel


@dataclass(frozen=True, slots=True)
class PanelOptionResult:
    option: str
    value: float | None
    rank: int | None
    complete: bool


@dataclass(frozen=True, slots=True)
class PanelResult:
    """One panel's scores taken on their own, to set beside the combined result."""

    key: str
    name: str
    options: tuple[PanelOptionResult, ...]  # input order
    ranking: tuple[PanelOptionResult, ...]  # ranked ones, by rank
    leader: str | None


@dataclass(frozen=True, slots=True)
class Disagreement:
    option: str
    criterion: str
    spread: float  # in points of v (0-100)
    values: dict[str, float]  # panel -> v
    scores: dict[str, float]  # panel -> score as given


@dataclass(frozen=True, slots=True)
class SwitchPoint:
    weight: float
    new_leader: str


@dataclass(frozen=True, slots=True)
class Switching:
    criterion: str
    weight: float
    lower: SwitchPoint | None
    upper: SwitchPoint | None


@dataclass(frozen=True, slots=True)
class RankAcceptability:
    samples: int
    seed: int
    options: dict[str, tuple[float, ...]]  # option -> share of samples at rank 1, 2, ...
    weight_jitter: float = WEIGHT_JITTER


@dataclass(frozen=True, slots=True)
class ScoreFlip:
    """One panel score which, moved one step, changes the leader."""

    panel: str
    option: str
    criterion: str
    from_score: float
    to_score: float
    new_leader: str


@dataclass(frozen=True, slots=True)
class CloseCall:
    leader: str
    runner_up: str
    gap: float  # leader's value minus the runner-up's
    margin: float
    within_margin: bool
    flips: tuple[ScoreFlip, ...]


@dataclass(frozen=True, slots=True)
class AppraisalResult:
    scale_min: float
    scale_max: float
    weighting_method: str
    combine: str
    weights: dict[str, float]
    consistency: Consistency | None
    criterion_names: dict[str, str]
    option_names: dict[str, str]
    panel_names: dict[str, str]
    options: tuple[OptionResult, ...]  # input order
    ranking: tuple[OptionResult, ...]  # ranked ones, by rank then input order
    leader: str | None
    baseline: str | None
    panels: tuple[PanelResult, ...]
    disagreements: tuple[Disagreement, ...]
    disagreement_threshold: float
    switching: tuple[Switching, ...]
    rank_acceptability: RankAcceptability | None
    close_call: CloseCall | None

    def option(self, key: str) -> OptionResult:
        for result in self.options:
            if result.key == key:
                return result
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class RiskRating:
    score: int
    band: str  # low | medium | high | very high


@dataclass(frozen=True, slots=True)
class RiskRatings:
    before: RiskRating
    after: RiskRating | None  # None until the rating after controls is recorded


# --------------------------------------------------------------------------------------------
# Weights


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


# --------------------------------------------------------------------------------------------
# Ranking


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


# --------------------------------------------------------------------------------------------
# Scores


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


# --------------------------------------------------------------------------------------------
# Sensitivity


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


def _acceptability_counts(
    w: np.ndarray,
    low: np.ndarray,
    span: np.ndarray,
    *,
    samples: int,
    seed: int,
    jitter: float,
) -> np.ndarray:
    """Counts (option, rank) over Monte Carlo samples.

    Each sample multiplies every weight by a factor uniform in [1 - jitter, 1 + jitter] and
    draws every cell uniformly between the lowest and highest panel's v (a cell one panel
    scored does not move). Ranking is unchanged by scaling the weights, so samples are not
    renormalised. Ties in a sample go to the first in input order.

    The draws are integers taken straight from the bit generator, because numpy's float
    draws cost more than all the rest of the work: 16 bits for each weight factor, 8 bits
    for each cell (256 evenly spaced levels from the lowest panel's v to the highest, far
    finer than one step of any scale, for half the random bits).
    """
    n_options = low.shape[0]
    active = w > 0  # a zero weight stays zero, so its criterion cannot move a rank
    w32 = w[active].astype(np.float32)
    n_criteria = int(w32.size)
    base = (low[:, active].T).astype(np.float32)  # (criterion, option) for ws @ base
    step = (span[:, active] / _U8).astype(np.float32)  # (option, criterion)
    w_low = w32 * np.float32(1.0 - jitter)
    w_step = w32 * np.float32(2.0 * jitter / _U16)
    bits = np.random.PCG64(seed)
    counts = np.zeros(n_options * n_options, dtype=np.int64)
    positions = np.arange(n_options)
    chunk = min(_CHUNK, samples)
    cells = np.empty((chunk, n_options, n_criteria), dtype=np.float32)
    weights = np.empty((chunk, n_criteria), dtype=np.float32)
    for start in range(0, samples, chunk):
        n = min(chunk, samples - start)
        n_weights, n_cells = n * n_criteria, n * n_options * n_criteria
        # Four 16-bit or eight 8-bit draws per 64-bit output.
        weight_draws = bits.random_raw(-(-n_weights // 4)).view(np.uint16)[:n_weights]
        cell_draws = bits.random_raw(-(-n_cells // 8)).view(np.uint8)[:n_cells]
        ws = weights[:n]
        np.multiply(weight_draws.reshape(n, n_criteria), w_step, out=ws)
        ws += w_low
        x = cells[:n]
        # One pass turns the draws into offsets within each cell's spread.
        np.multiply(cell_draws.reshape(n, n_options, n_criteria), step, out=x)
        values = np.matmul(x, ws[:, :, None])[:, :, 0]
        values += ws @ base
        order = np.argsort(-values, axis=1, kind="stable")
        counts += np.bincount((order * n_options + positions).ravel(), minlength=counts.size)
    return counts.reshape(n_options, n_options)


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


# --------------------------------------------------------------------------------------------
# The whole result


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


# --------------------------------------------------------------------------------------------
# Risk


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


# --------------------------------------------------------------------------------------------
# Interchange


def results_to_dict(
    result: AppraisalResult, finance: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The "results" object of interchange.md, plus `leader`, `close_call`, `panels`,
    `disagreements` and `consistency`. `finance` maps option keys to `finance.FinanceResult`.
    Floats are not rounded; order follows the input."""
    finance = finance or {}

    def point(p: SwitchPoint | None) -> dict[str, Any] | None:
        return None if p is None else {"weight": p.weight, "new_leader": p.new_leader}

    def money(key: str) -> dict[str, Any] | None:
        f = finance.get(key)
        if f is None:
            return None
        return {
            "npv": {"low": f.npv_low, "central": f.npv_central, "high": f.npv_high},
            "payback_years": f.payback_years,
        }

    ra = result.rank_acceptability
    cc = result.close_call
    consistency = result.consistency
    return {
        "weights": dict(result.weights),
        "consistency_ratio": None if consistency is None else consistency.ratio,
        "options": [
            {
                "key": o.key,
                "value": o.value,
                "rank": o.rank,
                "complete": o.complete,
                "vs_baseline": o.vs_baseline,
                "contributions": dict(o.contributions),
                "spread": dict(o.spread),
                "finance": money(o.key),
            }
            for o in result.options
        ],
        "switching": [
            {
                "criterion": s.criterion,
                "weight": s.weight,
                "lower": point(s.lower),
                "upper": point(s.upper),
            }
            for s in result.switching
        ],
        "rank_acceptability": (
            None
            if ra is None
            else {
                "samples": ra.samples,
                "seed": ra.seed,
                "options": {k: list(row) for k, row in ra.options.items()},
            }
        ),
        "leader": result.leader,
        "consistency": (
            None
            if consistency is None
            else {
                "ratio": consistency.ratio,
                "lambda_max": consistency.lambda_max,
                "flagged": consistency.flagged,
                "worst": None if consistency.worst is None else list(consistency.worst),
            }
        ),
        "close_call": (
            None
            if cc is None
            else {
                "leader": cc.leader,
                "runner_up": cc.runner_up,
                "gap": cc.gap,
                "within_margin": cc.within_margin,
                "flips": [
                    {
                        "panel": f.panel,
                        "option": f.option,
                        "criterion": f.criterion,
                        "from": f.from_score,
                        "to": f.to_score,
                        "new_leader": f.new_leader,
                    }
                    for f in cc.flips
                ],
            }
        ),
        "panels": [
            {
                "key": p.key,
                "leader": p.leader,
                "options": [
                    {"key": o.option, "value": o.value, "rank": o.rank, "complete": o.complete}
                    for o in p.options
                ],
            }
            for p in result.panels
        ],
        "disagreements": [
            {
                "option": d.option,
                "criterion": d.criterion,
                "spread": d.spread,
                "values": dict(d.values),
            }
            for d in result.disagreements
        ],
    }
