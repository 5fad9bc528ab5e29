"""What goes in and what comes out: the frozen input and result dataclasses, and the
constants of the method (tie tolerance, random indices, defaults, risk bands).

The bottom of the package: it imports nothing from the other modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
