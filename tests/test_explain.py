"""Plain-English explanations, pinned word for word on small cases. Pure: no database."""

from __future__ import annotations

import pytest

from appraisals.engine import AppraisalIn, compute
from appraisals.explain import (
    explain,
    explain_parts,
    format_percent,
    format_score,
    format_value,
    join_names,
    recommendation,
)
from tests.test_engine import PQR_WEIGHTS, TWO_PANELS, build, document, pqr

SIMULATIONS = (
    "of 10,000 simulations in which each weight varies by up to 25% and each score within "
    "the range the panels gave."
)


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (0.25, "25%"),
        (0.09, "9%"),
        (0.025, "2.5%"),
        (0.0904, "9%"),  # 9.0 at one decimal: a whole number
        (0.099, "9.9%"),
        (0.125, "13%"),  # half up, as people round
        (0.375, "38%"),
        (7 / 12, "58%"),
        (0.0, "0%"),
        (1.0, "100%"),
        (0.0004, "less than 0.1%"),
        (0.996, "99.6%"),  # never 100% unless it is
        (0.9996, "more than 99.9%"),
    ],
)
def test_format_percent(fraction: float, text: str) -> None:
    assert format_percent(fraction) == text


def test_other_formats() -> None:
    assert format_value(71.44) == "71.4"
    assert format_value(71.45) == "71.5"
    assert format_value(-0.01) == "0.0"
    assert format_score(4.0) == "4" and format_score(3.5) == "3.5"
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B", "C"]) == "A, B and C"


def test_leader_switching_close_call_and_acceptability() -> None:
    # The figures are worked by hand in test_engine: r 66, q 64, p 62; switching values
    # cost 0.375 / 7/12, quality 0.125 / 0.34375, risk 1/7 / none; seven single-score flips.
    assert explain(compute(pqr())) == (
        "R leads with 66.0 out of 100, 2.0 points ahead of Q (64.0 out of 100).",
        # One sentence for each option that could take the lead, its conditions joined.
        "R would lose the lead to Q only if the weight on Cost fell from 50% to 38%, or the "
        "weight on Quality rose from 30% to 34%, or the weight on Risk fell from 20% to 14%.",
        "R would lose the lead to P only if the weight on Cost rose from 50% to 58%, or the "
        "weight on Quality fell from 30% to 13%.",
        "This is a close call. R leads Q by only 2.0 points out of 100, less than the 5 points "
        "that make a clear lead. Moving a single panel score by one step would change the "
        "leader: Staff's score for P on Cost from 8 to 9 out of 10 would put P first. So would "
        "any one of 6 other single changes.",
        f"R ranks first in 84% {SIMULATIONS}",
    )


def test_the_interchange_example_reads_like_a_committee_paper() -> None:
    sentences = explain(compute(AppraisalIn.from_document(document())))
    assert sentences[0] == (
        "Shared service with Stockton leads with 75.0 out of 100, 12.5 points ahead of "
        "In-house transformation (62.5 out of 100)."
    )
    assert sentences[1] == (
        "Shared service with Stockton would lose the lead to In-house transformation only if "
        "the weight on Politically viable rose from 25% to 67%, or the weight on Financial "
        "considerations fell from 75% to 33%."
    )
    assert sentences[-1] == (
        "The panels disagree on Politically viable for Shared service with Stockton: Staff "
        "gave 4 and Councillors 2, out of 5 (a gap of 40.0 points out of 100)."
    )


def test_no_option_can_be_ranked() -> None:
    result = compute(build(PQR_WEIGHTS, {"s": {"p": (8, None, 5)}}))
    assert explain(result) == (
        "No option can be ranked yet: no short-listed option has a score on every criterion.",
        "P is not ranked until every criterion is scored: it has no score on Quality.",
    )
    nothing = compute(build({"a": 1}, {"s": {"p": (8,)}}, status={"p": "rejected"}))
    assert explain(nothing) == ("There is no short-listed option to rank.",)


def test_a_single_ranked_option() -> None:
    result = compute(build(PQR_WEIGHTS, {"s": {"p": (8, 4, 5)}}))
    # No simulation is reported: with one option ranked it is first in every one.
    assert explain(result) == ("P is the only option that can be ranked, with 62.0 out of 100.",)


def test_a_shared_first_place_names_the_option_that_would_lose() -> None:
    result = compute(build({"x": 1, "y": 1}, {"s": {"a": (6, 4), "b": (4, 6)}}))
    sentences = explain(result)
    assert sentences[:2] == (
        "A and B share first place with 50.0 out of 100 each.",
        "A would lose the lead to B if the weight on X fell at all below 50%, or the weight "
        "on Y rose at all above 50%.",
    )
    assert sentences[2].startswith("This is a close call. A and B are level. Moving")


def test_no_switching_value_says_so() -> None:
    result = compute(build(PQR_WEIGHTS, {"s": {"a": (9, 9, 9), "b": (5, 5, 5)}}))
    assert explain(result)[1] == (
        "No change to the weight of a single criterion, with the others kept in proportion, "
        "would change the leader."
    )


def test_incomplete_options_and_baseline() -> None:
    table = {
        "p": (8, 4, 5),
        "q": (5, None, 6),
        "r": (None, None, None),
        "base": (1, None, 1),
    }
    sentences = explain(compute(build(PQR_WEIGHTS, {"s": table}, baseline="base")))
    assert sentences[-2:] == (
        "Q and R are not ranked until every criterion is scored: there is no score for Q on "
        "Quality; R on Cost, Quality and Risk.",
        "The baseline, Base, has no score on Quality, so no option is compared with it yet.",
    )


def test_many_missing_criteria_are_counted_not_listed() -> None:
    weights = {f"c{i}": 1 for i in range(5)}
    table = {"a": (1, 1, 1, 1, 1), "b": (1, None, None, None, None)}
    sentences = explain(compute(build(weights, {"s": table})))
    assert sentences[-1] == (
        "B is not ranked until every criterion is scored: it has no score on 4 criteria."
    )


def test_panel_disagreement() -> None:
    result = compute(build({"x": 1, "y": 1}, TWO_PANELS, scale=(0, 5)))
    assert explain(result)[-1] == (
        "The panels disagree on X for A: Staff gave 4 and Members 2, out of 5 (a gap of 40.0 "
        "points out of 100)."
    )
    # Several: the count, and the widest gap with each panel's score.
    panels = {
        "staff": {"a": (5, 3), "b": (4, 3)},
        "members": {"a": (1, 1), "b": (2, 3)},
    }
    sentences = explain(compute(build({"x": 1, "y": 1}, panels, scale=(0, 5))))
    assert sentences[-1] == (
        "The panels' scores differ by 2 or more out of 5 (40 points or more out of 100) on 3 "
        "scores. The widest gap is on X for A: Staff gave 5 and Members 1, out of 5 (a gap of "
        "80.0 points out of 100)."
    )


def test_an_option_first_more_often_in_the_simulations_is_named() -> None:
    # Scale 0-5, equal weights, y the same for both (3 -> 60). On x, a gets 2, 2, 2 -> 40;
    # b gets 0, 0, 5 -> mean 33.3. So a leads, 50 to 46.7. But the simulations draw b's x
    # anywhere from 0 to 100, and b beats a whenever it draws above about 40: ~60% of them.
    panels = {
        "s1": {"a": (2, 3), "b": (0, 3)},
        "s2": {"a": (2, 3), "b": (0, 3)},
        "s3": {"a": (2, 3), "b": (5, 3)},
    }
    result = compute(build({"x": 1, "y": 1}, panels, scale=(0, 5)))
    assert result.leader == "a"
    ra = result.rank_acceptability
    assert ra is not None
    a, b = ra.options["a"][0], ra.options["b"][0]
    assert b == pytest.approx(0.6, abs=0.03)
    assert explain(result)[3] == (
        f"A ranks first in {format_percent(a)} {SIMULATIONS[:-1]}; "
        f"B ranks first more often, in {format_percent(b)}."
    )


def test_an_inconsistent_pairwise_matrix_is_explained() -> None:
    # c judged 5 times as important as a, where the other judgements put it near 1/4.
    w = (8, 4, 2, 1)
    m = [[w[i] / w[j] for j in range(4)] for i in range(4)]
    m[0][2], m[2][0] = 1 / 5, 5
    inp = build(
        {"a": 0, "b": 0, "c": 0, "d": 0},
        {"s": {"x": (1, 2, 3, 4), "y": (4, 3, 2, 1)}},
        weighting_method="pairwise",
        pairwise_matrix=tuple(tuple(row) for row in m),
    )
    assert explain(compute(inp))[-1] == (
        "The pairwise judgements are not consistent enough: the consistency ratio is 0.48, "
        "above the 0.10 usually accepted; the judgement that fits the others least is C over "
        "A, given as 5 times as important where the other judgements imply about 1.4 times."
    )


def test_equal_switching_findings_are_one_sentence_naming_every_criterion() -> None:
    # x, y and z are alike for a and b, so each would change the leader at the same weight.
    result = compute(
        build({"x": 1, "y": 1, "z": 1, "w": 1}, {"s": {"a": (5, 5, 5, 1), "b": (4, 4, 4, 5)}})
    )
    assert explain_parts(result).switching == (
        "B would lose the lead to A only if the weight on any one of X, Y or Z rose from 25% "
        "to 40%, or the weight on W fell from 25% to 20%.",
    )


def test_how_secure_the_lead_is_in_one_sentence() -> None:
    clear = explain_parts(compute(build(PQR_WEIGHTS, {"s": {"a": (9, 9, 9), "b": (5, 5, 5)}})))
    assert clear.robustness == (
        "The lead is robust: A ranks first in 100% of 10,000 simulations that vary the weights "
        "and scores, and no change to a single criterion's weight would change the leader."
    )
    assert clear.would_change == ""  # said in the sentence above
    close = explain_parts(compute(pqr()))
    assert close.robustness == (
        "This is a close call: moving any one of 7 panel scores by one step would put P first."
    )
    assert close.would_change == ""
    # A clear lead that one weight could still overturn: the nearest such change is named.
    result = compute(
        build({"x": 1, "y": 1, "z": 1, "w": 1}, {"s": {"a": (1, 1, 1, 5), "b": (5, 5, 5, 0)}})
    )
    said = explain_parts(result)
    assert said.robustness.startswith("The lead is ")
    assert "only a " in said.robustness and " would change the leader." in said.robustness
    assert said.would_change == ""


def test_nothing_to_say_of_the_lead_when_nothing_is_ranked() -> None:
    said = explain_parts(compute(build(PQR_WEIGHTS, {"s": {"p": (8, None, 5)}})))
    assert said.robustness == "" and said.would_change == ""


def test_the_recommended_option_is_placed_against_the_ranking() -> None:
    # r 66, q 64, p 62, base 10 (worked in test_engine).
    result = compute(pqr(), samples=0)
    assert recommendation(result, None) == ""
    assert recommendation(result, "r") == "Officers recommend R, the leading option."
    assert recommendation(result, "q") == (
        "Officers recommend Q, which ranks second with 64.0 out of 100; R leads with 66.0 out "
        "of 100."
    )
    assert recommendation(result, "base") == (
        "Officers recommend Base, the baseline; R leads with 66.0 out of 100."
    )
    assert recommendation(result, "q", name_leader=False) == (
        "Officers recommend Q, which ranks second with 64.0 out of 100."
    )
    longlisted = compute(pqr(status={"p": "longlisted"}), samples=0)
    assert recommendation(longlisted, "p") == (
        "Officers recommend P, which is not short-listed and so not ranked; R leads with 66.0 "
        "out of 100."
    )


def test_a_recommended_option_not_yet_scored_is_said_to_be_unranked() -> None:
    result = compute(build({"a": 1, "b": 1}, {"s": {"x": (3, None), "y": (4, 4)}}), samples=0)
    assert recommendation(result, "x") == (
        "Officers recommend X, which is not ranked until it is scored on every criterion; "
        "Y leads with 40.0 out of 100."
    )


def test_a_close_call_on_the_values_alone_says_what_would_change_it() -> None:
    # a leads b by 1 point out of 100 (within the 5-point margin), but on a 0-100 scale no
    # single score step of 1 closes a 1-point gap weighted by a half: no flips.
    result = compute(build({"x": 1, "y": 1}, {"s": {"a": (60, 42), "b": (40, 60)}}, scale=(0, 100)))
    said = explain_parts(result)
    assert said.robustness.startswith("This is a close call: A leads B by only 1.0 points")
    assert said.would_change.startswith("B would lead if the weight on ")
