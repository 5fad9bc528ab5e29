"""Risks a member can read: the register tables show likelihood, impact and rating before and
after controls under the IDs the heat maps use, and the heat maps print legibly (no text
under 8 pt, nothing cut at the edge)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from appraisals import charts, reports
from appraisals.reports.sections import RATING_AFTER, RATING_BEFORE
from appraisals.reports.structure import Table
from appraisals.results import evaluate
from tests.test_reports_data import make_report_appraisal

SVG = "{http://www.w3.org/2000/svg}"
FONTS = Path("/usr/share/fonts/truetype/liberation2")
MM = 72 / 25.4  # points in a millimetre
HIGH_BANDS = ("high", "very high")


@pytest.fixture
def evaluation(db):
    # 14 risks: cells that hold several IDs, and two-digit IDs.
    return evaluate(make_report_appraisal(options=3, panels=1, risks=14), samples=200)


def test_register_tables_show_both_ratings_with_the_heat_maps_ids(evaluation):
    report = reports.build_report(evaluation)
    risk = next(s for s in report.sections if s.key == "risk")
    register = next(a for a in report.appendices if a.key == "risk-register")
    appendix = next(b for b in register.blocks if isinstance(b, Table))
    ids = [f"R{n}" for n in range(1, 15)]
    before = charts.risk_heat_map(evaluation, residual=False)
    after = charts.risk_heat_map(evaluation, residual=True)
    assert [r[0] for r in before.rows] == ids == [r[0] for r in after.rows]
    # The body's table holds the risks still high or very high after controls; the
    # appendix's register holds every risk. Both by the heat maps' IDs.
    still_high = [
        f"R{n}" for n, rv in enumerate(evaluation.risks, 1) if rv.after.band in HIGH_BANDS
    ]
    body = [b for b in risk.blocks if isinstance(b, Table)]
    assert len(body) == (1 if still_high else 0)
    pairs = [(appendix, ids)] + [(table, still_high) for table in body]
    for table, expected in pairs:
        labels = [c.label for c in table.columns]
        assert labels[0] == "ID" and RATING_BEFORE in labels and RATING_AFTER in labels
        assert [r.header for r in table.rows] == expected
        for row in table.rows:
            n = ids.index(row.header)
            rv, b, a = evaluation.risks[n], before.rows[n], after.rows[n]
            cells = [c.text for c in row.cells]
            b_cell = cells[labels.index(RATING_BEFORE) - 1]
            a_cell = cells[labels.index(RATING_AFTER) - 1]
            # The same likelihood, impact, rating and band as the heat maps' own tables.
            assert b_cell == f"{b[3]} × {b[4]} = {b[5]}, {b[6].lower()}"
            assert a_cell == f"{a[3]} × {a[4]} = {a[5]}, {a[6].lower()}"
            assert rv.risk in cells


@cache
def _font(bold: bool) -> TTFont:
    return TTFont(FONTS / f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf")


def advance(text: str, size: float, bold: bool) -> float:
    """The width of `text` in Liberation Sans (Arial's metrics), in SVG units."""
    font = _font(bold)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = sum(hmtx[cmap[ord(ch)]][0] for ch in text)
    return units * size / font["head"].unitsPerEm


def half_width_points() -> float:
    """The width a heat map prints at: 49% of the report's text width (A4 less the margins
    of report.css)."""
    css = (Path(settings.BASE_DIR) / "static/reports/report.css").read_text()
    margins = re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+)mm ([\d.]+)mm [\d.]+mm ([\d.]+)mm", css)
    assert margins, "the @page margins of report.css"
    right, left = float(margins.group(2)), float(margins.group(3))
    half = re.search(r"figure\.half\s*{[^}]*width:\s*([\d.]+)%", css)
    assert half, "figure.half's width in report.css"
    return (210 - left - right) * MM * float(half.group(1)) / 100


@pytest.mark.parametrize("residual", [False, True])
def test_heat_map_text_prints_at_8pt_or_more_and_is_never_cut(evaluation, residual):
    chart = charts.risk_heat_map(evaluation, residual=residual)
    svg = ET.fromstring(chart.svg)
    width, height = float(svg.get("width")), float(svg.get("height"))
    scale = half_width_points() / width  # points per SVG unit in print
    texts = list(svg.iter(f"{SVG}text"))
    assert {"Low", "Medium", "High", "Very high"} <= {t.text for t in texts}
    for t in texts:
        size = float(t.get("font-size"))
        assert size * scale >= 8, f"{t.text!r} prints at {size * scale:.1f} pt"
        w = advance(t.text, size, t.get("font-weight") == "bold")
        x, y = float(t.get("x")), float(t.get("y"))
        if t.get("transform"):  # the rotated axis title runs up the page
            assert y - w / 2 >= 0 and y + w / 2 <= height, t.text
            assert x - size / 2 >= 0, t.text
            continue
        start = {"middle": x - w / 2, "end": x - w}.get(t.get("text-anchor") or "", x)
        assert start >= 0 and start + w <= width, f"{t.text!r} runs past the edge"
        assert y <= height, t.text


def test_heat_map_cells_hold_their_ids_within_the_cell(evaluation):
    # Every ID in the grid, two to a line, or "+n more" where a cell holds more than four.
    chart = charts.risk_heat_map(evaluation, residual=False)
    svg = ET.fromstring(chart.svg)
    cells = [r for r in svg.iter(f"{SVG}rect") if r.get("width") == "60"]
    assert len(cells) == 25
    for t in svg.iter(f"{SVG}text"):
        if not re.fullmatch(r"(R\d+( R\d+)?|\+\d+ more)", t.text or ""):
            continue
        w = advance(t.text, float(t.get("font-size")), t.get("font-weight") == "bold")
        x = float(t.get("x"))
        cell = next(
            c
            for c in cells
            if float(c.get("x")) <= x <= float(c.get("x")) + 60
            and float(c.get("y")) <= float(t.get("y")) <= float(c.get("y")) + 50
        )
        assert float(cell.get("x")) <= x - w / 2 and x + w / 2 <= float(cell.get("x")) + 60
