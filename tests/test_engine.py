"""The method, pinned by small cases worked by hand and by published examples.

Pure: no database, no Django.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from appraisals import engine
from appraisals.engine import (
    AppraisalIn,
    CriterionIn,
    OptionIn,
    PanelIn,
    ScoreIn,
    compute,
    pairwise_weights,
    rank_values,
    rate_risk,
    results_to_dict,
    risk_matrix,
    risk_rating,
    swing_weights,
)
from appraisals.finance import FinanceIn, evaluate_all

Table = Mapping[str, Sequence[float | None]]  # option -> one score per criterion (None: none)


def build(
    weights: Mapping[str, float],
    panels: Mapping[str, Table],
    *,
    scale: tuple[float, float] = (0, 10),
    baseline: str | None = None,
    status: Mapping[str, str] | None = None,
    **settings: object,
) -> AppraisalIn:
    """An appraisal from {panel: {option: scores in criterion order}}; names are the keys
    capitalised, so explanations read naturally."""
    criteria = tuple(CriterionIn(k, k.capitalize(), float(w)) for k, w in weights.items())
    option_keys = list(dict.fromkeys(o for table in panels.values() for o in table))
    status = status or {}
    options = tuple(
        OptionIn(k, k.capitalize(), baseline=k == baseline, status=status.get(k, "shortlisted"))
        for k in option_keys
    )
    scores = tuple(
        ScoreIn(panel, option, criterion.key, float(score))
        for panel, table in panels.items()
        for option, row in table.items()
        for criterion, score in zip(criteria, row, strict=True)
        if score is not None
    )
    return AppraisalIn(
        scale_min=scale[0],
        scale_max=scale[1],
        criteria=criteria,
        options=options,
        panels=tuple(PanelIn(k, k.capitalize()) for k in panels),
        scores=scores,
        **settings,  # type: ignore[arg-type]
    )


# A three-criterion case used throughout. Scale 0-10, so v = 10 x score.
#   weights 50/30/20 -> 0.5, 0.3, 0.2
#   p: 8 4 5 -> v 80 40 50 -> 40 + 12 + 10 = 62
#   q: 5 9 6 -> v 50 90 60 -> 25 + 27 + 12 = 64
#   r: 6 6 9 -> v 60 60 90 -> 30 + 18 + 18 = 66   (leads)
#   base: 1 1 1 -> 10
PQR_WEIGHTS = {"cost": 50, "quality": 30, "risk": 20}
PQR = {"p": (8, 4, 5), "q": (5, 9, 6), "r": (6, 6, 9), "base": (1, 1, 1)}


def pqr(**settings: object) -> AppraisalIn:
    return build(PQR_WEIGHTS, {"staff": PQR}, baseline="base", **settings)


# --------------------------------------------------------------------------------------------
# Scores, values, ranks


def test_scores_are_normalised_to_0_100_on_the_appraisals_scale() -> None:
    # Scale 0-5: v = 100 (s - 0) / 5, so 3 -> 60 and 5 -> 100. Scale 1-5: 3 -> 50.
    result = compute(build({"a": 1, "b": 1}, {"s": {"x": (3, 5)}}, scale=(0, 5)), samples=0)
    assert result.option("x").normalised == {"a": 60.0, "b": 100.0}
    result = compute(build({"a": 1}, {"s": {"x": (3,)}}, scale=(1, 5)), samples=0)
    assert result.option("x").normalised == {"a": 50.0}


def test_weighted_values_contributions_ranks_and_baseline_by_hand() -> None:
    result = compute(pqr(), samples=0)
    assert result.weights == pytest.approx({"cost": 0.5, "quality": 0.3, "risk": 0.2})
    values = {o.key: o.value for o in result.options}
    assert values == pytest.approx({"p": 62.0, "q": 64.0, "r": 66.0, "base": 10.0})
    assert [(o.key, o.rank) for o in result.ranking] == [("r", 1), ("q", 2), ("p", 3)]
    assert result.option("base").rank is None  # the baseline is compared with, not chosen
    assert result.leader == "r"
    # vs baseline: 66 - 10 = 56; the baseline against itself is 0.
    assert result.option("r").vs_baseline == pytest.approx(56.0)
    assert result.option("base").vs_baseline == 0.0
    # contributions: weight x v, e.g. r on risk: 0.2 x 90 = 18.
    assert result.option("r").contributions == pytest.approx(
        {"cost": 30.0, "quality": 18.0, "risk": 18.0}
    )
    assert result.option("r").spread == {"cost": 0.0, "quality": 0.0, "risk": 0.0}


def test_options_keep_input_order_and_ranking_goes_by_rank() -> None:
    result = compute(pqr(), samples=0)
    assert [o.key for o in result.options] == ["p", "q", "r", "base"]
    assert result.option_names == {"p": "P", "q": "Q", "r": "R", "base": "Base"}
    assert result.criterion_names["cost"] == "Cost"


def test_equal_values_share_the_better_rank() -> None:
    assert rank_values([70.0, 60.0, 60.0, 50.0]) == [1, 2, 2, 4]
    assert rank_values([50.0, 60.0, 70.0, 60.0]) == [4, 2, 1, 2]
    assert rank_values([1.0, 1.0 + 5e-10, 0.0]) == [1, 1, 3]  # within 1e-9 is equal


def test_a_tie_at_the_top_shares_rank_one_and_the_first_in_input_order_leads() -> None:
    # a: 6, 4 -> 50; b: 4, 6 -> 50 with equal weights.
    result = compute(build({"x": 1, "y": 1}, {"s": {"a": (6, 4), "b": (4, 6)}}))
    assert [o.rank for o in result.options] == [1, 1]
    assert result.leader == "a"
    # Level now, with b rising faster on y: any move changes the leader, so each switching
    # value is the current weight itself.
    by_criterion = {s.criterion: s for s in result.switching}
    assert by_criterion["x"].lower == engine.SwitchPoint(0.5, "b")
    assert by_criterion["x"].upper is None  # raising x only helps a
    assert by_criterion["y"].upper == engine.SwitchPoint(0.5, "b")
    assert by_criterion["y"].lower is None


def test_an_incomplete_option_is_never_ranked_or_counted_as_zero() -> None:
    table = {"p": (8, 4, 5), "q": (5, None, 6), "r": (6, 6, 9)}
    result = compute(build(PQR_WEIGHTS, {"s": table}), samples=0)
    q = result.option("q")
    assert (q.complete, q.value, q.rank, q.vs_baseline) == (False, None, None, None)
    assert q.missing == ("quality",)
    assert q.normalised == {"cost": 50.0, "quality": None, "risk": 60.0}
    assert q.contributions == pytest.approx({"cost": 25.0, "risk": 12.0})
    assert [o.key for o in result.ranking] == ["r", "p"]  # q's 64 would have been second


def test_longlisted_and_rejected_options_are_valued_but_not_ranked() -> None:
    status = {"p": "longlisted", "q": "rejected"}
    result = compute(build(PQR_WEIGHTS, {"s": PQR}, status=status), samples=0)
    assert result.option("q").value == pytest.approx(64.0)
    assert result.option("q").rank is None
    assert result.option("q").candidate is False
    assert [o.key for o in result.ranking] == ["r", "base"]


def test_an_incomplete_baseline_gives_no_difference_from_baseline() -> None:
    table = dict(PQR, base=(1, None, 1))
    result = compute(build(PQR_WEIGHTS, {"s": table}, baseline="base"), samples=0)
    assert all(o.vs_baseline is None for o in result.options)


def test_no_complete_ranked_option_means_no_leader_and_no_sensitivity() -> None:
    table = {"p": (8, None, 5), "q": (None, 9, 6)}
    result = compute(build(PQR_WEIGHTS, {"s": table}))
    assert result.leader is None
    assert result.ranking == ()
    assert result.switching == ()
    assert result.rank_acceptability is None
    assert result.close_call is None


def test_no_panels_or_scores_at_all() -> None:
    inp = AppraisalIn(0, 5, (CriterionIn("a", "A", 1),), (OptionIn("x", "X"),), (), ())
    result = compute(inp)
    assert result.leader is None
    assert result.option("x").missing == ("a",)


def test_a_single_ranked_option_leads_with_certainty_and_nothing_switches() -> None:
    result = compute(
        build(PQR_WEIGHTS, {"s": {"p": (8, 4, 5), "base": (1, 1, 1)}}, baseline="base")
    )
    assert result.leader == "p"
    assert result.rank_acceptability is not None
    assert result.rank_acceptability.options == {"p": (1.0,)}
    assert [(s.lower, s.upper) for s in result.switching] == [(None, None)] * 3
    assert result.close_call is None


def test_a_score_for_an_unknown_key_is_refused() -> None:
    inp = build({"a": 1}, {"s": {"x": (1,)}})
    bad = AppraisalIn(
        inp.scale_min,
        inp.scale_max,
        inp.criteria,
        inp.options,
        inp.panels,
        (*inp.scores, ScoreIn("s", "nobody", "a", 1.0)),
    )
    with pytest.raises(ValueError, match="unknown"):
        compute(bad)


# --------------------------------------------------------------------------------------------
# Panels


TWO_PANELS = {
    # scale 0-5: staff and members; "a" on "x": 4 vs 2 -> v 80 vs 40, spread 40 (flagged)
    "staff": {"a": (4, 3), "b": (3, 3)},
    "members": {"a": (2, 3), "b": (2, 4)},  # "b" on "x": 3 vs 2 -> spread 20 (not flagged)
}


def test_panels_are_combined_by_mean_with_spread_and_disagreement() -> None:
    result = compute(build({"x": 1, "y": 1}, TWO_PANELS, scale=(0, 5)), samples=0)
    a = result.option("a")
    # a: x mean (80 + 40) / 2 = 60, y 60 -> value 60; b: x (60 + 40) / 2 = 50, y 70 -> 60.
    assert a.normalised == {"x": 60.0, "y": 60.0}
    assert a.spread == {"x": 40.0, "y": 0.0}
    assert result.option("b").value == pytest.approx(60.0)
    assert [(d.option, d.criterion, d.spread) for d in result.disagreements] == [("a", "x", 40.0)]
    assert result.disagreements[0].scores == {"staff": 4.0, "members": 2.0}
    assert result.disagreements[0].values == {"staff": 80.0, "members": 40.0}


def test_the_median_can_be_chosen_instead_of_the_mean() -> None:
    panels = {
        "s1": {"a": (1,), "b": (3,)},
        "s2": {"a": (2,), "b": (3,)},
        "s3": {"a": (5,), "b": (3,)},
    }
    inp = build({"x": 1}, panels, scale=(0, 5), combine="median")
    result = compute(inp, samples=0)
    # a: median of 20, 40, 100 = 40 (the mean would be 53.3); b: 60.
    assert result.option("a").value == pytest.approx(40.0)
    assert result.leader == "b"
    two = {"s1": {"a": (1,)}, "s2": {"a": (2,)}}
    assert compute(build({"x": 1}, two, combine="median"), samples=0).option("a").value == 15


def test_each_panel_is_also_ranked_on_its_own() -> None:
    result = compute(build({"x": 1, "y": 1}, TWO_PANELS, scale=(0, 5)), samples=0)
    staff, members = result.panels
    # staff: a 80, 60 -> 70; b 60, 60 -> 60. members: a 40, 60 -> 50; b 40, 80 -> 60.
    assert [(o.option, o.value, o.rank) for o in staff.options] == [("a", 70.0, 1), ("b", 60.0, 2)]
    assert members.leader == "b"
    assert [o.option for o in members.ranking] == ["b", "a"]


def test_a_panel_missing_a_score_leaves_the_option_incomplete_for_that_panel_only() -> None:
    panels = {"s": {"a": (4, 3)}, "m": {"a": (2, None)}}
    result = compute(build({"x": 1, "y": 1}, panels, scale=(0, 5)), samples=0)
    assert result.option("a").complete
    assert [o.complete for p in result.panels for o in p.options] == [True, False]


# --------------------------------------------------------------------------------------------
# Switching values


def test_switching_values_by_hand() -> None:
    # Moving cost to t, quality and risk keep 3:2 of the rest: V_i(t) = rest_i + t (v_cost - rest_i)
    #   rest p = 0.6 x 40 + 0.4 x 50 = 44 -> 44 + 36 t
    #   rest q = 0.6 x 90 + 0.4 x 60 = 78 -> 78 - 28 t
    #   rest r = 0.6 x 60 + 0.4 x 90 = 72 -> 72 - 12 t
    # Down from 0.5: q meets r at 72 - 12 t = 78 - 28 t, t = 6/16 = 0.375.
    # Up from 0.5: p meets r at 72 - 12 t = 44 + 36 t, t = 28/48 = 7/12.
    # Quality (cost:risk 5:2 of the rest): p 500/7 - 220t/7, q 370/7 + 260t/7, r 480/7 - 60t/7
    #   p meets r at t = 20/160 = 0.125; q meets r at t = 110/320 = 0.34375.
    # Risk (cost:quality 5:3): p 65 - 15 t, q 65 - 5 t, r 60 + 30 t
    #   q meets r at t = 1/7 (p only at 1/9, further down); r gains as risk rises: no upper.
    result = compute(pqr(), samples=0)
    got = {
        s.criterion: (
            s.weight,
            s.lower and (s.lower.weight, s.lower.new_leader),
            s.upper and (s.upper.weight, s.upper.new_leader),
        )
        for s in result.switching
    }
    assert got["cost"] == (0.5, (0.375, "q"), (pytest.approx(7 / 12), "p"))
    assert got["quality"] == (0.3, (pytest.approx(0.125), "p"), (pytest.approx(0.34375), "q"))
    assert got["risk"] == (0.2, (pytest.approx(1 / 7), "q"), None)


def test_the_new_leader_is_the_one_leading_just_past_a_three_way_tie() -> None:
    # Weights 0.75 / 0.25, scale 0-10.  On a: x 20 + 60 t, y 100 - 60 t, z 60 (flat).
    # All three meet at t = 2/3; just below it y (steepest as t falls) leads, not z.
    table = {"x": (8, 2), "y": (4, 10), "z": (6, 6)}
    result = compute(build({"a": 3, "b": 1}, {"s": table}), samples=0)
    assert result.leader == "x"
    a, b = result.switching
    assert a.lower is not None and a.lower.new_leader == "y"
    assert a.lower.weight == pytest.approx(2 / 3)
    assert a.upper is None
    # On b (t_b = 1 - t_a) the same crossing sits at 1/3, above the current 0.25.
    assert b.upper is not None and b.upper.weight == pytest.approx(1 / 3)
    assert b.upper.new_leader == "y"


def test_a_mere_tie_at_weight_zero_or_one_is_not_a_change() -> None:
    # Equal weights. On a: x = 50 + 50 t, y = 50: they meet only at t = 0.
    # On b: x = 100 - 50 t, y = 50: they meet only at t = 1.
    table = {"x": (10, 5), "y": (5, 5)}
    a, b = compute(build({"a": 1, "b": 1}, {"s": table}), samples=0).switching
    assert (a.lower, a.upper, b.lower, b.upper) == (None, None, None, None)


def test_a_criterion_holding_all_the_weight() -> None:
    # Weights 1, 0: values are v on a alone: x 80, y 60. Moving a down to t, the others'
    # proportions are undefined and the rest is shared equally (here all to b):
    # x = 20 + 60 t (b 2 -> 20), y = 100 - 40 t; they meet at t = 80 / 100 = 0.8.
    table = {"x": (8, 2), "y": (6, 10)}
    a, b = compute(build({"a": 1, "b": 0}, {"s": table}), samples=0).switching
    assert a.weight == 1.0
    assert a.lower is not None and a.lower.weight == pytest.approx(0.8)
    assert a.lower.new_leader == "y"
    assert a.upper is None
    # b has no weight: it cannot fall; raising it to t: x = 80 - 60 t, y = 60 + 40 t -> 0.2.
    assert b.lower is None
    assert b.upper is not None and b.upper.weight == pytest.approx(0.2)
    # A single criterion cannot be moved at all.
    (only,) = compute(build({"a": 1}, {"s": {"x": (8,), "y": (6,)}}), samples=0).switching
    assert (only.lower, only.upper) == (None, None)


# --------------------------------------------------------------------------------------------
# Weighting methods


def test_swing_weights_give_the_top_swing_100_and_the_rest_relative_points() -> None:
    # 100, 50, 25 points -> 100/175, 50/175, 25/175 = 4/7, 2/7, 1/7.
    assert swing_weights({"a": 100, "b": 50, "c": 25}) == pytest.approx(
        {"a": 4 / 7, "b": 2 / 7, "c": 1 / 7}
    )
    assert swing_weights({"a": 40, "b": 20}) == pytest.approx({"a": 2 / 3, "b": 1 / 3})
    assert engine.swing_order({"a": 25, "b": 100, "c": 50}) == ("b", "c", "a")
    with pytest.raises(ValueError):
        swing_weights({"a": -1, "b": 100})
    inp = build({"a": 100, "b": 50, "c": 25}, {"s": {"x": (1, 2, 3)}}, weighting_method="swing")
    assert compute(inp, samples=0).weights["c"] == pytest.approx(1 / 7)


# Saaty's estimate of drink consumption in the United States ("Decision making with the
# analytic hierarchy process", Int. J. Services Sciences 1(1), 2008, Table 2; first in
# Saaty 1980). Rows and columns: coffee, wine, tea, beer, sodas, milk, water. The printed
# table has tea over wine as 2 against wine over tea as 1/3; the published weights and CR come
# from the reciprocal reading, tea over wine 3, which is what a valid matrix must hold.
DRINKS = ("coffee", "wine", "tea", "beer", "sodas", "milk", "water")
DRINKS_MATRIX = (
    (1, 9, 5, 2, 1, 1, 1 / 2),
    (1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9),
    (1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9),
    (1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3),
    (1, 9, 4, 2, 1, 2, 1 / 2),
    (1, 9, 3, 1, 1 / 2, 1, 1 / 3),
    (2, 9, 9, 3, 2, 3, 1),
)
DRINKS_PUBLISHED = {
    "coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116,
    "sodas": 0.190, "milk": 0.129, "water": 0.327,
}  # fmt: skip


def test_ahp_reproduces_saatys_drinks_example() -> None:
    result = pairwise_weights(DRINKS_MATRIX, DRINKS)
    assert {k: round(w, 3) for k, w in result.weights.items()} == DRINKS_PUBLISHED
    assert sum(result.weights.values()) == pytest.approx(1.0)
    c = result.consistency
    assert c.random_index == 1.32
    assert round(c.ratio, 3) == 0.022
    assert c.ratio == pytest.approx((c.lambda_max - 7) / 6 / 1.32)
    assert 7.17 < c.lambda_max < 7.18
    assert not c.flagged


def test_a_consistent_matrix_has_ratio_zero_and_no_worst_judgement() -> None:
    # Built from weights 4 : 2 : 1, so a_ij = w_i / w_j exactly.
    result = pairwise_weights(((1, 2, 4), (1 / 2, 1, 2), (1 / 4, 1 / 2, 1)), "abc")
    assert result.weights == pytest.approx({"a": 4 / 7, "b": 2 / 7, "c": 1 / 7})
    assert result.consistency.ratio == pytest.approx(0.0, abs=1e-12)
    assert result.consistency.worst is None


def test_two_criteria_or_fewer_are_always_consistent() -> None:
    result = pairwise_weights(((1, 3), (1 / 3, 1)), "ab")
    assert result.weights == pytest.approx({"a": 0.75, "b": 0.25})
    assert (result.consistency.ratio, result.consistency.worst) == (0.0, None)
    assert pairwise_weights(((1,),), "a").weights == {"a": 1.0}


def test_an_inconsistent_matrix_is_flagged_and_its_worst_judgement_named() -> None:
    # Consistent weights 8 : 4 : 2 : 1, except that c is judged 5 times as important as a
    # where 1/4 would fit: that entry is the one to point at.
    w = (8, 4, 2, 1)
    m = [[w[i] / w[j] for j in range(4)] for i in range(4)]
    m[0][2], m[2][0] = 1 / 5, 5
    result = pairwise_weights(m, "abcd")
    assert result.consistency.flagged
    assert result.consistency.ratio > 0.10
    # Named the way it was judged (c over a, 5), beside what the derived weights imply,
    # w_c / w_a (the rest say 2 / 8 = 1/4; the bad judgement itself drags that up).
    c = result.consistency
    assert c.worst == ("c", "a")
    assert c.worst_judgement == pytest.approx(5.0)
    assert c.worst_implied == pytest.approx(result.weights["c"] / result.weights["a"])
    assert c.worst_implied < 5


def test_pairwise_weighting_through_compute() -> None:
    inp = build(
        {"a": 0, "b": 0, "c": 0},  # ignored: the matrix sets the weights
        {"s": {"x": (1, 2, 3)}},
        weighting_method="pairwise",
        pairwise_matrix=((1, 2, 4), (1 / 2, 1, 2), (1 / 4, 1 / 2, 1)),
    )
    result = compute(inp, samples=0)
    assert result.weights == pytest.approx({"a": 4 / 7, "b": 2 / 7, "c": 1 / 7})
    assert result.consistency is not None and result.consistency.ratio < 1e-9
    assert compute(pqr(), samples=0).consistency is None


def test_bad_pairwise_matrices_are_refused() -> None:
    with pytest.raises(ValueError):
        pairwise_weights(((1, 2),), "ab")
    with pytest.raises(ValueError):
        pairwise_weights(((1, -2), (-0.5, 1)), "ab")
    with pytest.raises(ValueError):
        pairwise_weights(((1, 2), (0.5, 1)), "abc")
    with pytest.raises(ValueError):
        compute(build({"a": 1}, {"s": {"x": (1,)}}, weighting_method="pairwise"))


@pytest.mark.parametrize("method", ["direct", "swing", "pairwise"])
def test_no_criteria_leave_nothing_to_weigh_whatever_the_method(method: str) -> None:
    # every criterion removed: a pairwise appraisal keeps an empty matrix, read as None
    def no_criteria(method: str) -> AppraisalIn:
        return AppraisalIn(
            0, 5, (), (OptionIn("x", "X"),), (PanelIn("s", "S"),), (), weighting_method=method
        )

    result = compute(no_criteria(method), samples=0)
    assert result.weights == {}
    assert result.consistency is None
    with pytest.raises(ValueError):
        compute(no_criteria("guess"), samples=0)


def test_all_zero_weights_do_not_divide_by_zero() -> None:
    result = compute(build({"a": 0, "b": 0}, {"s": {"x": (1, 2)}}), samples=0)
    assert result.weights == {"a": 0.5, "b": 0.5}


# --------------------------------------------------------------------------------------------
# Rank acceptability


def test_rank_acceptability_is_seeded_and_covers_the_ranked_options_only() -> None:
    first = compute(pqr(), samples=2000, seed=7).rank_acceptability
    again = compute(pqr(), samples=2000, seed=7).rank_acceptability
    other = compute(pqr(), samples=2000, seed=8).rank_acceptability
    assert first == again
    assert first != other
    assert first is not None and (first.samples, first.seed) == (2000, 7)
    assert list(first.options) == ["p", "q", "r"]  # not the baseline
    shares = np.array(list(first.options.values()))
    assert shares.sum(axis=0) == pytest.approx(1.0)
    assert shares.sum(axis=1) == pytest.approx(1.0)
    assert max(first.options, key=lambda k: first.options[k][0]) == "r"


def test_a_dominant_option_ranks_first_in_every_sample() -> None:
    table = {"a": (9, 9, 9), "b": (5, 5, 5), "c": (1, 1, 1)}
    ra = compute(build(PQR_WEIGHTS, {"s": table})).rank_acceptability
    assert ra is not None and ra.samples == 10_000
    assert ra.options == {"a": (1.0, 0.0, 0.0), "b": (0.0, 1.0, 0.0), "c": (0.0, 0.0, 1.0)}


def test_scores_move_within_the_panels_spread() -> None:
    # a: x fixed at 60 (both panels), y between 0 and 100; b: 50 everywhere. Equal weights:
    # a = 30 + y/2 beats b's 50 when y > 40, i.e. in about 60 % of samples.
    panels = {"s": {"a": (3, 0), "b": (2.5, 2.5)}, "m": {"a": (3, 5), "b": (2.5, 2.5)}}
    ra = compute(build({"x": 1, "y": 1}, panels, scale=(0, 5)), samples=20_000).rank_acceptability
    assert ra is not None
    assert ra.options["a"][0] == pytest.approx(0.6, abs=0.03)


def test_zero_samples_skips_the_simulation() -> None:
    assert compute(pqr(), samples=0).rank_acceptability is None


def test_the_weight_jitter_can_be_set_and_zero_keeps_the_given_weights() -> None:
    # One panel and no jitter: nothing varies, so every sample ranks as the given weights do.
    ra = compute(pqr(), samples=300, weight_jitter=0.0).rank_acceptability
    assert ra is not None and ra.weight_jitter == 0.0
    assert ra.options == {"p": (0.0, 0.0, 1.0), "q": (0.0, 1.0, 0.0), "r": (1.0, 0.0, 0.0)}
    with pytest.raises(ValueError):
        compute(pqr(), weight_jitter=1.5)


def test_exact_ties_in_a_sample_go_to_the_first_in_input_order() -> None:
    table = {"a": (5, 5), "b": (5, 5)}
    ra = compute(build({"x": 1, "y": 1}, {"s": table}), samples=500).rank_acceptability
    assert ra is not None and ra.options == {"a": (1.0, 0.0), "b": (0.0, 1.0)}


def test_more_samples_than_one_chunk_are_counted_in_full() -> None:
    ra = compute(pqr(), samples=engine._CHUNK * 2 + 3).rank_acceptability
    assert ra is not None
    counts = np.array(list(ra.options.values())) * ra.samples
    assert counts == pytest.approx(np.round(counts))
    assert counts.sum() == ra.samples * 3


# --------------------------------------------------------------------------------------------
# Close call


def test_close_call_when_the_top_two_are_within_five_points() -> None:
    # r 66, q 64, p 62: the top two are 2 points apart. One panel on 0-10, so one step moves
    # v by 10 and a value by 10 x weight: 5 on cost, 3 on quality, 2 on risk.
    #   p: cost 8 -> 9 gives 67 > 66 (quality +3 = 65 and risk +2 = 64 fall short)
    #   q: cost +5 = 69, quality +3 = 67, risk +2 = 66 (level with r; q is first in input order)
    #   r: cost -5 = 61, quality -3 = 63, risk -2 = 64 (level with q, who comes first)
    cc = compute(pqr(), samples=0).close_call
    assert cc is not None
    assert (cc.leader, cc.runner_up, cc.gap, cc.within_margin) == ("r", "q", 2.0, True)
    flips = [(f.option, f.criterion, f.from_score, f.to_score, f.new_leader) for f in cc.flips]
    assert flips == [
        ("p", "cost", 8.0, 9.0, "p"),
        ("q", "cost", 5.0, 6.0, "q"),
        ("q", "quality", 9.0, 10.0, "q"),
        ("q", "risk", 6.0, 7.0, "q"),
        ("r", "cost", 6.0, 5.0, "q"),
        ("r", "quality", 6.0, 5.0, "q"),
        ("r", "risk", 9.0, 8.0, "q"),
    ]
    assert all(f.panel == "staff" for f in cc.flips)


def test_close_call_from_a_single_score_even_with_a_wide_margin() -> None:
    # Scale 0-5, equal weights, one panel. a: x 5, y 0 -> (100 + 0) / 2 = 50;
    # b: x 3, y 1 -> (60 + 20) / 2 = 40. a leads by 10, outside the 5-point margin.
    # One step moves one v by 20 points and a value by 10, so b can only draw level
    # (x 3 -> 4 or y 1 -> 2 gives b 50; a's x 5 -> 4 gives a 40). A draw keeps the first in
    # input order in the lead: with a first nothing changes, with b first all three do.
    a_first = {"s": {"a": (5, 0), "b": (3, 1)}}
    assert compute(build({"x": 1, "y": 1}, a_first, scale=(0, 5)), samples=0).close_call is None
    b_first = {"s": {"b": (3, 1), "a": (5, 0)}}
    cc = compute(build({"x": 1, "y": 1}, b_first, scale=(0, 5)), samples=0).close_call
    assert cc is not None
    assert (cc.leader, cc.runner_up, cc.within_margin) == ("a", "b", False)
    assert cc.gap == pytest.approx(10.0)
    moves = [(f.option, f.criterion, f.from_score, f.to_score, f.new_leader) for f in cc.flips]
    assert moves == [
        ("b", "x", 3.0, 4.0, "b"),
        ("b", "y", 1.0, 2.0, "b"),
        ("a", "x", 5.0, 4.0, "b"),
    ]
    # With two panels giving the same scores, one panel's step moves a cell mean by only 10
    # points and a value by 5: nobody draws level.
    two = {"s": {"b": (3, 1), "a": (5, 0)}, "m": {"b": (3, 1), "a": (5, 0)}}
    assert compute(build({"x": 1, "y": 1}, two, scale=(0, 5)), samples=0).close_call is None


def test_close_call_moves_stay_within_the_scale() -> None:
    # a at the top of the scale cannot go up; b at the bottom cannot go down.
    table = {"a": (5,), "b": (0,)}
    result = compute(build({"x": 1}, {"s": table}, scale=(0, 5), close_call_margin=0), samples=0)
    assert result.close_call is None


def test_the_close_call_margin_can_be_set() -> None:
    # r leads q by 2: a margin of 1 leaves only the single-score flips.
    cc = compute(pqr(close_call_margin=1.0), samples=0).close_call
    assert cc is not None and not cc.within_margin and cc.flips


# --------------------------------------------------------------------------------------------
# Interchange


def document() -> dict:
    """A small interchange document in the shape of interchange.md's example."""
    return {
        "format": "councilopts.appraisal/1",
        "reference": "test",
        "title": "Future options",
        "lead_authority": "Harborough District Council",
        "partners": [],
        "services": ["Whole organisation"],
        "scale": {"min": 0, "max": 5},
        "criteria": [
            {"key": "political", "name": "Politically viable", "weight": 10, "group": "Strategic"},
            {"key": "financial", "name": "Financial considerations", "weight": 30},
        ],
        "weighting": {"method": "direct"},
        "options": [
            {"key": "do-nothing", "name": "Do nothing", "baseline": True, "status": "shortlisted"},
            {"key": "outsourcing", "name": "Outsource", "status": "rejected"},
            {"key": "shared-service", "name": "Shared service with Stockton"},
            {"key": "in-house", "name": "In-house transformation", "status": "shortlisted"},
        ],
        "panels": [{"key": "staff", "name": "Staff"}, {"key": "members", "name": "Councillors"}],
        "scores": [
            {"panel": p, "option": o, "criterion": c, "score": s, "reason": "…"}
            for p, table in {
                "staff": {"do-nothing": (2, 1), "shared-service": (4, 4), "in-house": (3, 3)},
                "members": {"do-nothing": (2, 1), "shared-service": (2, 4), "in-house": (4, 3)},
            }.items()
            for o, row in table.items()
            for c, s in zip(("political", "financial"), row, strict=True)
        ],
        "finance": {
            "discount_rate": 0.035,
            "optimism_bias": 0.0,
            "options": {
                "shared-service": {
                    "costs": [250000, 100000, 0, 0, 0],
                    "savings": {
                        "low": [0, 450000, 900000, 900000, 900000],
                        "central": [0, 600000, 1200000, 1200000, 1200000],
                        "high": [0, 750000, 1500000, 1500000, 1500000],
                    },
                    "partner_shares": {
                        "Darlington Borough Council": 0.5,
                        "Stockton-on-Tees Borough Council": 0.5,
                    },
                }
            },
        },
    }


def test_from_document_reads_the_interchange_format() -> None:
    inp = AppraisalIn.from_document(document())
    assert (inp.scale_min, inp.scale_max) == (0.0, 5.0)
    assert inp.criteria[0] == CriterionIn("political", "Politically viable", 10.0, "Strategic")
    assert inp.options[0].baseline and inp.options[1].status == "rejected"
    assert inp.options[2].status == "shortlisted"  # status defaults to shortlisted
    assert len(inp.scores) == 12
    pairwise = dict(document(), weighting={"method": "pairwise", "matrix": [[1, 3], [1 / 3, 1]]})
    assert AppraisalIn.from_document(pairwise).pairwise_matrix == ((1.0, 3.0), (1 / 3, 1.0))
    assert AppraisalIn.from_document(document(), close_call_margin=2.0).close_call_margin == 2.0


def test_results_to_dict_is_the_interchange_results_object() -> None:
    doc = document()
    result = compute(AppraisalIn.from_document(doc), samples=1000)
    finance = evaluate_all(FinanceIn.from_document(doc))
    out = results_to_dict(result, finance)
    json.dumps(out, allow_nan=False)  # serialisable, no NaN
    documented = {"weights", "consistency_ratio", "options", "switching", "rank_acceptability"}
    assert documented <= set(out)
    assert out["weights"] == {"political": 0.25, "financial": 0.75}
    assert out["consistency_ratio"] is None
    assert [o["key"] for o in out["options"]] == [
        "do-nothing",
        "outsourcing",
        "shared-service",
        "in-house",
    ]
    shared = out["options"][2]
    assert list(shared) == [
        "key", "value", "rank", "complete", "vs_baseline", "contributions", "spread", "finance",
    ]  # fmt: skip
    # shared: political (80 + 40) / 2 = 60, financial 80 -> 0.25 x 60 + 0.75 x 80 = 75;
    # in-house: political 70, financial 60 -> 17.5 + 45 = 62.5; baseline 40, 20 -> 25.
    assert shared["value"] == pytest.approx(75.0)
    assert shared["rank"] == 1 and shared["vs_baseline"] == pytest.approx(50.0)
    assert shared["spread"] == {"political": 40.0, "financial": 0.0}
    assert shared["finance"]["payback_years"] == 0.5
    assert set(shared["finance"]["npv"]) == {"low", "central", "high"}
    assert out["options"][1]["rank"] is None and out["options"][1]["finance"] is None
    assert out["switching"][0]["criterion"] == "political"
    assert set(out["switching"][0]) == {"criterion", "weight", "lower", "upper"}
    ra = out["rank_acceptability"]
    assert (ra["samples"], ra["seed"]) == (1000, 1)
    assert list(ra["options"]) == ["shared-service", "in-house"]
    assert out["leader"] == "shared-service"
    assert out["disagreements"][0]["option"] == "shared-service"


def test_results_to_dict_holds_only_plain_json_types() -> None:
    doc = document()
    out = results_to_dict(compute(AppraisalIn.from_document(doc), samples=100))

    def walk(x: object, path: str) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                assert type(k) is str, path
                walk(v, f"{path}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")
        else:  # exactly these types: no numpy scalars slip through
            assert x is None or type(x) in (str, int, float, bool), (path, type(x))

    walk(out, "results")
    assert json.loads(json.dumps(out)) == out


def test_results_to_dict_without_a_leader() -> None:
    out = results_to_dict(compute(build({"a": 1}, {"s": {"x": (None,)}})))
    assert out["switching"] == [] and out["rank_acceptability"] is None
    assert out["options"][0]["value"] is None


# --------------------------------------------------------------------------------------------
# Risk


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [
        (1, 1, 1, "low"),
        (2, 2, 4, "low"),
        (1, 5, 5, "medium"),
        (3, 3, 9, "medium"),
        (2, 5, 10, "high"),
        (4, 4, 16, "high"),
        (4, 5, 20, "very high"),
        (5, 5, 25, "very high"),
    ],
)
def test_risk_rating_bands(likelihood: int, impact: int, score: int, band: str) -> None:
    assert risk_rating(likelihood, impact) == engine.RiskRating(score, band)


def test_an_authority_can_set_its_own_risk_cut_offs() -> None:
    assert risk_rating(2, 2, cutoffs=(3, 8, 15)).band == "medium"
    assert risk_rating(4, 4, cutoffs=(3, 8, 15)).band == "very high"
    with pytest.raises(ValueError):
        risk_rating(2, 2, cutoffs=(9, 4, 16))


def test_risk_before_and_after_controls() -> None:
    # Harborough: efficiency targets not met quickly enough, 4 x 5, after controls 3 x 4.
    ratings = rate_risk(4, 5, 3, 4)
    assert ratings.before == engine.RiskRating(20, "very high")
    assert ratings.after == engine.RiskRating(12, "high")
    assert rate_risk(4, 5).after is None


def test_risk_inputs_are_whole_numbers_from_one_to_five() -> None:
    for bad in ((0, 3), (6, 1), (2.5, 2)):
        with pytest.raises(ValueError):
            risk_rating(*bad)  # type: ignore[arg-type]


def test_risk_matrix_for_the_heat_map() -> None:
    matrix = risk_matrix()
    assert matrix[0][0] == "low" and matrix[4][4] == "very high"
    assert matrix[2][1] == "medium"  # likelihood 3 x impact 2 = 6
    assert len(matrix) == 5 and all(len(row) == 5 for row in matrix)
