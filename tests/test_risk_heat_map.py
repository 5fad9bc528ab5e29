"""The risk heat map's table headers: an empty-to-screen-readers corner, "Impact" over the
columns, and row and column headers that name their axis."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from appraisals.models import Risk
from appraisals.views.risks import heat_map, risk_rows


def _heat_map_html(risks: list[Risk]) -> str:
    rows = risk_rows(risks, (4, 9, 16))
    return render_to_string(
        "appraisals/_risk_heat_map.html", {"heat_map": heat_map(rows, (4, 9, 16), after=False)}
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def _headers(html: str) -> list[tuple[str, str]]:
    """(scope, text) of every <th>, in order."""
    return [
        (scope, _text(body))
        for scope, body in re.findall(r'<th scope="(\w+)"[^>]*>(.*?)</th>', html, re.S)
    ]


def test_corner_is_not_a_header_and_every_header_has_a_scope():
    risk = Risk(risk="Delay", likelihood=4, impact=5, residual_likelihood=2, residual_impact=3)
    html = _heat_map_html([risk])
    head = html[html.index("<thead") : html.index("</thead>")]
    body = html[html.index("<tbody") : html.index("</tbody>")]
    # the first header row opens with the corner, a plain cell, not a header
    first_row = head[head.index("<tr") : head.index("</tr>")]
    assert re.search(r"<tr[^>]*>\s*<td ", first_row)
    assert "<th>" not in html and "<th " in html
    assert all(re.match(r'<th scope="', th) for th in re.findall(r"<th\b[^>]*>", html))
    assert _headers(head) == [("colgroup", "Impact")] + [("col", f"Impact {i}") for i in "12345"]
    assert _headers(body) == [("row", f"Likelihood {n}") for n in "54321"]
    assert "Likelihood 1" not in _text(head)
    assert "Likelihood 4, impact 5, very high: 1 (R1)" in _text(body)
