"""Charts as SVG, computed on the server: the same markup on screen and in the PDF report.

Pure geometry over a `results.Evaluation` (read by attribute, so any object with the same
attributes will do): no database, no models. Each function returns a `Chart` holding the SVG
(role="img" with a title and a description, presentation attributes only so the strict
Content-Security-Policy allows it, fixed pixel size for WeasyPrint), a one-sentence text
alternative and the data table the chart summarises. Every text is escaped before the SVG is
marked safe. Colour is never the only cue: segments carry numbers or percentages and a fill
pattern (`series_style`), so they can be told apart in greyscale print; heat-map cells carry
their band's initials, and the table holds every figure. Names wrap onto more lines
(`wrap`) and are never cut short; gridlines are drawn before the bars, never over them.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import exempt
from .engine import risk_band
from .explain import (
    format_chance,
    format_money,
    format_pounds,
    format_value,
    join_names,
    rank_label,
)

FONT = "Arial, Helvetica, sans-serif"
# A data table's column of weighted values, with its unit as every numeric column has one.
WEIGHTED_VALUE = "Weighted value (out of 100)"
INK = "#0b0c0c"  # GOV.UK text colour
WHITE = "#ffffff"
GRID = "#b1b4b6"
WIDTH = 640

# Dark enough for white text (contrast at least 4.5:1), ordered so neighbours differ in hue.
SERIES = (
    "#1d70b8",  # blue
    "#b35900",  # orange
    "#4c2c92",  # purple
    "#00703c",  # green
    "#912b88",  # pink
    "#0b6e64",  # teal
    "#d4351c",  # red
    "#003078",  # navy
    "#6f4b00",  # brown
    "#505a5f",  # grey
)
# Rank 1 darkest, each rank lighter in greyscale too; lighter ranks get dark text.
RANKS = ("#003078", "#1d70b8", "#5694ca", "#9fc0e0", "#d2e2f1", "#e3ebf4", "#f3f2f1")
BANDS = {  # risk band: fill, short label
    "low": ("#cce2d8", "L"),
    "medium": ("#fff7bf", "M"),
    "high": ("#ffbf47", "H"),
    "very high": ("#d4351c", "VH"),
}


@dataclass(frozen=True)
class Chart:
    title: str
    description: str  # the text alternative: a sentence on what the chart shows
    svg: str  # complete, escaped <svg> markup (a SafeString)
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()  # which table columns hold figures (right-aligned)

    def _numeric(self) -> tuple[bool, ...]:
        return self.numeric + (False,) * (len(self.headers) - len(self.numeric))

    @property
    def header_cells(self) -> tuple[tuple[str, bool], ...]:
        """(header, holds figures) for each column of the data table."""
        return tuple(zip(self.headers, self._numeric(), strict=False))

    @property
    def body_rows(self) -> tuple[tuple[tuple[str, bool], ...], ...]:
        """Each row of the data table as (value, holds figures) cells."""
        return tuple(tuple(zip(row, self._numeric(), strict=False)) for row in self.rows)


# --------------------------------------------------------------------------------------------
# Small SVG helpers: every attribute value and every text goes through escape().


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@functools.cache
def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on `fill`."""
    return WHITE if contrast(fill, WHITE) >= contrast(fill, INK) else INK


@functools.cache
def _attr_name(name: str) -> str:
    return name.rstrip("_").replace("_", "-")


def _attrs(attrs: dict[str, Any]) -> str:
    # html.escape is what django.utils.html.escape applies, without its lazy-string wrapper
    # (a chart has thousands of attributes); numbers need no escaping.
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        elif isinstance(value, int):
            value = str(value)
        else:
            value = html.escape(str(value))
        parts.append(f' {_attr_name(name)}="{value}"')
    return "".join(parts)


def _el(tag: str, content: str = "", **attrs: Any) -> str:
    """An element; `content` must already be markup (escape text with _text)."""
    if not content:
        return f"<{tag}{_attrs(attrs)}/>"
    return f"<{tag}{_attrs(attrs)}>{content}</{tag}>"


def _text(x: float, y: float, text: str, *, size: int = 13, **attrs: Any) -> str:
    attrs.setdefault("fill", INK)
    return _el("text", escape(text), x=x, y=y, font_family=FONT, font_size=size, **attrs)


def _svg(
    chart_id: str,
    title: str,
    description: str,
    height: float,
    body: Iterable[str],
    *,
    width: int = WIDTH,
) -> str:
    height = round(height)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="app-chart__svg"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text escaped above


# Fill patterns laid over the series colours (white, half transparent), so that segments can
# be told apart in greyscale print too: neighbouring series differ in pattern as well as hue.
# None is plain colour. Each pattern is (its marks, its rotation).
PATTERNS: tuple[tuple[str, int] | None, ...] = (
    None,
    ('<rect width="2.5" height="6"/>', 45),  # diagonal stripes
    ('<circle cx="3" cy="3" r="1.3"/>', 0),  # dots
    ('<rect width="6" height="2.5"/>', 0),  # horizontal stripes
    ('<rect width="2.5" height="6"/>', -45),  # diagonal stripes the other way
    ('<rect width="2.5" height="6"/><rect width="6" height="2.5"/>', 0),  # grid
)


def series_style(index: int) -> tuple[str, int]:
    """The colour and pattern number of series `index`: the pair differs for up to 30 series,
    and neighbours always differ in both."""
    return SERIES[index % len(SERIES)], index % len(PATTERNS)


def _patterns(chart_id: str) -> str:
    """The <defs> of every pattern but plain colour, with ids `{chart_id}-p1` …"""
    return _el(
        "defs",
        "".join(
            f'<pattern id="{escape(chart_id)}-p{n}" width="6" height="6"'
            f' patternUnits="userSpaceOnUse" patternTransform="rotate({angle})">'
            f'<g fill="{WHITE}" fill-opacity="0.55">{marks}</g></pattern>'
            for n, (marks, angle) in ((n, p) for n, p in enumerate(PATTERNS) if p)
        ),
    )


def _swatch(chart_id: str, index: int, **geometry: Any) -> str:
    """A rectangle in series `index`'s colour with its pattern over it."""
    fill, pattern = series_style(index)
    rect = _el("rect", fill=fill, stroke=WHITE, stroke_width=1, **geometry)
    if pattern:
        rect += _el("rect", fill=f"url(#{chart_id}-p{pattern})", **geometry)
    return rect


def _message(chart_id: str, title: str, description: str) -> Chart:
    """A chart with nothing to draw yet: says so in the picture, the text and the table."""
    svg = _svg(
        chart_id,
        title,
        description,
        60,
        [
            _el("rect", x=0.5, y=0.5, width=WIDTH - 1, height=59, fill=WHITE, stroke=GRID),
            _text(16, 35, description, size=14),
        ],
    )
    return Chart(title, description, svg, (), ())


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of about `width` characters, broken between words; never cut short."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line or not lines else lines


LINE = 15  # the height of a line of 12-13 px text


def _lines(x: float, y: float, lines: Sequence[str], *, size: int = 13, **attrs: Any) -> str:
    """Lines of text centred on `y` as a block."""
    top = y - LINE * (len(lines) - 1) / 2
    return "".join(
        _text(x, top + LINE * i, line, size=size, dominant_baseline="middle", **attrs)
        for i, line in enumerate(lines)
    )


def _option_label(x: float, y: float, name: str) -> str:
    return _lines(x, y, wrap(name, 26), text_anchor="end")


def _bar_rows(names: Sequence[str], top: float, bar: float, gap: float) -> list[float]:
    """The y of each bar, each row as tall as its label's lines need, and the y below them."""
    ys, y = [], top
    for name in names:
        height = max(bar, LINE * len(wrap(name, 26)))
        ys.append(y + (height - bar) / 2)
        y += height + gap
    return [*ys, y]


def _x_axis(x0: float, x1: float, y: float, ticks: Sequence[tuple[float, str]], top: float) -> str:
    parts = [_el("line", x1=x0, y1=y, x2=x1, y2=y, stroke=INK)]
    for value, label in ticks:
        x = x0 + (x1 - x0) * value
        parts.append(_el("line", x1=x, y1=top, x2=x, y2=y, stroke=GRID, stroke_dasharray="2 3"))
        parts.append(_el("line", x1=x, y1=y, x2=x, y2=y + 5, stroke=INK))
        parts.append(_text(x, y + 18, label, size=12, text_anchor="middle"))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Weighted value split by criterion


def _charted_options(result: Any) -> list[Any]:
    """Ranked options by rank, then unranked candidates (provisional), then the baseline."""
    ranked = list(result.ranking)
    keys = {o.key for o in ranked}
    waiting = [o for o in result.options if o.candidate and o.key not in keys]
    baseline = [o for o in result.options if o.baseline]
    return ranked + waiting + baseline


def contribution_chart(
    evaluation: Any,
    *,
    chart_id: str = "chart-contribution",
    title: str = "Weighted value of each option, by criterion",
) -> Chart:
    """Horizontal stacked bars: each option's weighted value, one segment per criterion.
    A second chart on the same page (the what-if one) needs its own `chart_id`: the SVG's
    ids and patterns are named by it."""
    result = evaluation.result
    options = _charted_options(result)
    criteria = list(result.weights)
    names = result.criterion_names
    if not options or not criteria:
        return _message(chart_id, title, "There are no scored options to chart yet.")

    top, bar, gap, left, right = 16, 26, 18, 210, WIDTH - 60
    scale = (right - left) / 100.0
    labels = [_name(result, o) for o in options]
    *ys, below = _bar_rows(labels, top, bar, gap)
    axis_y = below - gap / 2
    ticks = [(v / 100, str(v)) for v in range(0, 101, 20)]
    # The grid first, so that the bars are drawn over it, never it over them.
    body = [_patterns(chart_id), _x_axis(left, right, axis_y, ticks, top - 6)]
    for option, label, y in zip(options, labels, ys, strict=True):
        body.append(_option_label(left - 10, y + bar / 2, label))
        x = left
        for c, key in enumerate(criteria):
            share = option.contributions.get(key)
            if not share:
                continue
            w = share * scale
            body.append(_swatch(chart_id, c, x=x, y=y, width=w, height=bar))
            if w >= 18:  # the segment's number, on a plain patch so the pattern cannot blur it
                fill, pattern = series_style(c)
                if pattern:
                    body.append(
                        _el(
                            "rect",
                            x=x + w / 2 - 8,
                            y=y + bar / 2 - 8,
                            width=16,
                            height=16,
                            fill=fill,
                        )
                    )
                body.append(
                    _text(
                        x + w / 2,
                        y + bar / 2 + 1,
                        str(c + 1),
                        size=12,
                        fill=ink_on(fill),
                        text_anchor="middle",
                        dominant_baseline="middle",
                    )
                )
            x += w
        value = format_value(option.value) if option.value is not None else "provisional"
        body.append(_text(x + 6, y + bar / 2 + 1, value, size=12, dominant_baseline="middle"))
    body.append(
        _text(
            (left + right) / 2,
            axis_y + 36,
            "Weighted value (0 to 100)",
            size=12,
            text_anchor="middle",
        )
    )

    # Legend: number, swatch and the whole name (wrapped), two columns.
    ly = axis_y + 58
    col_width = (WIDTH - 20) / 2
    for row in range(0, len(criteria), 2):
        pair = list(enumerate(criteria))[row : row + 2]
        height = max(LINE * len(wrap(names[key], 38)) for _, key in pair) + 7
        for c, key in pair:
            lx = 10 + (c % 2) * col_width
            fill, pattern = series_style(c)
            # the number on plain colour, then the pattern beside it
            body.append(_swatch(chart_id, c, x=lx, y=ly, width=36, height=16))
            body.append(_el("rect", x=lx, y=ly, width=17, height=16, fill=fill))
            body.append(
                _text(
                    lx + 8.5,
                    ly + 9,
                    str(c + 1),
                    size=10,
                    fill=ink_on(fill),
                    text_anchor="middle",
                    dominant_baseline="middle",
                )
            )
            lines = wrap(names[key], 38)
            body.append(_lines(lx + 44, ly + 9 + LINE * (len(lines) - 1) / 2, lines, size=12))
        ly += height
    height = ly + 6

    description = _contribution_description(result, options, criteria)
    headers = (
        "Option",
        *(f"{c + 1}. {names[k]} (points)" for c, k in enumerate(criteria)),
        WEIGHTED_VALUE,
    )
    rows = tuple(
        (
            _name(result, o),
            *(
                format_value(o.contributions[k]) if k in o.contributions else "not scored"
                for k in criteria
            ),
            format_value(o.value) if o.value is not None else "Provisional",
        )
        for o in options
    )
    numeric = (False, *(True for _ in criteria), True)
    return Chart(
        title, description, _svg(chart_id, title, description, height, body), headers, rows, numeric
    )


def _name(result: Any, option: Any) -> str:
    name = result.option_names.get(option.key, option.name)
    return f"{name} (baseline)" if option.baseline else name


def _contribution_description(result: Any, options: list[Any], criteria: list[str]) -> str:
    text = (
        f"Bars show each option's weighted value out of 100, split into the contribution of "
        f"each of the {len(criteria)} criteria."
    )
    leader = next((o for o in options if o.key == result.leader), None)
    if leader is not None and leader.contributions:
        most = max(leader.contributions, key=lambda k: leader.contributions[k])
        text += (
            f" {result.option_names[leader.key]} has the highest weighted value, "
            f"{format_value(leader.value)} out of 100, to which {result.criterion_names[most]} "
            f"contributes most ({format_value(leader.contributions[most])} points)."
        )
    return text


# --------------------------------------------------------------------------------------------
# Rank acceptability


def acceptability_chart(evaluation: Any) -> Chart:
    """Stacked bars, one per ranked option: the share of simulations at rank 1, 2, …"""
    chart_id, title = "chart-acceptability", "How often each option takes each rank"
    result = evaluation.result
    ra = result.rank_acceptability
    if ra is None or not ra.options:
        return _message(
            chart_id, title, "No option can be ranked yet, so there is nothing to simulate."
        )
    keys = [o.key for o in result.ranking if o.key in ra.options] or list(ra.options)
    ranks = max(len(shares) for shares in ra.options.values())
    colours = rank_colours(ranks)

    top, bar, gap, left, right = 16, 26, 18, 210, WIDTH - 20
    labels = [result.option_names[key] for key in keys]
    *ys, below = _bar_rows(labels, top, bar, gap)
    axis_y = below - gap / 2
    ticks = [(v / 100, f"{v}%") for v in range(0, 101, 25)]
    body = [_x_axis(left, right, axis_y, ticks, top - 6)]  # the grid under the bars
    for key, label, y in zip(keys, labels, ys, strict=True):
        body.append(_option_label(left - 10, y + bar / 2, label))
        x = left
        for r, share in enumerate(ra.options[key]):
            if share <= 0:
                continue
            w = share * (right - left)
            body.append(
                _el(
                    "rect",
                    x=x,
                    y=y,
                    width=w,
                    height=bar,
                    fill=colours[r],
                    stroke=WHITE,
                    stroke_width=1,
                )
            )
            label = format_chance(share)
            if w >= 8 * len(label) + 6:
                body.append(
                    _text(
                        x + w / 2,
                        y + bar / 2 + 1,
                        label,
                        size=12,
                        fill=ink_on(colours[r]),
                        text_anchor="middle",
                        dominant_baseline="middle",
                    )
                )
            x += w
    body.append(
        _text(
            (left + right) / 2,
            axis_y + 36,
            f"Share of {ra.samples:,} simulations",
            size=12,
            text_anchor="middle",
        )
    )
    legend_top = axis_y + 52
    for r in range(ranks):
        lx = 10 + (r % 5) * 124
        ly = legend_top + (r // 5) * 22
        body.append(_el("rect", x=lx, y=ly, width=18, height=16, fill=colours[r], stroke=GRID))
        body.append(_text(lx + 26, ly + 9, rank_label(r + 1), size=12, dominant_baseline="middle"))
    height = legend_top + ((ranks + 4) // 5) * 22 + 6

    leader = result.leader if result.leader in ra.options else keys[0]
    description = (
        f"Bars show, for each option, the share of {ra.samples:,} simulations with the weights "
        f"and scores varied in which it takes each rank. {result.option_names[leader]} ranks "
        f"first in {format_chance(ra.options[leader][0])} of them."
    )
    headers = ("Option", *(rank_label(r + 1) for r in range(ranks)))
    rows = tuple((result.option_names[k], *(format_chance(s) for s in ra.options[k])) for k in keys)
    return Chart(
        title,
        description,
        _svg(chart_id, title, description, height, body),
        headers,
        rows,
        (False, *(True for _ in range(ranks))),
    )


def rank_colours(ranks: int) -> list[str]:
    """One colour a rank, darkest first: `RANKS` while there are enough, else a ramp from the
    first to the last, so that no two ranks share a colour and each is lighter in greyscale
    than the one before."""
    if ranks <= len(RANKS):
        return list(RANKS[:ranks])
    start, end = (tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in (RANKS[0], RANKS[-1]))
    return [
        "#"
        + "".join(
            f"{round(a + (b - a) * r / (ranks - 1)):02x}" for a, b in zip(start, end, strict=True)
        )
        for r in range(ranks)
    ]


# --------------------------------------------------------------------------------------------
# Value for money: weighted value against central NPV


def money(value: float) -> str:
    """£1,234,567 with a proper minus sign (`explain.format_pounds`)."""
    return format_pounds(value)


def money_short(value: float) -> str:
    """Axis labels as the report's sentences write money (`explain.format_money`): £1.5
    million, −£250,000, £0."""
    return format_money(value)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + 1000.0  # a flat line of pounds still gets an axis
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = (low // step) * step
    ticks = []
    t = start
    while t < high + step * 0.999:
        ticks.append(round(t, 6))
        t += step
    return ticks


def _money_grid(
    left: float,
    right: float,
    top: float,
    bottom: float,
    ticks: Sequence[float],
    py: Callable[[float], float],
) -> list[str]:
    """A plot area with a dashed gridline and a pounds label at each tick, solid at zero."""
    body = [
        _el("rect", x=left, y=top, width=right - left, height=bottom - top, fill=WHITE, stroke=GRID)
    ]
    for t in ticks:
        y = py(t)
        body.append(
            _el(
                "line",
                x1=left,
                y1=y,
                x2=right,
                y2=y,
                stroke=INK if t == 0 else GRID,
                stroke_dasharray=None if t == 0 else "2 3",
            )
        )
        body.append(
            _text(
                left - 8, y, money_short(t), size=12, text_anchor="end", dominant_baseline="middle"
            )
        )
    return body


def value_for_money_chart(evaluation: Any) -> Chart:
    """A scatter of options: weighted value across, central net present value up."""
    chart_id, title = (
        "chart-value-for-money",
        "Each option's weighted value against its central NPV",
    )
    result = evaluation.result
    points = [
        (o, evaluation.finance[o.key])
        for o in _charted_options(result)
        if o.value is not None and o.key in evaluation.finance
    ]
    if not points:
        return _message(
            chart_id, title, "No option has both a complete score and a financial case yet."
        )
    left, right, top, bottom = 110, WIDTH - 30, 20, 290  # short enough to share a page
    # Every option on one basis: the lead council's figures (its share of a partnership's).
    document = getattr(evaluation, "document", None) or {}
    lead = document.get("lead_authority") or "the lead council"
    npv_label = f"Central NPV to {lead}" if len(lead) <= 36 else "Central NPV to the lead council"
    npvs = [f.npv_central for _, f in points]
    ticks = nice_ticks(min(0.0, *npvs), max(0.0, *npvs))
    y_low, y_high = ticks[0], ticks[-1]

    def px(value: float) -> float:
        return left + (right - left) * value / 100.0

    def py(npv: float) -> float:
        return bottom - (bottom - top) * (npv - y_low) / (y_high - y_low)

    body = _money_grid(left, right, top, bottom, ticks, py)
    body.append(_x_axis(left, right, bottom, [(v / 100, str(v)) for v in range(0, 101, 20)], top))
    body.append(
        _text(
            (left + right) / 2,
            bottom + 36,
            "Weighted value (0 to 100)",
            size=12,
            text_anchor="middle",
        )
    )
    body.append(
        _text(
            16,
            (top + bottom) / 2,
            npv_label,
            size=12,
            text_anchor="middle",
            transform=f"rotate(-90 16 {(top + bottom) / 2:.1f})",
        )
    )
    for n, (option, fin) in enumerate(points, start=1):
        x, y = px(option.value), py(fin.npv_central)
        fill = SERIES[(n - 1) % len(SERIES)]
        body.append(_el("circle", cx=x, cy=y, r=10, fill=fill, stroke=WHITE, stroke_width=1.5))
        body.append(
            _text(
                x,
                y + 1,
                str(n),
                size=11,
                fill=ink_on(fill),
                text_anchor="middle",
                dominant_baseline="middle",
            )
        )
        lines = wrap(_name(result, option), 24)
        anchor_right = x + 16 + 7 * max(len(line) for line in lines) <= WIDTH
        body.append(
            _lines(
                x + 16 if anchor_right else x - 16,
                y + 1,
                lines,
                size=12,
                text_anchor="start" if anchor_right else "end",
            )
        )
    height = bottom + 50

    best_value = max(points, key=lambda p: p[0].value)[0]
    best_npv = max(points, key=lambda p: p[1].npv_central)
    description = (
        f"Each numbered point is an option, placed by its weighted value (across, 0 to 100) and "
        f"its central net present value to {lead} (up; for a partnership, {lead}'s share). "
        + (
            f"{_name(result, best_value)} has both the highest weighted value and the highest "
            f"central NPV, {money(best_npv[1].npv_central)}."
            if best_value.key == best_npv[0].key
            else f"{_name(result, best_value)} has the highest weighted value, and "
            f"{_name(result, best_npv[0])} has the highest central NPV, "
            f"{money(best_npv[1].npv_central)}."
        )
    )
    headers = ("Point", "Option", WEIGHTED_VALUE, "NPV low", "NPV central", "NPV high")
    rows = tuple(
        (
            str(n),
            _name(result, o),
            format_value(o.value),
            money(f.npv_low),
            money(f.npv_central),
            money(f.npv_high),
        )
        for n, (o, f) in enumerate(points, start=1)
    )
    return Chart(
        title,
        description,
        _svg(chart_id, title, description, height, body),
        headers,
        rows,
        (True, False, True, True, True, True),
    )


# --------------------------------------------------------------------------------------------
# Risk heat map


# The heat maps print two side by side, each 49% of the 172 mm text width (84 mm): drawn
# on a narrower canvas than the other charts, so that their smallest text (12 units) prints
# at 8.2 pt, and every word of the legend falls inside it.
HEAT_MAP_WIDTH = 350
HEAT_MAP_TEXT = 12


def _risk_refs(risks: Sequence[Any]) -> list[str]:
    """Each risk's ID as the register tables print it (R1, R2 ... in the register's order)."""
    return [getattr(r, "ref", "") or f"R{n}" for n, r in enumerate(risks, start=1)]


def risk_heat_map(evaluation: Any, *, residual: bool) -> Chart:
    """The 5 × 5 likelihood × impact matrix, each cell banded and holding its risks' IDs."""
    when = "after controls" if residual else "before controls"
    chart_id = f"chart-risk-{'after' if residual else 'before'}"
    title = f"Risk heat map {when}"
    cutoffs = tuple(getattr(evaluation, "risk_cutoffs", (4, 9, 16)))
    everyone = list(evaluation.risks)
    # An exempt risk's ratings are withheld in the open view (`exempt.open_evaluation`): it
    # is left out, and the figure says so under the chart.
    kept = [(ref, r) for ref, r in zip(_risk_refs(everyone), everyone, strict=True)]
    kept = [(ref, r) for ref, r in kept if not getattr(r, "exempt", False)]
    refs, risks = [ref for ref, _ in kept], [r for _, r in kept]
    withheld = len(everyone) - len(risks)
    placed: dict[tuple[int, int], list[str]] = {}
    for ref, risk in zip(refs, risks, strict=True):
        at = (
            (risk.residual_likelihood, risk.residual_impact)
            if residual
            else (risk.likelihood, risk.impact)
        )
        placed.setdefault(at, []).append(ref)

    size = HEAT_MAP_TEXT
    left, top, cell_w, cell_h = 46, 6, 60, 50
    body = []
    for likelihood in range(5, 0, -1):
        y = top + (5 - likelihood) * cell_h
        body.append(
            _text(
                left - 8,
                y + cell_h / 2,
                str(likelihood),
                size=size,
                text_anchor="end",
                dominant_baseline="middle",
            )
        )
        for impact in range(1, 6):
            x = left + (impact - 1) * cell_w
            band = risk_band(likelihood * impact, cutoffs)
            fill, short = BANDS[band]
            ink = ink_on(fill)
            body.append(
                _el(
                    "rect",
                    x=x,
                    y=y,
                    width=cell_w,
                    height=cell_h,
                    fill=fill,
                    stroke=WHITE,
                    stroke_width=2,
                )
            )
            body.append(_text(x + 4, y + 13, short, size=size, fill=ink))
            labels = placed.get((likelihood, impact), [])
            for i, line in enumerate(_label_rows(labels)):
                body.append(
                    _text(
                        x + cell_w / 2,
                        y + 28 + 14 * i,
                        line,
                        size=size,
                        fill=ink,
                        text_anchor="middle",
                        font_weight=None if line.startswith("+") else "bold",
                    )
                )
    grid_bottom = top + 5 * cell_h
    for impact in range(1, 6):
        body.append(
            _text(
                left + (impact - 0.5) * cell_w,
                grid_bottom + 15,
                str(impact),
                size=size,
                text_anchor="middle",
            )
        )
    body.append(
        _text(left + 2.5 * cell_w, grid_bottom + 31, "Impact", size=size, text_anchor="middle")
    )
    mid = top + 2.5 * cell_h
    body.append(
        _text(
            12,
            mid,
            "Likelihood",
            size=size,
            text_anchor="middle",
            dominant_baseline="middle",
            transform=f"rotate(-90 12 {mid:.1f})",
        )
    )
    # Legend, one row under the grid: each band's swatch (with its letter) and its name.
    ly = grid_bottom + 42
    lx = 4.0
    for band, (fill, short) in BANDS.items():
        body.append(_el("rect", x=lx, y=ly, width=26, height=18, fill=fill, stroke=GRID))
        body.append(
            _text(
                lx + 13,
                ly + 10,
                short,
                size=size,
                fill=ink_on(fill),
                text_anchor="middle",
                dominant_baseline="middle",
            )
        )
        name = band.capitalize()
        body.append(_text(lx + 30, ly + 10, name, size=size, dominant_baseline="middle"))
        lx += 30 + text_width(name, size) + 12
    height = ly + 24

    counts = {band: 0 for band in BANDS}
    rows = []
    for ref, risk in zip(refs, risks, strict=True):
        rating = risk.after if residual else risk.before
        lk, im = (
            (risk.residual_likelihood, risk.residual_impact)
            if residual
            else (risk.likelihood, risk.impact)
        )
        counts[rating.band] += 1
        rows.append(
            (
                ref,
                risk.risk,
                risk.option_name,
                str(lk),
                str(im),
                str(rating.score),
                rating.band.capitalize(),
            )
        )
    if risks:
        bands = [(band, count) for band, count in counts.items() if count]
        if len(risks) == 1:
            tally = f"one risk, rated {bands[0][0]}"
        elif len(bands) == 1:
            tally = f"{len(risks)} risks, all rated {bands[0][0]}"
        else:
            tally = f"{len(risks)} risks, " + join_names([f"{n} {band}" for band, n in bands])
        description = (
            f"A 5 by 5 grid of likelihood (up) against impact (across) {when}, each cell "
            f"labelled with its risks: {tally}."
        )
    elif withheld:
        description = f"A 5 by 5 grid of likelihood against impact {when}: no open risks."
    else:
        description = f"A 5 by 5 grid of likelihood against impact {when}: no risks recorded yet."
    if withheld:
        description += f" {exempt.withheld_note(withheld)}"
    headers = (
        "Label",
        "Risk",
        "Applies to",
        "Likelihood (1 to 5)",
        "Impact (1 to 5)",
        "Rating (out of 25)",
        "Band",
    )
    return Chart(
        title,
        description,
        _svg(chart_id, title, description, height, body, width=HEAT_MAP_WIDTH),
        headers,
        tuple(rows),
        (False, False, False, True, True, True, False),
    )


def _label_rows(labels: Sequence[str]) -> list[str]:
    """Risk IDs in a heat map cell: two a line, at most two lines (then "+n more")."""
    lines = [" ".join(labels[i : i + 2]) for i in range(0, len(labels), 2)]
    if len(lines) > 2:
        lines = lines[:1] + [f"+{len(labels) - 2} more"]
    return lines


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of the width of `text` set in Arial (Liberation Sans) at `size`:
    0.6 em a character, 0.65 em bold (Arial's widest letters and figures are 0.56 and 0.61
    em), so that what is placed by it is never cut."""
    return len(text) * size * (0.65 if bold else 0.6)


# --------------------------------------------------------------------------------------------
# Benefits realisation: savings a year against the plan and the target's trajectory


def trajectory_chart(plan: Any) -> Chart:
    """Savings a year by year: the financial case's low-to-high range (a band) and central
    line, the savings target's trajectory (dashed) and the actual savings entered so far.
    `plan` is a `benefits.Benefits`. Each line has its own marker as well as its colour."""
    chart_id = "chart-savings-trajectory"
    title = f"Savings a year from {plan.option_name}, against the plan and the target"
    rows = list(plan.rows)
    if not rows:
        return _message(chart_id, title, "The chosen option has no financial case to chart.")
    left, right, top, bottom = 110, WIDTH - 20, 56, 300
    values = [0.0]
    for r in rows:
        values += [r.savings_low, r.savings_high, r.savings_central]
        values += [r.target] if r.target is not None else []
        values += [r.actual.savings] if r.actual is not None else []
    ticks = nice_ticks(min(values), max(values))
    y_low, y_high = ticks[0], ticks[-1]
    count = len(rows)

    def px(year: int) -> float:
        return left + (right - left) * (year + 0.5) / count

    def py(value: float) -> float:
        return bottom - (bottom - top) * (value - y_low) / (y_high - y_low)

    body = _money_grid(left, right, top, bottom, ticks, py)
    for r in rows:
        body.append(_text(px(r.year), bottom + 18, f"Year {r.year}", size=12, text_anchor="middle"))
    body.append(
        _text(
            16,
            (top + bottom) / 2,
            f"Savings a year to {plan.lead}" if len(plan.lead) <= 30 else "Savings a year",
            size=12,
            text_anchor="middle",
            transform=f"rotate(-90 16 {(top + bottom) / 2:.1f})",
        )
    )
    # The range, drawn first so that the lines lie over it.
    band = [(px(r.year), py(r.savings_high)) for r in rows] + [
        (px(r.year), py(r.savings_low)) for r in reversed(rows)
    ]
    body.append(
        _el(
            "polygon",
            points=" ".join(f"{x:.1f},{y:.1f}" for x, y in band),
            fill="#d2e2f1",
            stroke="none",
        )
    )

    def line(points: list[tuple[float, float]], colour: str, **attrs: Any) -> str:
        if len(points) < 2:
            return ""
        attrs.setdefault("stroke_width", 2.5)
        return _el(
            "polyline",
            points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
            fill="none",
            stroke=colour,
            **attrs,
        )

    central = [(px(r.year), py(r.savings_central)) for r in rows]
    body.append(line(central, SERIES[0]))
    body += [_el("circle", cx=x, cy=y, r=4, fill=SERIES[0]) for x, y in central]
    target = [(px(r.year), py(r.target)) for r in rows if r.target is not None]
    body.append(line(target, INK, stroke_dasharray="7 4"))
    body += [
        _el("rect", x=x - 4, y=y - 4, width=8, height=8, fill=WHITE, stroke=INK, stroke_width=1.5)
        for x, y in target
    ]
    actual = [(px(r.year), py(r.actual.savings)) for r in rows if r.actual is not None]
    body.append(line(actual, SERIES[1], stroke_width=3))
    body += [
        _el(
            "polygon",
            points=f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} "
            f"{x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}",
            fill=SERIES[1],
            stroke=WHITE,
            stroke_width=1,
        )
        for x, y in actual
    ]
    # The legend, above the plot: a marker and a name for each series.
    legend = [
        ("circle", SERIES[0], "Central case"),
        ("band", "#d2e2f1", "Low to high range"),
        ("square", INK, "Target trajectory"),
        ("diamond", SERIES[1], "Actual savings"),
    ]
    x = left
    for shape, colour, name in legend:
        y = 24
        if shape == "circle":
            body.append(_el("circle", cx=x + 7, cy=y, r=5, fill=colour))
        elif shape == "band":
            body.append(_el("rect", x=x, y=y - 6, width=14, height=12, fill=colour, stroke=GRID))
        elif shape == "square":
            body.append(
                _el("rect", x=x + 2, y=y - 5, width=10, height=10, fill=WHITE, stroke=colour)
            )
        else:
            body.append(
                _el(
                    "polygon",
                    points=f"{x + 7},{y - 7} {x + 14},{y} {x + 7},{y + 7} {x},{y}",
                    fill=colour,
                )
            )
        body.append(_text(x + 20, y, name, size=12, dominant_baseline="middle"))
        x += 20 + text_width(name, 12) + 14
    height = bottom + 34

    last = plan.actuals[-1] if plan.actuals else None
    sentences = [
        f"Savings a year to {plan.lead} for each year of the financial case: the central case "
        f"as a line of circles inside the low-to-high range"
        + (", the savings target's trajectory dashed with squares" if target else "")
        + (", and the actual savings as diamonds." if actual else ".")
    ]
    if last is not None and last.actual is not None:
        sentences.append(
            f"In year {last.year} the actual savings were {money(last.actual.savings)}, "
            f"against {money(last.savings_central)} in the central case"
            + (f" and {money(last.target)} on the target's trajectory." if last.target else ".")
        )
    else:
        sentences.append("No actual savings have been entered yet.")
    description = " ".join(sentences)
    headers = ("Year", "Target", "Low", "Central", "High", "Actual")
    table = tuple(
        (
            f"Year {r.year}",
            money(r.target) if r.target is not None else "–",
            money(r.savings_low),
            money(r.savings_central),
            money(r.savings_high),
            money(r.actual.savings) if r.actual is not None else "Not entered",
        )
        for r in rows
    )
    return Chart(
        title,
        description,
        _svg(chart_id, title, description, height, body),
        headers,
        table,
        (False, True, True, True, True, True),
    )
