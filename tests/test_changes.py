"""What changed between two snapshots, in plain words (appraisals/changes.py): pure, on
plain documents shaped as a ReportVersion keeps them."""

from __future__ import annotations

import copy
from typing import Any

from appraisals.changes import compare

TITLES = (("financial", "Financial implications"), ("legal", "Legal implications and powers"))


def snapshot() -> dict[str, Any]:
    return {
        "title": "Future of corporate services",
        "summary": "What is appraised.",
        "objectives": ["Save money"],
        "committee": {"name": "Cabinet", "meeting_date": "2026-03-03", "agenda_item": "7"},
        "scale": {"min": 0, "max": 5},
        "weighting": {"method": "direct"},
        "criteria": [
            {"key": "cost", "name": "Cost", "weight": 30, "group": "", "guidance": ""},
            {"key": "deliverability", "name": "Deliverability", "weight": 70, "group": ""},
        ],
        "options": [
            {"key": "do-nothing", "name": "Do nothing", "delivery_model": "do-nothing",
             "baseline": True, "status": "shortlisted", "partners": []},
            {"key": "outsourcing", "name": "Outsourcing", "delivery_model": "outsourcing",
             "status": "shortlisted", "partners": []},
            {"key": "in-house", "name": "In-house", "delivery_model": "in-house",
             "status": "shortlisted", "partners": [], "recommended": True},
        ],
        "panels": [{"key": "staff", "name": "Staff", "scored_when": "May 2026"}],
        "scores": [
            {"panel": "staff", "option": "outsourcing", "criterion": "deliverability",
             "score": 2, "reason": "Untested market."},
            {"panel": "staff", "option": "outsourcing", "criterion": "cost", "score": 4,
             "reason": "Cheap."},
        ],
        "risks": [
            {"option": None, "risk": "Savings arrive late", "consequences": "Budget gap",
             "likelihood": 3, "impact": 4, "controls": "Programme board",
             "residual_likelihood": 2, "residual_impact": 3, "owner": "Chief Executive"},
        ],
        "finance": {
            "discount_rate": 0.035,
            "optimism_bias": 0,
            "options": {
                "outsourcing": {
                    "costs": [100000, 0, 0],
                    "savings": {"low": [0, 50000, 50000], "central": [0, 600000, 600000],
                                "high": [0, 700000, 700000]},
                    "partner_shares": {},
                }
            },
        },
        "savings_target": {"amount": 3000000, "year": 4},
        "report": {"author": "A. Officer", "narrative": {"financial": "Affordable."},
                   "key_decision": True, "status": "open", "purpose": "decision"},
        "results": {
            "weights": {"cost": 0.3, "deliverability": 0.7},
            "options": [
                {"key": "outsourcing", "rank": 2, "value": 52.0, "complete": True,
                 "finance": {"npv_to_lead": {"central": 1000000}, "payback_years": 0.5}},
                {"key": "in-house", "rank": 1, "value": 60.0, "complete": True,
                 "finance": None},
            ],
        },
    }  # fmt: skip


def texts(old, new, group: str | None = None) -> list[str]:
    comparison = compare(old, new, section_titles=TITLES)
    return [c.text for g in comparison.groups if group in (None, g.key) for c in g.changes]


def test_nothing_changed_says_so_for_every_group():
    comparison = compare(snapshot(), snapshot(), section_titles=TITLES)
    assert not comparison.changed and comparison.count == 0
    said = {g.key: g.unchanged for g in comparison.groups}
    assert said["risks"] == "No changes to risks."
    assert set(said) == {"options", "criteria", "scores", "risks", "finance", "text", "results"}


def test_a_changed_score_is_said_with_the_panel_option_criterion_and_scale():
    new = snapshot()
    new["scores"][0]["score"] = 3
    assert texts(snapshot(), new) == [
        "The Staff panel's score for Outsourcing on Deliverability went from 2 to 3 out of 5."
    ]


def test_a_changed_reason_keeps_the_before_and_after_text():
    new = snapshot()
    new["scores"][0]["reason"] = "Two suppliers bid."
    (change,) = compare(snapshot(), new).groups[2].changes
    assert change.text == (
        "The Staff panel's reason for the score of Outsourcing on Deliverability was changed "
        "(the score is still 2 out of 5)."
    )
    assert (change.before, change.after) == ("Untested market.", "Two suppliers bid.")


def test_scores_given_and_taken_out():
    new = snapshot()
    gone = new["scores"].pop(1)
    new["scores"].append({**gone, "option": "in-house", "score": 5})
    assert texts(snapshot(), new, "scores") == [
        "The Staff panel's score for Outsourcing on Cost was taken out (it was 4 out of 5).",
        "The Staff panel's score for In-house on Cost was given: 5 out of 5.",
    ]


def test_weights_are_compared_as_percentages_of_the_whole():
    new = snapshot()
    new["criteria"][0]["weight"] = 25
    new["criteria"][1]["weight"] = 75
    new["results"]["weights"] = {"cost": 0.25, "deliverability": 0.75}
    assert texts(snapshot(), new, "criteria") == [
        "Cost's weight went from 30% to 25%.",
        "Deliverability's weight went from 70% to 75%.",
    ]


def test_weights_without_results_are_normalised_from_the_entered_weights():
    old, new = snapshot(), snapshot()
    del old["results"], new["results"]
    new["criteria"][0]["weight"] = 10  # 10 of 80
    assert texts(old, new, "criteria") == [
        "Cost's weight went from 30% to 13%.",
        "Deliverability's weight went from 70% to 88%.",
    ]


def test_ranks_move_in_words_and_the_new_leader_is_named():
    new = snapshot()
    new["results"]["options"][0].update(rank=1, value=64.0)
    new["results"]["options"][1].update(rank=2)
    assert texts(snapshot(), new, "results") == [
        "Outsourcing now ranks first, in place of In-house.",
        "Outsourcing moved from second to first.",
        "Outsourcing's weighted score went from 52.0 to 64.0 out of 100.",
        "In-house moved from first to second.",
    ]


def test_values_that_round_the_same_are_not_a_change():
    new = snapshot()
    new["results"]["options"][0]["value"] = 52.04
    assert texts(snapshot(), new, "results") == []


def test_options_added_removed_renamed_rejected_and_recommended():
    new = snapshot()
    new["options"][1].update(name="Outsource to a contractor", status="rejected",
                             rejection_reason="No bidders.", recommended=False)  # fmt: skip
    new["options"][2]["recommended"] = False
    new["options"].append(
        {"key": "company", "name": "Council company", "delivery_model": "company",
         "status": "shortlisted", "recommended": True}
    )  # fmt: skip
    new["options"] = [o for o in new["options"] if o["key"] != "do-nothing"]
    assert texts(snapshot(), new, "options") == [
        "Outsourcing is now called Outsource to a contractor.",
        "Outsource to a contractor is now rejected (it was short-listed), because: “No bidders.”.",
        "Council company was added as an option (short-listed).",
        "Do nothing was removed from the options.",
        "No option is the baseline now (it was Do nothing).",
        "Council company is now the option officers recommend, in place of In-house.",
    ]


def test_a_renamed_panel_takes_a_capital_only_at_the_start_of_the_sentence():
    new = snapshot()
    new["panels"][0]["name"] = "Workforce"
    assert "The Staff panel is now called the Workforce panel." in texts(snapshot(), new, "scores")
    new["panels"][0]["name"] = "Panel 1"
    assert "The Staff panel is now called Panel 1." in texts(snapshot(), new, "scores")
    old = copy.deepcopy(new)
    new["panels"][0]["name"] = "Members' Panel"
    assert "Panel 1 is now called the Members' Panel." in texts(old, new, "scores")


def test_a_removed_option_is_said_once_not_with_each_of_its_scores():
    new = snapshot()
    new["options"] = new["options"][:1] + new["options"][2:]
    new["scores"] = []
    assert texts(snapshot(), new, "scores") == []


def test_risks_matched_by_their_words_and_reworded_in_place():
    new = snapshot()
    new["risks"][0].update(likelihood=4, owner="Finance Director")
    assert texts(snapshot(), new, "risks") == [
        "The risk “Savings arrive late”'s rating before controls went from 3 × 4 = 12 to "
        "4 × 4 = 16 (likelihood × impact).",
        "The risk “Savings arrive late”'s owner went from Chief Executive to Finance Director.",
    ]
    reworded = snapshot()
    reworded["risks"][0]["risk"] = "Savings arrive a year late"
    assert texts(snapshot(), reworded, "risks") == ["The risk “Savings arrive late” was reworded."]
    added = snapshot()
    added["risks"].insert(0, {**added["risks"][0], "risk": "Staff leave", "option": "in-house"})
    assert texts(snapshot(), added, "risks") == [
        "The risk “Staff leave” (to In-house) was added, rated 3 × 4 = 12 before controls and "
        "2 × 3 = 6 after."
    ]


def test_finance_by_year_and_in_totals_when_many_years_changed():
    new = snapshot()
    new["finance"]["options"]["outsourcing"]["savings"]["central"] = [0, 650000, 600000]
    new["finance"]["discount_rate"] = 0.04
    new["savings_target"] = {"amount": 2500000, "year": 4}
    assert texts(snapshot(), new, "finance") == [
        "The discount rate went from 3.5% to 4%.",
        "The savings target went from £3,000,000 a year by year 4 to £2,500,000 a year by year 4.",
        "Outsourcing's central savings went from £600,000 to £650,000 in year 1.",
    ]
    many = snapshot()
    many["finance"]["options"]["outsourcing"]["costs"] = [1, 2, 3, 4, 5]
    assert texts(snapshot(), many, "finance") == [
        "Outsourcing's one-off and running costs now cover 5 years (they covered 3): in total "
        "they went from £100,000 to £15."
    ]


def test_narrative_sections_by_their_titles_with_the_text_before_and_after():
    new = snapshot()
    new["report"]["narrative"] = {"legal": "Powers under s.1.", "financial": "Not affordable."}
    new["committee"]["meeting_date"] = "2026-03-10"
    comparison = compare(snapshot(), new, section_titles=TITLES)
    text = next(g for g in comparison.groups if g.key == "text")
    assert [c.text for c in text.changes] == [
        "The date of the meeting went from 3 March 2026 to 10 March 2026.",
        "The section “Financial implications” was changed.",
        "The section “Legal implications and powers” was written.",
    ]
    assert text.changes[1].before == "Affordable." and text.changes[1].after == "Not affordable."


def test_the_report_text_can_be_left_out():
    new = snapshot()
    new["report"]["narrative"] = {"financial": "Not affordable."}
    comparison = compare(snapshot(), new, include_text=False)
    assert "text" not in {g.key for g in comparison.groups} and not comparison.changed


def test_the_comparison_does_not_change_its_inputs():
    old, new = snapshot(), snapshot()
    new["scores"][0]["score"] = 5
    kept = copy.deepcopy((old, new))
    compare(old, new, section_titles=TITLES)
    assert (old, new) == kept
