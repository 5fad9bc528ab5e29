"""SVG charts: pure geometry over an evaluation, escaped, accessible, with their data tables.

Built from the real engine and finance functions on plain inputs: no database needed.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pytest
from django.template.loader import render_to_string

from appraisals import charts, engine, finance
from appraisals.results import RiskView

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class FakeEvaluation:
    """What the charts read from results.Evaluation."""

    result: engine.AppraisalResult
    finance: dict[str, finance.FinanceResult] = field(default_factory=dict)
    risks: tuple[RiskView, ...] = ()
    risk_cutoffs: tuple[int, int, int] = (4, 9, 16)


def appraisal_in(scores: dict[str, list[float]], *, names: dict[str, str] | None = None, **kw):
    """Options keyed as given (first is the baseline), three criteria weighted 1, 2, 3."""
    names = names or {}
    keys = list(scores)
    return engine.AppraisalIn(
        scale_min=0,
        scale_max=5,
        criteria=tuple(
            engine.CriterionIn(f"c{j}", f"Criterion {j}", float(j)) for j in range(1, 4)
        ),
        options=tuple(
            engine.OptionIn(k, names.get(k, k.title()), baseline=(i == 0))
            for i, k in enumerate(keys)
        ),
        panels=(engine.PanelIn("staff", "Staff"),),
        scores=tuple(
            engine.ScoreIn("staff", k, f"c{j}", s)
            for k in keys
            for j, s in enumerate(scores[k], start=1)
            if s is not None
        ),
        **kw,
    )


def evaluation(scores=None, *, samples=500, **kw) -> FakeEvaluation:
    scores = scores or {
        "base": [1, 1, 1],
        "share": [4, 5, 4],
        "outsource": [5, 2, 3],
        "inhouse": [2, 3, 3],
    }
    return FakeEvaluation(engine.compute(appraisal_in(scores, **kw), samples=samples, seed=1))


def parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


ALL = [
    charts.contribution_chart,
    charts.acceptability_chart,
    charts.value_for_money_chart,
    lambda e: charts.risk_heat_map(e, residual=False),
    lambda e: charts.risk_heat_map(e, residual=True),
]


def with_money_and_risks(ev: FakeEvaluation) -> FakeEvaluation:
    ev.finance = {
        "share": finance.evaluate(
            finance.FinanceIn(
                (250_000, 100_000, 0),
                (0, 400_000, 800_000),
                (0, 600_000, 1_200_000),
                (0, 750_000, 1_500_000),
            )
        ),
        "outsource": finance.evaluate(
            finance.FinanceIn(
                (900_000, 0, 0), (0, 100_000, 100_000), (0, 200_000, 200_000), (0, 300_000, 300_000)
            )
        ),
    }
    ev.risks = (
        risk("Targets missed", 4, 5, 3, 4),
        risk("Staff leave", 2, 3, 1, 3, option="share"),
        risk("Partner withdraws", 4, 5, 2, 2),
    )
    return ev


def risk(text, lk, im, rlk, rim, option=None) -> RiskView:
    return RiskView(
        pk=0,
        option=option,
        option_name=option.title() if option else "Whole appraisal",
        risk=text,
        consequences="",
        likelihood=lk,
        impact=im,
        controls="",
        residual_likelihood=rlk,
        residual_impact=rim,
        owner="",
        before=engine.risk_rating(lk, im),
        after=engine.risk_rating(rlk, rim),
    )


# --------------------------------------------------------------------------------------------
# Every chart


@pytest.mark.parametrize("make", ALL)
def test_every_chart_is_an_accessible_self_contained_svg(make):
    chart = make(with_money_and_risks(evaluation()))
    root = parse(chart)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == (title_id, chart.title)
    assert (desc.get("id"), desc.text) == (desc_id, chart.description)
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    # The strict CSP allows presentation attributes, never style attributes or scripts.
    assert "style=" not in chart.svg and "<script" not in chart.svg
    assert "on" not in {name[:2] for el in root.iter() for name in el.attrib}
    assert chart.description.endswith(".")
    assert chart.rows and all(len(row) == len(chart.headers) for row in chart.rows)


@pytest.mark.parametrize("make", ALL[:3])
def test_every_text_in_a_chart_is_escaped(make):
    nasty = '<script>alert("x")</script> & Co'
    ev = with_money_and_risks(evaluation(names={"share": nasty}))
    chart = make(ev)
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
    texts = [el.text or "" for el in parse(chart).iter()]
    assert any(text.startswith('<script>alert("x")') for text in texts)  # shown, as text


def test_risk_text_stays_out_of_the_heat_map_picture_and_in_its_table():
    ev = evaluation()
    ev.risks = (risk("<img src=x> & co", 3, 3, 2, 2),)
    chart = charts.risk_heat_map(ev, residual=False)
    assert "<img" not in chart.svg and "img src" not in chart.svg
    assert chart.rows[0][1] == "<img src=x> & co"  # escaped by the template that shows it
    html = render_to_string("appraisals/_chart.html", {"chart": chart})
    assert "&lt;img src=x&gt; &amp; co" in html and "<img" not in html


def test_series_colours_carry_white_labels_at_aa_contrast():
    for colour in charts.SERIES:
        assert charts.contrast(colour, charts.WHITE) >= 4.5, colour
    for colour in (*charts.RANKS, *(fill for fill, _ in charts.BANDS.values())):
        assert charts.contrast(colour, charts.ink_on(colour)) >= 4.5, colour


# --------------------------------------------------------------------------------------------
# Contribution chart


def bar_segments(chart: charts.Chart) -> dict[float, list[float]]:
    """Widths of the coloured segments, grouped by bar (their y)."""
    bars: dict[float, list[float]] = {}
    for rect in parse(chart).iter(f"{SVG}rect"):
        if rect.get("fill") in charts.SERIES and rect.get("height") == "26":
            bars.setdefault(float(rect.get("y")), []).append(float(rect.get("width")))
    return bars


def test_contribution_bars_are_as_long_as_the_weighted_values():
    ev = evaluation()
    chart = charts.contribution_chart(ev)
    bars = sorted(bar_segments(chart).items())
    order = [o.key for o in ev.result.ranking] + ["base"]
    scale = (charts.WIDTH - 60 - 210) / 100
    for (_, widths), key in zip(bars, order, strict=True):
        assert sum(widths) == pytest.approx(ev.result.option(key).value * scale, abs=0.5)


def test_contribution_table_lists_each_criterions_contribution_and_the_value():
    ev = evaluation()
    chart = charts.contribution_chart(ev)
    assert chart.headers == (
        "Option",
        "1. Criterion 1 (points)",
        "2. Criterion 2 (points)",
        "3. Criterion 3 (points)",
        "Weighted value (out of 100)",
    )
    leader = ev.result.option(ev.result.leader)
    first = chart.rows[0]
    assert first[0] == leader.name
    assert first[1] == f"{leader.contributions['c1']:.1f}"
    assert first[-1] == f"{leader.value:.1f}"
    assert chart.rows[-1][0] == "Base (baseline)"
    assert chart.numeric == (False, True, True, True, True)
    assert f"{leader.name} has the highest weighted value" in chart.description


def test_contribution_segments_are_numbered_and_explained_in_a_legend():
    chart = charts.contribution_chart(evaluation())
    texts = [el.text for el in parse(chart).iter(f"{SVG}text")]
    assert {"1", "2", "3"} <= set(texts)
    assert {"Criterion 1", "Criterion 2", "Criterion 3"} <= set(texts)


def test_provisional_option_is_charted_but_not_given_a_value():
    ev = evaluation({"base": [1, 1, 1], "share": [4, 5, 4], "half": [3, None, 2]})
    chart = charts.contribution_chart(ev)
    row = next(r for r in chart.rows if r[0] == "Half")
    assert row[2] == "not scored" and row[-1] == "Provisional"
    assert "provisional" in [el.text for el in parse(chart).iter(f"{SVG}text")]


def test_nothing_to_chart_says_so():
    ev = evaluation({"base": [None, None, None], "share": [None, None, None]})
    chart = charts.acceptability_chart(ev)
    assert chart.rows == () and "No option can be ranked yet" in chart.svg
    assert charts.value_for_money_chart(ev).rows == ()


# --------------------------------------------------------------------------------------------
# Rank acceptability


def test_acceptability_rows_are_the_engines_shares_by_rank():
    ev = evaluation()
    chart = charts.acceptability_chart(ev)
    ra = ev.result.rank_acceptability
    assert chart.headers == ("Option", "Rank 1", "Rank 2", "Rank 3")
    assert [r[0] for r in chart.rows] == [o.name for o in ev.result.ranking]
    leader = chart.rows[0]
    assert leader[1] == charts.format_chance(ra.options[ev.result.leader][0])
    assert f"{ra.samples:,} simulations" in chart.description
    # Each bar spans the full width: the shares add up to one.
    widths: dict[str, float] = {}
    for rect in parse(chart).iter(f"{SVG}rect"):
        if rect.get("fill") in charts.RANKS and rect.get("height") == "26":
            widths[rect.get("y")] = widths.get(rect.get("y"), 0) + float(rect.get("width"))
    assert list(widths.values()) == pytest.approx([charts.WIDTH - 20 - 210] * 3, abs=0.5)


# --------------------------------------------------------------------------------------------
# Value for money


def test_value_for_money_plots_options_with_a_value_and_a_financial_case():
    ev = with_money_and_risks(evaluation())
    chart = charts.value_for_money_chart(ev)
    assert [r[1] for r in chart.rows] == ["Share", "Outsource"]  # by rank; in-house has no case
    share = chart.rows[0]
    assert share[2] == f"{ev.result.option('share').value:.1f}"
    assert share[4] == charts.money(ev.finance["share"].npv_central)
    circles = list(parse(chart).iter(f"{SVG}circle"))
    assert len(circles) == 2
    # Higher value sits further right; the higher NPV sits higher up (smaller y).
    x = [float(c.get("cx")) for c in circles]
    y = [float(c.get("cy")) for c in circles]
    values = [ev.result.option(k).value for k in ("share", "outsource")]
    npvs = [ev.finance[k].npv_central for k in ("share", "outsource")]
    assert (x[0] > x[1]) == (values[0] > values[1])
    assert (y[0] < y[1]) == (npvs[0] > npvs[1])


def test_negative_npv_is_below_the_zero_line():
    ev = with_money_and_risks(evaluation())
    assert ev.finance["outsource"].npv_central < 0
    root = parse(charts.value_for_money_chart(ev))
    zero = next(
        float(el.get("y1"))
        for el in root.iter(f"{SVG}line")
        if el.get("stroke") == charts.INK
        and el.get("y1") == el.get("y2")
        and any(
            t.text == "£0" and abs(float(t.get("y")) - float(el.get("y1"))) < 0.1
            for t in root.iter(f"{SVG}text")
        )
    )
    outsource = list(root.iter(f"{SVG}circle"))[1]
    assert float(outsource.get("cy")) > zero


def test_money_labels():
    assert charts.money(-1234.4) == "−£1,234"
    # Axis labels write money as the report's sentences do: "£1.5 million", never "£1.5m".
    assert charts.money_short(1_500_000) == "£1.5 million"
    assert charts.money_short(-250_000) == "−£250,000"
    assert charts.money_short(0) == "£0"


@pytest.mark.parametrize(("low", "high"), [(0, 1), (-3e5, 2.4e6), (0, 0), (-50, 0), (1e3, 9e3)])
def test_ticks_cover_the_range_with_round_steps(low, high):
    ticks = charts.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 2 <= len(ticks) <= 12
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1


# --------------------------------------------------------------------------------------------
# Risk heat map


def cell_texts(chart: charts.Chart) -> list[str]:
    return [el.text for el in parse(chart).iter(f"{SVG}text") if el.get("font-weight") == "bold"]


def test_heat_map_places_each_risk_by_likelihood_and_impact():
    ev = with_money_and_risks(evaluation())
    before = charts.risk_heat_map(ev, residual=False)
    after = charts.risk_heat_map(ev, residual=True)
    assert "R1 R3" in cell_texts(before)  # both at likelihood 4, impact 5
    assert "R1" in cell_texts(after) and "R3" in cell_texts(after)  # apart after controls
    assert before.rows[0] == (
        "R1",
        "Targets missed",
        "Whole appraisal",
        "4",
        "5",
        "20",
        "Very high",
    )
    assert after.rows[0][3:] == ("3", "4", "12", "High")
    assert before.description.endswith("its risks: 3 risks, 1 medium and 2 very high.")
    assert before.title == "Risk heat map before controls"


def test_heat_map_cells_carry_their_band_as_text_not_only_colour():
    chart = charts.risk_heat_map(with_money_and_risks(evaluation()), residual=False)
    texts = [el.text for el in parse(chart).iter(f"{SVG}text")]
    assert texts.count("VH") >= 3 and texts.count("L") >= 8
    assert {"Low", "Medium", "High", "Very high"} <= set(texts)


def test_heat_map_uses_the_councils_bands():
    ev = with_money_and_risks(evaluation())
    ev.risk_cutoffs = (2, 4, 6)
    ev.risks = (risk("Small", 2, 4, 1, 1),)
    chart = charts.risk_heat_map(ev, residual=False)
    fills = {
        (r.get("x"), r.get("y")): r.get("fill")
        for r in parse(chart).iter(f"{SVG}rect")
        if r.get("width") == str(60)  # the grid's cells
    }
    assert set(fills.values()) == {fill for fill, _ in charts.BANDS.values()}
    # likelihood 1 × impact 5 = 5 is "high" on these bands (above medium's 4).
    assert fills[("286", "206")] == charts.BANDS["high"][0]


def test_heat_map_without_risks():
    chart = charts.risk_heat_map(evaluation(), residual=True)
    assert chart.rows == ()
    assert "no risks recorded yet" in chart.description


# --------------------------------------------------------------------------------------------
# The figure template


def test_chart_template_shows_the_svg_its_text_and_its_table():
    chart = charts.contribution_chart(evaluation(names={"share": "Shared <service>"}))
    html = render_to_string("appraisals/_chart.html", {"chart": chart})
    assert html.count("<svg") == 1 and "&lt;svg" not in html
    assert "<figcaption" in html and chart.description.replace("<", "&lt;")[:20] in html
    assert "Shared &lt;service&gt;" in html
    assert "<script" not in html
    headers = re.findall(r'<th scope="col" class="govuk-table__header( app-numeric)?">', html)
    assert headers == ["", " app-numeric", " app-numeric", " app-numeric", " app-numeric"]


# --------------------------------------------------------------------------------------------
# Charts that are never cut (issue 10, point 8)

LONG_OPTION = "Shared chief executive and senior management team with the neighbouring council"
LONG_CRITERION = "Alignment with the council's corporate plan and its localism commitments"


def long_named() -> FakeEvaluation:
    ev = with_money_and_risks(evaluation(names={"share": LONG_OPTION}))
    ev.result = dataclasses.replace(
        ev.result, criterion_names={**ev.result.criterion_names, "c2": LONG_CRITERION}
    )
    return ev


def words_drawn(chart: charts.Chart) -> list[str]:
    return " ".join(el.text or "" for el in parse(chart).iter(f"{SVG}text")).split()


@pytest.mark.parametrize("make", ALL[:3])
def test_long_names_wrap_whole_and_never_end_in_an_ellipsis(make):
    chart = make(long_named())
    assert "…" not in chart.svg
    drawn = words_drawn(chart)
    for word in LONG_OPTION.split():
        assert word in drawn, word
    if make is charts.contribution_chart:  # the legend names every criterion in full
        for word in LONG_CRITERION.split():
            assert word in drawn, word


@pytest.mark.parametrize("make", ALL[:2])
def test_wrapped_labels_of_neighbouring_bars_do_not_overlap(make):
    chart = make(long_named())
    label_ys = sorted(
        float(el.get("y"))
        for el in parse(chart).iter(f"{SVG}text")
        if el.get("text-anchor") == "end"
    )
    assert all(b - a >= 14 for a, b in zip(label_ys, label_ys[1:], strict=False))


@pytest.mark.parametrize("make", ALL[:2])
def test_no_gridline_is_drawn_over_a_bar(make):
    """SVG paints in document order: every gridline comes before the first bar."""
    elements = list(parse(make(evaluation())).iter())
    grid = [
        i
        for i, el in enumerate(elements)
        if el.tag == f"{SVG}line" and el.get("stroke") == charts.GRID
    ]
    bars = [
        i for i, el in enumerate(elements) if el.tag == f"{SVG}rect" and el.get("height") == "26"
    ]
    assert grid and bars and max(grid) < min(bars)


def test_neighbouring_series_differ_in_pattern_as_well_as_colour():
    styles = [charts.series_style(i) for i in range(30)]
    assert len(set(styles)) == 30
    for (fill_a, pattern_a), (fill_b, pattern_b) in zip(styles, styles[1:], strict=False):
        assert fill_a != fill_b and pattern_a != pattern_b


def test_contribution_segments_and_legend_carry_their_series_pattern():
    ev = evaluation()
    root = parse(charts.contribution_chart(ev))
    pattern_ids = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    used = {
        r.get("fill") for r in root.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(")
    }
    # criteria 2 and 3 are patterned (1 is plain colour), in the bars and the legend
    assert used == {"url(#chart-contribution-p1)", "url(#chart-contribution-p2)"}
    assert {u[5:-1] for u in used} <= pattern_ids


def test_every_rank_has_its_own_colour_each_lighter_than_the_one_before():
    for ranks in (2, 7, 12):
        colours = charts.rank_colours(ranks)
        assert len(set(colours)) == ranks
        grey = [charts._luminance(c) for c in colours]
        assert grey == sorted(grey)
        for colour in colours:
            assert charts.contrast(colour, charts.ink_on(colour)) >= 4.5, colour


def test_the_report_draws_the_same_svg_markup_as_the_screen():
    from appraisals.reports import Figure

    chart = charts.contribution_chart(long_named())
    screen = render_to_string("appraisals/_chart.html", {"chart": chart})
    paper = render_to_string("reports/_blocks.html", {"blocks": [Figure(chart)]})
    assert str(chart.svg) in screen and str(chart.svg) in paper


@pytest.mark.parametrize(
    ("ratings", "said"),
    [
        ([(3, 3)], "labelled with its risks: one risk, rated medium."),
        ([(4, 5), (5, 5)], "labelled with its risks: 2 risks, all rated very high."),
        ([(4, 5), (1, 1), (1, 2)], "labelled with its risks: 3 risks, 2 low and 1 very high."),
    ],
)
def test_heat_map_description_counts_risks_in_words(ratings, said):
    """The tally once, in words where it is one ("1 risk, 1 high" said one number twice)."""
    ev = evaluation()
    ev.risks = tuple(risk(f"Risk {n}", lk, im, lk, im) for n, (lk, im) in enumerate(ratings))
    assert charts.risk_heat_map(ev, residual=False).description.endswith(said)
