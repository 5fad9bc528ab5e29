"""The result as the "results" object of interchange.md (`results_to_dict`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .types import AppraisalResult, SwitchPoint


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
        # `npv` is the option's own costs and savings (the whole arrangement's); the
        # figures every comparison uses are the lead council's share of them.
        whole = f.whole or f
        return {
            "npv": {"low": whole.npv_low, "central": whole.npv_central, "high": whole.npv_high},
            "payback_years": f.payback_years,
            "lead_share": f.lead_share,
            "npv_to_lead": {"low": f.npv_low, "central": f.npv_central, "high": f.npv_high},
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
