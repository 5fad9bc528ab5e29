"""The workbook carries the same content as the JSON; the CSV is safe to open in a spreadsheet."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from appraisals.interchange import (
    InvalidDocument,
    csv_safe,
    document_to_xlsx,
    scores_csv,
    xlsx_to_document,
)
from tests.test_interchange_validation import make_document

DEMO = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "demo").glob("*.json"))

RESULTS = {
    "weights": {"cost": 0.57, "quality": 0.29, "speed": 0.14},
    "consistency_ratio": None,
    "options": [
        {"key": "in-house", "value": 40.0, "rank": 2, "complete": True, "vs_baseline": 5.0,
         "contributions": {"cost": 20.0, "quality": 10.0, "speed": 10.0}},
        {"key": "shared", "value": 60.0, "rank": 1, "complete": True, "vs_baseline": 25.0,
         "contributions": {"cost": 30.0, "quality": 20.0, "speed": 10.0}},
    ],
    "switching": [
        {"criterion": "cost", "weight": 0.57, "lower": {"weight": 0.1, "new_leader": "in-house"},
         "upper": None}
    ],
    "rank_acceptability": {"samples": 100, "seed": 1,
                           "options": {"shared": [0.9, 0.1], "in-house": [0.1, 0.9]}},
}  # fmt: skip


def test_workbook_round_trip_gives_the_document_back():
    doc = make_document()
    assert xlsx_to_document(document_to_xlsx(doc)) == doc


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.stem)
def test_demo_fixtures_round_trip_through_a_workbook(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert xlsx_to_document(document_to_xlsx(doc)) == doc


def test_pairwise_matrix_and_odd_values_round_trip():
    doc = make_document(
        weighting={"method": "pairwise", "matrix": [[1, 3, 5], [1 / 3, 1, 2], [0.2, 0.5, 1]]},
        summary="Line one\nLine two — with £ and ü",
        savings_target=None,
    )
    doc["committee"]["meeting_date"] = None
    doc["risks"][0]["option"] = None
    doc["scores"][0]["score"] = 2.75
    doc["report"]["narrative"]["background"] = "=SUM(A1:A9)"
    assert xlsx_to_document(document_to_xlsx(doc)) == doc


def test_text_that_looks_like_a_formula_is_stored_as_text():
    doc = make_document(title='=HYPERLINK("http://example.com","click")')
    wb = load_workbook(io.BytesIO(document_to_xlsx(doc)))
    cell = next(row[1] for row in wb["Appraisal"].iter_rows() if row[0].value == "title")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com","click")'


def test_results_sheets_are_written_and_ignored_on_reading():
    doc = make_document()
    data = document_to_xlsx(doc, RESULTS)
    wb = load_workbook(io.BytesIO(data))
    assert {"Results", "Switching", "Rank acceptability", "Score matrix"} <= set(wb.sheetnames)
    results = list(wb["Results"].iter_rows(values_only=True))
    assert results[1][:4] == (1, "shared", "Share with the partner", 60.0)
    assert xlsx_to_document(data) == doc


def test_score_matrix_shows_each_panel_by_criterion_and_option():
    doc = make_document()
    rows = list(
        load_workbook(io.BytesIO(document_to_xlsx(doc)))["Score matrix"].iter_rows(values_only=True)
    )
    assert rows[0][0] == "Panel: Officers"
    assert rows[1] == ("Criterion", "Do nothing", "Improve in house", "Share with the partner")
    assert rows[2] == ("Cost", 0, 1, 2)


def test_hand_typed_numbers_as_text_are_read_as_numbers():
    doc = make_document()
    wb = load_workbook(io.BytesIO(document_to_xlsx(doc)))
    wb["Scores"]["D2"] = " 3 "
    out = io.BytesIO()
    wb.save(out)
    assert xlsx_to_document(out.getvalue())["scores"][0]["score"] == 3


def test_not_a_workbook_is_refused():
    with pytest.raises(InvalidDocument) as refused:
        xlsx_to_document(b"not a zip file")
    assert str(refused.value).startswith("not an Excel workbook (.xlsx)")


def test_workbook_without_criteria_is_refused():
    wb = Workbook()
    wb.active.title = "Appraisal"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InvalidDocument) as refused:
        xlsx_to_document(out.getvalue())
    assert [str(p) for p in refused.value.problems] == [
        "sheet Criteria: is missing from the workbook"
    ]


# CSV


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_would_run_as_formulas_are_quoted(start):
    assert csv_safe(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


@pytest.mark.parametrize("before", [" ", "  ", "\n", "\r\n", " \n ", "\u00a0", "\u3000"])
def test_csv_cells_with_spaces_or_line_breaks_before_the_formula_are_quoted(before):
    formula = f'{before}=HYPERLINK("http://evil.example","click")'
    assert csv_safe(formula) == "'" + formula


def test_csv_leaves_ordinary_text_and_numbers_alone():
    assert csv_safe("Fine reason") == "Fine reason"
    assert csv_safe("  Fine = good") == "  Fine = good"
    assert csv_safe(-3) == -3


def test_scores_csv_has_one_row_per_score_with_names_and_safe_reasons():
    doc = copy.deepcopy(make_document())
    doc["scores"][0]["reason"] = '=HYPERLINK("http://evil")'
    doc["scores"][1]["reason"] = "-2 points: too slow"
    rows = list(csv.reader(io.StringIO(scores_csv(doc))))
    assert rows[0] == [
        "panel", "panel name", "option", "option name", "criterion", "criterion name",
        "score", "reason",
    ]  # fmt: skip
    assert len(rows) == 1 + 18
    assert rows[1] == [
        "officers", "Officers", "do-nothing", "Do nothing", "cost", "Cost", "0",
        "'=HYPERLINK(\"http://evil\")",
    ]  # fmt: skip
    assert rows[2][-1] == "'-2 points: too slow"
