"""Properties of the method that hold for any appraisal (hypothesis). Pure: no database."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from appraisals.engine import (
    AppraisalIn,
    AppraisalResult,
    CriterionIn,
    OptionIn,
    OptionResult,
    PanelIn,
    ScoreIn,
    compute,
    normalise_weights,
)

SETTINGS = settings(max_examples=60, deadline=None)
SCALE = (0, 5)


@st.composite
def appraisals(draw: st.DrawFn, *, top: int = 5, min_options: int = 1) -> AppraisalIn:
    """Small complete appraisals: 1-4 criteria, 1-5 options, 1-3 panels, whole scores 0..top
    on a 0-5 scale (so `top` < 5 leaves room to add a constant)."""
    n_criteria = draw(st.integers(1, 4))
    n_options = draw(st.integers(min_options, 5))
    n_panels = draw(st.integers(1, 3))
    weights = draw(
        st.lists(st.integers(0, 10), min_size=n_criteria, max_size=n_criteria).filter(any)
    )
    criteria = tuple(CriterionIn(f"c{j}", f"C{j}", float(w)) for j, w in enumerate(weights))
    options = tuple(OptionIn(f"o{i}", f"O{i}") for i in range(n_options))
    panels = tuple(PanelIn(f"p{k}", f"P{k}") for k in range(n_panels))
    cell = st.integers(0, top)
    scores = tuple(
        ScoreIn(p.key, o.key, c.key, float(draw(cell)))
        for p in panels
        for o in options
        for c in criteria
    )
    return AppraisalIn(SCALE[0], SCALE[1], criteria, options, panels, scores)


def with_weights(inp: AppraisalIn, weights: list[float]) -> AppraisalIn:
    criteria = tuple(
        dataclasses.replace(c, weight=w) for c, w in zip(inp.criteria, weights, strict=True)
    )
    return dataclasses.replace(inp, criteria=criteria)


# --------------------------------------------------------------------------------------------
# Weights and ranks


@SETTINGS
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12).filter(any))
def test_weights_normalise(raw: list[float]) -> None:
    w = normalise_weights(raw)
    assert w.sum() == pytest.approx(1.0)
    assert (w >= 0).all()
    total = sum(raw)
    assert w == pytest.approx([r / total for r in raw])


@SETTINGS
@given(appraisals(), st.floats(0.01, 1000))
def test_scaling_all_weights_changes_nothing(inp: AppraisalIn, factor: float) -> None:
    before = compute(inp, samples=0)
    after = compute(with_weights(inp, [c.weight * factor for c in inp.criteria]), samples=0)
    assert after.weights == pytest.approx(before.weights)
    assert [o.value for o in after.options] == pytest.approx([o.value for o in before.options])
    assert [o.rank for o in after.options] == [o.rank for o in before.options]
    assert after.leader == before.leader
    for a, b in zip(after.switching, before.switching, strict=True):
        for x, y in ((a.lower, b.lower), (a.upper, b.upper)):
            assert (x is None) == (y is None)
            if x is not None and y is not None:
                assert x.weight == pytest.approx(y.weight)
                assert x.new_leader == y.new_leader


@SETTINGS
@given(appraisals(top=3), st.data())
def test_adding_a_constant_to_one_criterion_changes_no_rank(
    inp: AppraisalIn, data: st.DataObject
) -> None:
    criterion = data.draw(st.sampled_from(inp.criteria)).key
    shift = data.draw(st.sampled_from([0.5, 1.0, 2.0]))
    moved = dataclasses.replace(
        inp,
        scores=tuple(
            dataclasses.replace(s, score=s.score + shift) if s.criterion == criterion else s
            for s in inp.scores
        ),
    )
    before, after = compute(inp, samples=0), compute(moved, samples=0)
    assert [o.rank for o in after.options] == [o.rank for o in before.options]
    assert after.leader == before.leader


# --------------------------------------------------------------------------------------------
# Rank acceptability


@SETTINGS
@given(appraisals(), st.integers(1, 300), st.integers(0, 2**32 - 1))
def test_rank_acceptability_rows_and_columns_sum_to_one(
    inp: AppraisalIn, samples: int, seed: int
) -> None:
    ra = compute(inp, samples=samples, seed=seed).rank_acceptability
    assert ra is not None
    shares = np.array(list(ra.options.values()))
    assert shares.shape == (len(inp.options), len(inp.options))
    assert shares.sum(axis=1) == pytest.approx(1.0)
    assert shares.sum(axis=0) == pytest.approx(1.0)
    # Each share is a whole number of samples.
    assert shares * samples == pytest.approx(np.round(shares * samples))


@settings(max_examples=30, deadline=None)
@given(appraisals(), st.integers(0, 2**32 - 1))
def test_a_seed_reproduces_exactly(inp: AppraisalIn, seed: int) -> None:
    first = compute(inp, samples=500, seed=seed)
    second = compute(inp, samples=500, seed=seed)
    assert first.rank_acceptability == second.rank_acceptability


# --------------------------------------------------------------------------------------------
# Switching values, against a direct evaluation


def ranked(result: AppraisalResult) -> list[OptionResult]:
    """The ranked options in input order (the order ties are settled in)."""
    return [o for o in result.options if o.rank is not None]


def values_at(result: AppraisalResult, criterion: str, t: float) -> list[float]:
    """Each ranked option's value with `criterion` at weight t and the others rescaled as
    interchange.md says, computed directly from the weights rather than as a line."""
    w = result.weights
    rest = 1.0 - w[criterion]
    others = [k for k in w if k != criterion]
    moved = {}
    for k in w:
        if k == criterion:
            moved[k] = t
        elif rest > 1e-12:
            moved[k] = w[k] * (1.0 - t) / rest
        else:  # the criterion held all the weight: the rest is shared equally
            moved[k] = (1.0 - t) / len(others)
    return [sum(moved[k] * (o.normalised[k] or 0.0) for k in w) for o in ranked(result)]


def leader_at(result: AppraisalResult, criterion: str, t: float) -> str:
    values = values_at(result, criterion, t)
    best = max(values)
    keys = [o.key for o in ranked(result)]
    return next(k for k, v in zip(keys, values, strict=True) if v >= best - 1e-12)


def crossings(result: AppraisalResult, criterion: str) -> list[float]:
    """Every weight in [0, 1] where two options' values meet: the only places a lead changes."""
    at0 = values_at(result, criterion, 0.0)
    at1 = values_at(result, criterion, 1.0)
    points = set()
    for i, j in itertools.combinations(range(len(at0)), 2):
        d0, d1 = at0[i] - at0[j], at1[i] - at1[j]
        if abs(d1 - d0) > 1e-12:
            t = d0 / (d0 - d1)
            if 0 <= t <= 1:
                points.add(t)
    # Where three or more lines meet at one weight, each pair's root differs in the last bits:
    # keep one point, or the reference would look for a leader in a sliver of rounding error.
    merged: list[float] = []
    for t in sorted(points):
        if not merged or t - merged[-1] > 1e-9:
            merged.append(t)
    return merged


def _three_lines_meet() -> AppraisalIn:
    """Found by Hypothesis: moving C0's weight up, O0, O1 and O4 tie at exactly 2/3."""
    table = {  # panel: (option: (score on C0, score on C1))
        "p0": {"o0": (2, 2), "o1": (4, 4), "o2": (0, 0), "o3": (0, 0), "o4": (5, 0)},
        "p1": {"o0": (5, 5), "o1": (1, 1), "o2": (0, 0), "o3": (0, 0), "o4": (1, 2)},
        "p2": {"o0": (0, 1), "o1": (1, 5), "o2": (0, 0), "o3": (0, 0), "o4": (2, 4)},
    }
    return AppraisalIn(
        scale_min=0,
        scale_max=5,
        criteria=(CriterionIn("c0", "C0", 0.0), CriterionIn("c1", "C1", 1.0)),
        options=tuple(OptionIn(f"o{i}", f"O{i}") for i in range(5)),
        panels=tuple(PanelIn(p, p.upper()) for p in table),
        scores=tuple(
            ScoreIn(panel, option, f"c{c}", float(pair[c]))
            for panel, options in table.items()
            for option, pair in options.items()
            for c in (0, 1)
        ),
    )


@settings(max_examples=100, deadline=None)
@given(appraisals(min_options=2))
@example(_three_lines_meet())
def test_switching_values_are_where_the_leader_changes(inp: AppraisalIn) -> None:
    result = compute(inp, samples=0)
    if result.leader is None:
        return
    for s in result.switching:
        w = s.weight
        points = crossings(result, s.criterion)
        # Reference: walk away from the current weight through the intervals between
        # crossings; the first interval with another leader ends at the switching value.
        below = sorted({p for p in points if 1e-9 < p < w - 1e-12} | {0.0}, reverse=True)
        expected_lower = None
        edge = w
        for p in below:
            mid = (p + edge) / 2
            if mid < edge and leader_at(result, s.criterion, mid) != result.leader:
                expected_lower = (edge, leader_at(result, s.criterion, mid))
                break
            edge = p
        above = sorted({p for p in points if w + 1e-12 < p < 1 - 1e-9} | {1.0})
        expected_upper = None
        edge = w
        for p in above:
            mid = (p + edge) / 2
            if mid > edge and leader_at(result, s.criterion, mid) != result.leader:
                expected_upper = (edge, leader_at(result, s.criterion, mid))
                break
            edge = p

        for point, expected, sign in (
            (s.lower, expected_lower, -1),
            (s.upper, expected_upper, +1),
        ):
            if expected is None:
                assert point is None, (s, points)
                continue
            assert point is not None, (s, expected, points)
            assert point.weight == pytest.approx(expected[0], abs=1e-9)
            assert point.new_leader == expected[1]
            # Just either side: the leader stated past it, the current leader short of it.
            others = [p for p in points if abs(p - point.weight) > 1e-9]
            gap = min([abs(p - point.weight) for p in others] + [1e-4])
            delta = gap / 4
            past = point.weight + sign * delta
            assert leader_at(result, s.criterion, past) == point.new_leader
            short = point.weight - sign * delta
            if -sign * (w - short) >= 0 and abs(point.weight - w) > 1e-12:
                assert leader_at(result, s.criterion, short) == result.leader


# --------------------------------------------------------------------------------------------
# Close call


@SETTINGS
@given(appraisals(min_options=2))
def test_each_close_call_flip_changes_the_leader_as_stated(inp: AppraisalIn) -> None:
    result = compute(inp, samples=0)
    if result.close_call is None:
        return
    assert result.close_call.within_margin or result.close_call.flips
    for flip in result.close_call.flips[:10]:
        moved = dataclasses.replace(
            inp,
            scores=tuple(
                dataclasses.replace(s, score=flip.to_score)
                if (s.panel, s.option, s.criterion) == (flip.panel, flip.option, flip.criterion)
                else s
                for s in inp.scores
            ),
        )
        assert abs(flip.to_score - flip.from_score) == 1
        assert SCALE[0] <= flip.to_score <= SCALE[1]
        assert compute(moved, samples=0).leader == flip.new_leader != result.leader
