"""The committee report: a council paper built from the appraisal, rendered to PDF.

`build_report` turns an `results.Evaluation` (every computed figure) and the officer's
narrative (plain text, escaped on output) into numbered sections and appendices;
`render_html` puts them through one template with print CSS; `render_committee_report`
writes the PDF with WeasyPrint, tagged as PDF/UA-1, through a URL fetcher that serves only
our own static files. Nothing here computes a result: figures come from the engine through
`results.evaluate`, and are only formatted.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from . import charts
from .explain import format_percent, format_score, format_value, join_names
from .models import Appraisal, DeliveryModel
from .report_pdf import write_pdf
from .results import Evaluation, evaluate
from .templatetags.councilopts import pounds

TEMPLATE = "reports/committee_report.html"
STYLESHEETS = ("reports/report.css",)
DRAFT_STYLESHEET = "reports/draft.css"
# Bump when the report's content or layout changes in a way the template files do not show.
RENDERER_VERSION = "2"


# --------------------------------------------------------------------------------------------
# Narrative: the sections officers write, as plain text


@dataclass(frozen=True)
class NarrativeSection:
    key: str
    title: str
    hint: str


NARRATIVE_SECTIONS: tuple[NarrativeSection, ...] = (
    NarrativeSection("purpose", "Purpose of the report", "Why the report comes to committee."),
    NarrativeSection(
        "summary", "Executive summary", "The appraisal and its result in a few paragraphs."
    ),
    NarrativeSection(
        "recommendations",
        "Recommendations",
        "One paragraph a recommendation, each a resolution members can pass: "
        "“That the Council approves …”. Separate them with a blank line.",
    ),
    NarrativeSection("reasons", "Reasons for the recommendations", ""),
    NarrativeSection("background", "Background", "How the council came to appraise this."),
    NarrativeSection(
        "options",
        "Options considered",
        "Your commentary; the ranking, charts, panels and sensitivity are added from the "
        "appraisal.",
    ),
    NarrativeSection(
        "rejected",
        "Other options considered and rejected",
        "Each rejected option and its reason are added from the options list.",
    ),
    NarrativeSection(
        "financial",
        "Financial implications",
        "Costs, savings, net present values and payback are added from the financial case.",
    ),
    NarrativeSection("legal", "Legal implications and powers", ""),
    NarrativeSection(
        "risk", "Risk analysis", "The risk table and heat map are added from the risk register."
    ),
    NarrativeSection("equalities", "Equalities", ""),
    NarrativeSection("human_resources", "Human resources", "Staff, TUPE, unions."),
    NarrativeSection("environmental", "Environmental", ""),
    NarrativeSection(
        "crime_disorder", "Crime and disorder", "Section 17 of the Crime and Disorder Act 1998."
    ),
    NarrativeSection(
        "consultation",
        "Consultation",
        "Staff, unions, members, partners, residents; the panels who scored are added.",
    ),
    NarrativeSection("background_papers", "Background papers", "One paper a line."),
    NarrativeSection("contact", "Contact officer", "Name, post, telephone and email, one a line."),
)
NARRATIVE_KEYS = tuple(s.key for s in NARRATIVE_SECTIONS)
_TITLES = {s.key: s.title for s in NARRATIVE_SECTIONS}
NOT_WRITTEN = "[Not yet written.]"
SAID_IN_BODY = 12  # reasons quoted in the consultation section; Appendix A has them all

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_DECIMAL = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_ALPHA = re.compile(r"^\s*\(?([a-z])\)\s+(.*)$")


@dataclass(frozen=True)
class Part:
    """A run of lines (kept as line breaks) or a simple list within one paragraph."""

    lines: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    style: str = ""  # for lists: "bullet", "decimal" or "alpha"


# Sections where officers write one item a line (recommendations, reasons): each line is a
# paragraph of its own, as members vote on each.
ONE_PER_LINE = frozenset({"recommendations", "reasons"})


def parse_narrative(text: str, *, one_per_line: bool = False) -> list[tuple[Part, ...]]:
    """Plain text → paragraphs (separated by blank lines), each a sequence of parts.

    Lines starting "- ", "* " or "• " are bullet items; "1. " or "1) " numbered items;
    "(a) " or "a) " lettered ones. Everything else is text, its line breaks kept (addresses),
    or with `one_per_line` each line of text starts a paragraph (list items stay with it). A
    list that starts a block continues the paragraph before it, if there is one.
    Nothing is interpreted as markup: the template escapes every string.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if one_per_line:
        lines = []
        for raw in text.split("\n"):
            if raw.strip() and not raw[:1].isspace() and _list_item(raw.strip()) is None:
                lines.append("")
            lines.append(raw)
        text = "\n".join(lines)
    paragraphs: list[tuple[Part, ...]] = []
    for block in re.split(r"\n\s*\n", text):
        parts = _parse_block(block)
        if parts and parts[0].items and paragraphs:
            # A list after a blank line belongs to the paragraph above ("The options are:"):
            # as a paragraph of its own it would take a number and print none.
            paragraphs[-1] += parts
        elif parts:
            paragraphs.append(parts)
    return paragraphs


def _list_item(line: str) -> tuple[str, str] | None:
    for pattern, style in ((_BULLET, "bullet"), (_DECIMAL, "decimal"), (_ALPHA, "alpha")):
        match = pattern.match(line)
        if match:
            return style, match.groups()[-1].strip()
    return None


def _parse_block(block: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    run: list[str] = []  # the current run of text lines or list items
    style = ""  # "" while the run is text lines
    for raw in block.split("\n"):
        line = raw.strip()
        if not line:
            continue
        item = _list_item(line)
        if item is None and style and raw[:1].isspace():
            run[-1] = f"{run[-1]} {line}"  # an indented line continues the list item
            continue
        kind = "" if item is None else item[0]
        if run and kind != style:
            parts.append(Part(items=tuple(run), style=style) if style else Part(lines=tuple(run)))
            run = []
        style = kind
        run.append(line if item is None else item[1])
    if run:
        parts.append(Part(items=tuple(run), style=style) if style else Part(lines=tuple(run)))
    return tuple(parts)


# --------------------------------------------------------------------------------------------
# The report's structure: sections of numbered paragraphs, tables and charts


@dataclass(frozen=True)
class Para:
    number: str
    parts: tuple[Part, ...]
    strong: bool = False
    kind: str = "para"


@dataclass(frozen=True)
class Column:
    label: str
    cls: str = ""  # a width class (w-20) and "num" for figures


@dataclass(frozen=True)
class Cell:
    text: str
    cls: str = ""


@dataclass(frozen=True)
class Row:
    header: str
    cells: tuple[Cell, ...]
    cls: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[Column, ...]  # the first is the row header's
    rows: tuple[Row, ...]
    cls: str = ""
    kind: str = "table"


@dataclass(frozen=True)
class Figure:
    chart: Any  # charts.Chart
    cls: str = ""  # "half": two side by side
    kind: str = "chart"


@dataclass(frozen=True)
class WarningText:
    text: str
    kind: str = "warning"


@dataclass(frozen=True)
class Subheading:
    text: str
    kind: str = "subheading"


@dataclass
class Section:
    number: str  # "3" for a section, "A" for an appendix
    key: str
    title: str
    blocks: list[Any] = field(default_factory=list)
    _count: int = 0

    def para(self, *parts: Part | str, strong: bool = False) -> None:
        self._count += 1
        self.blocks.append(
            Para(f"{self.number}.{self._count}", tuple(_part(p) for p in parts), strong)
        )

    def text(self, text: str, *, strong: bool = False, placeholder: bool = True) -> bool:
        """The officer's narrative as numbered paragraphs; False if there was none."""
        paragraphs = parse_narrative(text, one_per_line=self.key in ONE_PER_LINE)
        for parts in paragraphs:
            self.para(*parts, strong=strong)
        if not paragraphs and placeholder:
            self.para(NOT_WRITTEN)
        return bool(paragraphs)

    def add(self, block: Any) -> None:
        if block is not None:
            self.blocks.append(block)


def _part(value: Part | str) -> Part:
    return value if isinstance(value, Part) else Part(lines=(value,))


@dataclass(frozen=True)
class HeaderRow:
    label: str
    value: str


@dataclass(frozen=True)
class Report:
    council: str
    committee: str
    title: str
    reference: str
    header: tuple[HeaderRow, ...]
    sections: tuple[Section, ...]
    appendices: tuple[Section, ...]
    draft: bool
    mark: str  # "DRAFT …" or "Version 2, issued …", on every page
    author: str
    description: str
    created: str  # W3C date-time for the PDF metadata


# --------------------------------------------------------------------------------------------
# Formatting


def _date(value: str | dt.date | None) -> str:
    if not value:
        return "Not set"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return date_format(value, "j F Y")


def _value(x: float | None) -> str:
    return "–" if x is None else format_value(x)


def _signed(x: float | None) -> str:
    if x is None:
        return "–"
    text = format_value(x)
    return text if text.startswith("-") or text == "0.0" else f"+{text}"


def _years(x: float | None) -> str:
    return "Never" if x is None else f"{x:.1f} years"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _width_classes(*widths: int) -> tuple[str, ...]:
    return tuple(f"w-{w}" for w in widths)


def _columns(spec: Sequence[tuple[str, str]]) -> tuple[Column, ...]:
    return tuple(Column(label, cls) for label, cls in spec)


# --------------------------------------------------------------------------------------------
# Building the report from an evaluation


def build_report(
    evaluation: Evaluation,
    *,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
    models: Mapping[str, DeliveryModel] | None = None,
) -> Report:
    """Every section and appendix, in the order of a council paper. `models` are the
    catalogue entries of the options' delivery models (looked up if not given)."""
    doc = evaluation.document
    report = doc.get("report") or {}
    narrative: Mapping[str, str] = report.get("narrative") or {}
    committee = doc.get("committee") or {}
    if models is None:
        keys = {o["delivery_model"] for o in doc["options"]}
        models = {m.key: m for m in DeliveryModel.objects.filter(key__in=keys)}
    when = issued_at or timezone.now()
    if draft:
        mark = f"Draft rendered {_date(timezone.localdate(when))}"
    else:
        mark = f"Version {version}, issued {_date(timezone.localdate(when))}"

    builder = _Builder(evaluation, narrative, models)
    sections = builder.sections()
    appendices = builder.appendices()
    status = "Open"
    if report.get("status") == Appraisal.ReportStatus.EXEMPT:
        status = (
            "Exempt: not for publication by virtue of paragraph "
            f"{report.get('exempt_paragraph')} of Part 1 of Schedule 12A to the Local "
            "Government Act 1972"
        )
    purpose = (
        "For information"
        if report.get("purpose") == Appraisal.ReportPurpose.INFORMATION
        else "For decision"
    )
    header = (
        HeaderRow("Committee", committee.get("name") or "Not set"),
        HeaderRow("Date of meeting", _date(committee.get("meeting_date"))),
        HeaderRow("Agenda item", committee.get("agenda_item") or "Not set"),
        HeaderRow("Status", status),
        HeaderRow("Decision or information", purpose),
        HeaderRow("Title", doc["title"]),
        HeaderRow("Report author", report.get("author") or "Not set"),
        HeaderRow("Portfolio holder", report.get("portfolio_holder") or "Not set"),
        HeaderRow("Officers consulted", report.get("officers_consulted") or "None recorded"),
        HeaderRow("Wards affected", report.get("wards_affected") or "All"),
        HeaderRow("Key decision", "Yes" if report.get("key_decision") else "No"),
    )
    return Report(
        council=doc["lead_authority"],
        committee=committee.get("name") or "",
        title=doc["title"],
        reference=doc["reference"],
        header=header,
        sections=tuple(sections),
        appendices=tuple(appendices),
        draft=draft,
        mark=mark,
        author=report.get("author") or doc["lead_authority"],
        description=f"Report to {committee.get('name') or 'committee'}, {doc['lead_authority']}",
        created=when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def preview_section(evaluation: Evaluation, key: str, text: str) -> Section:
    """Narrative section `key` as the report would print it if its text were `text` (not yet
    saved): numbered paragraphs and lists, and the parts added from the appraisal."""
    doc = evaluation.document
    narrative = {**((doc.get("report") or {}).get("narrative") or {}), key: text}
    keys = {o["delivery_model"] for o in doc["options"]}
    models = {m.key: m for m in DeliveryModel.objects.filter(key__in=keys)}
    return next(s for s in _Builder(evaluation, narrative, models).sections() if s.key == key)


class _Builder:
    """Builds the sections from one evaluation; each method is one section."""

    def __init__(
        self,
        evaluation: Evaluation,
        narrative: Mapping[str, str],
        models: Mapping[str, DeliveryModel],
    ) -> None:
        self.e = evaluation
        self.doc = evaluation.document
        self.r = evaluation.result
        self.narrative = narrative
        self.models = models
        self.options = {o["key"]: o for o in self.doc["options"]}
        self.shortlisted = [o for o in self.doc["options"] if o.get("status") == "shortlisted"]
        self.rejected = [o for o in self.doc["options"] if o.get("status") == "rejected"]
        self.longlisted = [o for o in self.doc["options"] if o.get("status") == "longlisted"]
        self.number = 0

    # Sections ------------------------------------------------------------------------------

    def section(self, key: str, title: str | None = None) -> Section:
        self.number += 1
        return Section(str(self.number), key, title or _TITLES[key])

    def sections(self) -> list[Section]:
        return [
            self.purpose(),
            self.summary(),
            self.recommendations(),
            self.plain("reasons"),
            self.background(),
            self.options_considered(),
            self.rejected_options(),
            self.financial(),
            self.plain("legal"),
            self.risk(),
            self.plain("equalities"),
            self.plain("human_resources"),
            self.plain("environmental"),
            self.plain("crime_disorder"),
            self.consultation(),
            self.plain("background_papers"),
            self.contact(),
        ]

    def plain(self, key: str) -> Section:
        s = self.section(key)
        s.text(self.narrative.get(key, ""))
        return s

    def leader_name(self) -> str | None:
        return None if self.r.leader is None else self.e.option_names[self.r.leader]

    def purpose(self) -> Section:
        s = self.section("purpose")
        if not s.text(self.narrative.get("purpose", ""), placeholder=False):
            services = join_names(self.doc.get("services") or []) or "the services in scope"
            s.para(
                f"This report sets out the appraisal of how {services} could be delivered in "
                f"future and asks members to decide on the way forward."
            )
        return s

    def summary(self) -> Section:
        s = self.section("summary")
        s.text(self.narrative.get("summary", ""), placeholder=False)
        for sentence in self.e.explanations[:1]:
            s.para(sentence)
        if self.close_call_sentences():
            s.add(WarningText(self.close_call_sentences()[0]))
        return s

    def recommendations(self) -> Section:
        s = self.section("recommendations")
        if not s.text(self.narrative.get("recommendations", ""), strong=True, placeholder=False):
            leader = self.leader_name()
            if leader:
                s.para(
                    f"That {leader} is taken forward as the preferred option, and a full "
                    "business case brought back to members before any decision to implement.",
                    strong=True,
                )
            else:
                s.para(NOT_WRITTEN)
        return s

    def background(self) -> Section:
        s = self.section("background")
        s.text(self.narrative.get("background", ""), placeholder=False)
        summary = self.doc.get("summary") or ""
        if summary:
            s.text(summary, placeholder=False)
        objectives = self.doc.get("objectives") or []
        if objectives:
            s.para(
                "Any option taken forward must deliver against these objectives:",
                Part(items=tuple(objectives), style="bullet"),
            )
        target = self.doc.get("savings_target")
        if target and target.get("amount"):
            year = target.get("year")
            within = "" if year is None else f" by year {year} of the financial case"
            s.para(f"The savings target is {pounds(target['amount'])} a year{within}.")
        if len(s.blocks) == 0:
            s.para(NOT_WRITTEN)
        return s

    def options_considered(self) -> Section:
        s = self.section("options")
        s.text(self.narrative.get("options", ""), placeholder=False)
        doc, r = self.doc, self.r
        criteria, panels = doc["criteria"], doc.get("panels") or []
        scale = doc["scale"]
        s.para(
            f"{_plural(len(self.shortlisted), 'option')} were short-listed and scored against "
            f"{_plural(len(criteria), 'criterion', 'criteria')} by "
            f"{_plural(len(panels), 'panel')}"
            + (f" ({join_names([p['name'] for p in panels])})" if panels else "")
            + f". Scores on the scale of {format_score(scale['min'])} to "
            f"{format_score(scale['max'])} are turned into 0 to 100 and weighted, so an "
            "option's weighted value is out of 100. Appendix A gives every score and its "
            "reason; Appendix B the weights."
        )
        for o in self.shortlisted:
            s.para(self.option_line(o))
        s.add(self.ranking_table())
        s.add(_figure(charts.contribution_chart(self.e)))
        if len(panels) > 1:
            s.add(self.panel_table())
        close = set(self.close_call_sentences())
        for sentence in self.e.explanations[1:]:
            if sentence in close:
                s.add(WarningText(sentence))
            else:
                s.para(sentence)
        if r.rank_acceptability is not None and r.leader is not None:
            s.add(_figure(charts.acceptability_chart(self.e)))
        return s

    def option_line(self, o: Mapping[str, Any]) -> str:
        model = self.models.get(o["delivery_model"])
        text = f"{o['name']} ({model.name if model else o['delivery_model']}"
        if o.get("partners"):
            text += f", with {join_names(o['partners'])}"
        text += ")"
        if o.get("baseline"):
            text += ": the baseline the other options are measured against"
        text += "."
        if o.get("description"):
            text += f" {o['description']}"
        return text

    def close_call_sentences(self) -> list[str]:
        return [x for x in self.e.explanations if x.startswith("This is a close call")]

    def ranking_table(self) -> Table:
        r = self.r
        order = list(r.ranking) + [o for o in r.options if o.rank is None]
        rows = []
        for o in order:
            if self.options.get(o.key, {}).get("status") != "shortlisted":
                continue
            note = (
                "Yes"
                if o.complete
                else "No: "
                + join_names([self.e.criterion_name(k) for k in o.missing[:3]])
                + (" …" if len(o.missing) > 3 else "")
            )
            if o.baseline:
                note = ("Baseline; " + note[0].lower() + note[1:]) if o.complete else note
            rows.append(
                Row(
                    o.name,
                    (
                        Cell("–" if o.rank is None else str(o.rank), "num"),
                        Cell(_value(o.value), "num"),
                        Cell("–" if o.baseline else _signed(o.vs_baseline), "num"),
                        Cell(note),
                    ),
                    "leader" if o.key == r.leader else "",
                )
            )
        return Table(
            "Table 1: Options ranked by weighted value (out of 100)",
            _columns(
                [
                    ("Option", "w-36"),
                    ("Rank", "w-10 num"),
                    ("Weighted value", "w-14 num"),
                    ("Against the baseline", "w-16 num"),
                    ("Every criterion scored", "w-24"),
                ]
            ),
            tuple(rows),
            "keep",
        )

    def panel_table(self) -> Table:
        r = self.r
        panels = r.panels
        width = max(8, 64 // (len(panels) + 1))
        by_panel = {p.key: {po.option: po for po in p.options} for p in panels}
        rows = []
        for o in r.options:
            if not o.candidate:
                continue
            cells = []
            for p in panels:
                po = by_panel[p.key].get(o.key)
                if po is None or po.value is None:
                    cells.append(Cell("Not scored", "num"))
                else:
                    rank = f" ({po.rank})" if po.rank is not None else ""
                    cells.append(Cell(f"{format_value(po.value)}{rank}", "num"))
            rank = f" ({o.rank})" if o.rank is not None else ""
            cells.append(Cell(f"{_value(o.value)}{rank}", "num"))
            rows.append(Row(o.name, tuple(cells)))
        columns = [Column("Option", "w-36")]
        columns += [Column(p.name, f"w-{width} num") for p in panels]
        columns.append(Column("All panels", f"w-{width} num"))
        return Table(
            "Table 2: Each panel's weighted values (rank in brackets)",
            tuple(columns),
            tuple(rows),
            "keep",
        )

    def rejected_options(self) -> Section:
        s = self.section("rejected")
        s.text(self.narrative.get("rejected", ""), placeholder=False)
        for o in self.rejected:
            s.para(f"{o['name']}: {o.get('rejection_reason') or 'no reason recorded'}")
        for o in self.longlisted:
            s.para(f"{o['name']} was long-listed but not short-listed for scoring.")
        if not s.blocks:
            s.para("No other options were considered.")
        return s

    def financial(self) -> Section:
        s = self.section("financial")
        s.text(self.narrative.get("financial", ""), placeholder=False)
        money = self.e.finance
        fin = self.doc.get("finance") or {}
        if not money:
            if not s.blocks:
                s.para("No financial case has been recorded for the options.")
            return s
        years = max(len(f.net) for f in money.values())
        bias = float(fin.get("optimism_bias") or 0)
        s.para(
            f"Net present values are over {_plural(years, 'year')} at a discount rate of "
            f"{format_percent(float(fin.get('discount_rate') or 0))} (HM Treasury Green Book)"
            + (f", with an optimism-bias uplift of {format_percent(bias)} on costs" if bias else "")
            + ". Low, central and high use the low, central and high savings estimates; "
            "payback uses the central estimate."
        )
        cases = (fin.get("options") or {}) if isinstance(fin, Mapping) else {}
        rows = []
        target = bool(self.doc.get("savings_target"))
        for key, f in money.items():
            savings = (cases.get(key) or {}).get("savings") or {}
            low = (savings.get("low") or savings.get("central") or [0])[-1]
            high = (savings.get("high") or savings.get("central") or [0])[-1]
            cells = [
                Cell(pounds(f.one_off_costs), "num"),
                Cell(f"{pounds(low)} to {pounds(high)}", "num"),
                Cell(pounds(f.npv_low), "num"),
                Cell(pounds(f.npv_central), "num"),
                Cell(pounds(f.npv_high), "num"),
                Cell(_years(f.payback_years), "num"),
            ]
            if target:
                cells.append(
                    Cell("–" if f.target_share is None else format_percent(f.target_share), "num")
                )
            rows.append(Row(self.e.option_name(key), tuple(cells)))
        columns = [
            ("Option", "w-17" if target else "w-22"),
            ("One-off costs", "w-10 num" if target else "w-11 num"),
            ("Savings a year when in full", "w-18 num" if target else "w-19 num"),
            ("NPV low", "w-12 num"),
            ("NPV central", "w-12 num"),
            ("NPV high", "w-12 num"),
            ("Payback", "w-9 num" if target else "w-12 num"),
        ]
        if target:
            columns.append(("Share of savings target", "w-10 num"))
        s.add(
            Table(
                "Table 3: The financial case for each option",
                _columns(columns),
                tuple(rows),
                "compact keep",
            )
        )
        s.add(_figure(charts.value_for_money_chart(self.e)))
        for key, f in money.items():
            name = self.e.option_name(key)
            if f.savings_fall_to_zero is not None and f.savings_fall_to_zero > 0:
                s.para(
                    f"The central savings for {name} could fall by "
                    f"{format_percent(f.savings_fall_to_zero)} before its net present value "
                    "fell to zero."
                )
            elif f.npv_central < 0:
                s.para(f"{name} does not pay for itself over the period on central savings.")
            if f.partner_shares:
                shares = [
                    f"{partner} {format_percent(share.share)} ({pounds(share.npv_central)})"
                    for partner, share in f.partner_shares.items()
                ]
                s.para(
                    f"The savings of {name} are shared between the partners: "
                    f"{join_names(shares)} of the central net present value."
                )
        return s

    def risk(self) -> Section:
        s = self.section("risk")
        s.text(self.narrative.get("risk", ""), placeholder=False)
        risks = self.e.risks
        if not risks:
            if not s.blocks:
                s.para("No risks have been recorded.")
            return s
        s.para(
            f"{_plural(len(risks), 'risk')} {'is' if len(risks) == 1 else 'are'} recorded. "
            "Likelihood and impact are each rated 1 (lowest) to 5 (highest); the rating is "
            "their product, banded low, medium, high or very high. Appendix D gives the full "
            "register with owners."
        )
        rows = tuple(
            Row(
                rv.risk,
                (
                    Cell(rv.consequences or "–"),
                    Cell(str(rv.likelihood), "num"),
                    Cell(str(rv.impact), "num"),
                    Cell(rv.controls or "None recorded"),
                    Cell(f"{rv.after.score} ({rv.after.band})", f"band-{_slug(rv.after.band)}"),
                ),
            )
            for rv in risks
        )
        s.add(
            Table(
                "Table 4: Risks, their control measures and rating after controls",
                _columns(
                    [
                        ("Risk", "w-21"),
                        ("Consequences", "w-21"),
                        ("Likelihood", "w-11 num"),
                        ("Impact", "w-8 num"),
                        ("Control measures", "w-24"),
                        ("Rating after controls", "w-15"),
                    ]
                ),
                rows,
            )
        )
        s.add(_figure(charts.risk_heat_map(self.e, residual=False), "half"))
        s.add(_figure(charts.risk_heat_map(self.e, residual=True), "half"))
        return s

    def consultation(self) -> Section:
        s = self.section("consultation")
        s.text(self.narrative.get("consultation", ""), placeholder=False)
        doc, r = self.doc, self.r
        panels = doc.get("panels") or []
        if not panels:
            if not s.blocks:
                s.para(NOT_WRITTEN)
            return s
        cells = len(doc["criteria"]) * len(self.shortlisted)
        scored: dict[str, int] = {}
        shortlisted = {o["key"] for o in self.shortlisted}
        for score in doc.get("scores") or []:
            if score["option"] in shortlisted:
                scored[score["panel"]] = scored.get(score["panel"], 0) + 1
        results = {p.key: p for p in r.panels}
        for p in panels:
            pr = results.get(p["key"])
            who = _the_panel(p["name"], capital=True)
            line = f"{who} scored {scored.get(p['key'], 0)} of {cells} cells"
            top = pr.ranking[0] if pr is not None and pr.ranking else None
            if top is not None and top.value is not None:
                line += (
                    f" and ranked {self.e.option_name(top.option)} first, with "
                    f"{format_value(top.value)}"
                )
            s.para(line + ".")
        if r.leader is not None:
            said = self.reasons_for(r.leader)
            if said:
                shown = said[:SAID_IN_BODY]
                more = len(said) - len(shown)
                s.para(
                    f"What the panels said about {self.leader_name()}, the leading option"
                    + (f" ({more} more reasons are in Appendix A):" if more else ":"),
                    Part(items=tuple(shown), style="bullet"),
                )
        return s

    def reasons_for(self, option: str) -> list[str]:
        return [
            f"{self.e.panel_name(x['panel'])}, {self.e.criterion_name(x['criterion'])} "
            f"({format_score(x['score'])}): {x['reason']}"
            for x in self.doc.get("scores") or []
            if x["option"] == option and x.get("reason")
        ]

    def contact(self) -> Section:
        s = self.section("contact")
        if not s.text(self.narrative.get("contact", ""), placeholder=False):
            author = (self.doc.get("report") or {}).get("author")
            s.para(author or NOT_WRITTEN)
        return s

    # Appendices ----------------------------------------------------------------------------

    def appendix(self, letter: str, key: str, title: str) -> Section:
        return Section(letter, key, title)

    def appendices(self) -> list[Section]:
        return [
            self.score_matrix(),
            self.weights(),
            self.sensitivity(),
            self.risk_register(),
            self.delivery_models(),
        ]

    def score_matrix(self) -> Section:
        s = self.appendix("A", "scores", "Scores by panel, with reasons")
        doc = self.doc
        criteria = doc["criteria"]
        options = self.shortlisted
        s.para(
            f"Each panel scored each short-listed option on each criterion on the scale of "
            f"{format_score(doc['scale']['min'])} to {format_score(doc['scale']['max'])}. "
            "A dash means no score was given. The reasons follow each panel's scores, "
            "where the panel gave one."
        )
        by_panel: dict[str, dict[tuple[str, str], Mapping[str, Any]]] = {}
        for x in doc.get("scores") or []:
            by_panel.setdefault(x["panel"], {})[(x["option"], x["criterion"])] = x
        for p in doc.get("panels") or []:
            cells = by_panel.get(p["key"], {})
            s.add(
                Subheading(
                    f"A.{len([b for b in s.blocks if b.kind == 'subheading']) + 1} {p['name']}"
                )
            )
            for first, chunk in _columns_of(options, 6):
                width = 70 // len(chunk)
                rows = tuple(
                    Row(
                        c["name"],
                        tuple(
                            Cell(
                                format_score(cells[(o["key"], c["key"])]["score"])
                                if (o["key"], c["key"]) in cells
                                else "–",
                                "num",
                            )
                            for o in chunk
                        ),
                    )
                    for c in criteria
                )
                part = ""
                if len(chunk) < len(options):
                    last = first + len(chunk) - 1
                    part = f" (option {first})" if last == first else f" (options {first}–{last})"
                s.add(
                    Table(
                        f"Scores given by {_the_panel(p['name'])}{part}",
                        (Column("Criterion", "w-30"),)
                        + tuple(Column(o["name"], f"w-{width} num") for o in chunk),
                        rows,
                        "compact",
                    )
                )
            # One short table an option: long tables cost WeasyPrint far more to break
            # across pages, and the option need not be repeated on every row.
            for o in options:
                reasons = tuple(
                    Row(
                        c["name"],
                        (
                            Cell(format_score(cells[(o["key"], c["key"])]["score"]), "num"),
                            Cell(cells[(o["key"], c["key"])]["reason"]),
                        ),
                    )
                    for c in criteria
                    if cells.get((o["key"], c["key"]), {}).get("reason")
                )
                if reasons:
                    s.add(
                        Table(
                            f"Reasons given by {_the_panel(p['name'])} for {o['name']}",
                            _columns(
                                [("Criterion", "w-28"), ("Score", "w-8 num"), ("Reason", "w-64")]
                            ),
                            reasons,
                            "compact",
                        )
                    )
        return s

    def weights(self) -> Section:
        s = self.appendix("B", "weights", "Weights and how they were set")
        doc, r = self.doc, self.r
        method = (doc.get("weighting") or {}).get("method") or "direct"
        how = {
            "direct": "entered directly: each criterion was given a weight, and the weights "
            "were scaled to add up to 100 %",
            "swing": "set by swing weighting: the criterion whose swing from worst to best "
            "matters most was given 100 points and each other criterion points against it; "
            "the points were scaled to add up to 100 %",
            "pairwise": "derived from pairwise comparisons on Saaty's 1 to 9 scale (the "
            "principal eigenvector of the comparison matrix)",
        }[method]
        s.para(f"The weights were {how}.")
        if r.consistency is not None and method == "pairwise":
            verdict = "above" if r.consistency.flagged else "within"
            s.para(
                f"The consistency ratio of the comparisons is {r.consistency.ratio:.2f}, "
                f"{verdict} the 0.10 that is usually accepted."
            )
        rows = tuple(
            Row(
                c["name"],
                (
                    Cell(c.get("group") or "–"),
                    Cell("–" if method == "pairwise" else format_score(float(c["weight"])), "num"),
                    Cell(format_percent(r.weights.get(c["key"], 0.0)), "num"),
                    Cell(c.get("guidance") or "–"),
                ),
            )
            for c in doc["criteria"]
        )
        s.add(
            Table(
                "Criteria and their weights",
                _columns(
                    [
                        ("Criterion", "w-26"),
                        ("Group", "w-14"),
                        ("Weight as entered", "w-12 num"),
                        ("Share of the total", "w-12 num"),
                        ("Scoring guidance", "w-36"),
                    ]
                ),
                rows,
                "compact",
            )
        )
        return s

    def sensitivity(self) -> Section:
        s = self.appendix("C", "sensitivity", "Sensitivity")
        r, e = self.r, self.e
        if r.leader is None:
            s.para("No option can be ranked yet, so there is no sensitivity to report.")
            return s
        s.para(
            "Switching values: each criterion's weight moved up or down, the other weights "
            "keeping their proportions, until the leading option changes. A dash means no "
            "weight from 0 % to 100 % changes the leader that way."
        )
        rows = []
        for sw in r.switching:
            cells = [Cell(format_percent(sw.weight), "num")]
            for point in (sw.lower, sw.upper):
                if point is None:
                    cells += [Cell("–", "num"), Cell("–")]
                else:
                    cells += [
                        Cell(format_percent(point.weight), "num"),
                        Cell(e.option_name(point.new_leader)),
                    ]
            rows.append(Row(e.criterion_name(sw.criterion), tuple(cells)))
        s.add(
            Table(
                "Switching values",
                _columns(
                    [
                        ("Criterion", "w-26"),
                        ("Weight now", "w-10 num"),
                        ("Leader changes below", "w-12 num"),
                        ("New leader", "w-20"),
                        ("Leader changes above", "w-12 num"),
                        ("New leader", "w-20"),
                    ]
                ),
                tuple(rows),
                "compact",
            )
        )
        ra = r.rank_acceptability
        if ra is not None and ra.options:
            ranks = min(5, max(len(v) for v in ra.options.values()))
            s.para(
                f"Rank acceptability: the share of {ra.samples:,} simulations (seed {ra.seed}) "
                f"in which each option takes each rank, each weight varying by up to "
                f"{format_percent(ra.weight_jitter)} and each score within the range the "
                "panels gave."
            )
            width = max(8, 60 // ranks)
            s.add(
                Table(
                    "Rank acceptability",
                    (Column("Option", "w-40"),)
                    + tuple(Column(_ordinal(i + 1), f"w-{width} num") for i in range(ranks)),
                    tuple(
                        Row(
                            e.option_name(key),
                            tuple(Cell(format_percent(x), "num") for x in shares[:ranks]),
                        )
                        for key, shares in ra.options.items()
                    ),
                    "compact",
                )
            )
        cc = r.close_call
        if cc is not None and cc.flips:
            s.para("Single scores that, moved by one step, would change the leading option:")
            s.add(
                Table(
                    "Scores that would change the leader",
                    _columns(
                        [
                            ("Panel", "w-16"),
                            ("Option", "w-22"),
                            ("Criterion", "w-22"),
                            ("Score now", "w-10 num"),
                            ("Moved to", "w-10 num"),
                            ("New leader", "w-20"),
                        ]
                    ),
                    tuple(
                        Row(
                            e.panel_name(f.panel),
                            (
                                Cell(e.option_name(f.option)),
                                Cell(e.criterion_name(f.criterion)),
                                Cell(format_score(f.from_score), "num"),
                                Cell(format_score(f.to_score), "num"),
                                Cell(e.option_name(f.new_leader)),
                            ),
                        )
                        for f in cc.flips
                    ),
                    "compact",
                )
            )
        if r.disagreements:
            s.para(
                f"Scores on which the panels differ by {format_value(r.disagreement_threshold)} "
                "points or more (out of 100):"
            )
            s.add(
                Table(
                    "Where the panels disagree",
                    _columns(
                        [
                            ("Option", "w-26"),
                            ("Criterion", "w-26"),
                            ("Spread", "w-10 num"),
                            ("Scores given", "w-38"),
                        ]
                    ),
                    tuple(
                        Row(
                            e.option_name(d.option),
                            (
                                Cell(e.criterion_name(d.criterion)),
                                Cell(format_value(d.spread), "num"),
                                Cell(
                                    "; ".join(
                                        f"{e.panel_name(p)} {format_score(x)}"
                                        for p, x in d.scores.items()
                                    )
                                ),
                            ),
                        )
                        for d in r.disagreements
                    ),
                    "compact",
                )
            )
        return s

    def risk_register(self) -> Section:
        s = self.appendix("D", "risk-register", "Risk register")
        if not self.e.risks:
            s.para("No risks have been recorded.")
            return s
        s.add(
            Table(
                "The risk register",
                _columns(
                    [
                        ("Risk", "w-28"),
                        ("Option", "w-18"),
                        ("Owner", "w-14"),
                        ("Before controls", "w-20"),
                        ("After controls", "w-20"),
                    ]
                ),
                tuple(
                    Row(
                        rv.risk,
                        (
                            Cell(rv.option_name),
                            Cell(rv.owner or "–"),
                            Cell(
                                f"{rv.likelihood} × {rv.impact} = {rv.before.score} "
                                f"({rv.before.band})",
                                f"band-{_slug(rv.before.band)}",
                            ),
                            Cell(
                                f"{rv.residual_likelihood} × {rv.residual_impact} = "
                                f"{rv.after.score} ({rv.after.band})",
                                f"band-{_slug(rv.after.band)}",
                            ),
                        ),
                    )
                    for rv in self.e.risks
                ),
                "compact",
            )
        )
        return s

    def delivery_models(self) -> Section:
        s = self.appendix("E", "delivery-models", "The delivery models")
        used: list[str] = []
        for o in self.doc["options"]:
            if o["delivery_model"] not in used:
                used.append(o["delivery_model"])
        for n, key in enumerate(used, start=1):
            model = self.models.get(key)
            if model is None:
                continue
            s.add(Subheading(f"E.{n} {model.name}"))
            if model.summary:
                s.text(model.summary, placeholder=False)
            traits = [
                ("Legal entity of its own", model.legal_entity),
                ("Employs the staff", model.employs_staff),
                ("VAT position", model.vat_position),
                ("Governance", model.governance),
                ("Note", model.typical_note),
            ]
            rows = tuple(Row(label, (Cell(value),)) for label, value in traits if value)
            if rows:
                s.add(
                    Table(
                        f"Traits of {model.name}",
                        _columns([("Trait", "w-28"), ("", "w-72")]),
                        rows,
                        "compact traits",
                    )
                )
            for label, items in (
                ("Advantages", model.advantage_list()),
                ("Disadvantages", model.disadvantage_list()),
            ):
                if items:
                    s.para(f"{label}:", Part(items=tuple(items), style="bullet"))
        if not s.blocks:
            s.para("The catalogue has no description of the options' delivery models.")
        return s


def _figure(chart: Any, cls: str = "") -> Figure | None:
    return None if chart is None else Figure(chart, cls)


def _columns_of(items: Sequence[Any], most: int) -> list[tuple[int, Sequence[Any]]]:
    """`items` in as few runs of at most `most` as will do, as even as can be (7 → 4 + 3, not
    6 + 1), each with the 1-based number of its first item."""
    if not items:
        return []
    count = -(-len(items) // most)
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append((start + 1, items[start:end]))
        start = end
    return runs


def _the_panel(name: str, *, capital: bool = False) -> str:
    """The panel in a sentence: "the Staff panel", but "the Members' Panel" (no second panel)."""
    phrase = f"the {name}" if re.search(r"\bpanel\b", name, re.IGNORECASE) else f"the {name} panel"
    return phrase[0].upper() + phrase[1:] if capital else phrase


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]+", "-", text.lower()).strip("-")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@functools.cache
def _static_text(name: str) -> str:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Rendering


def render_html(
    appraisal: Appraisal | None = None,
    *,
    evaluation: Evaluation | None = None,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
    inline_css: bool = False,
) -> str:
    """The report as one HTML page. With `inline_css` the stylesheets are inside it (a file
    that stands alone: `render_report --html`, the Chromium comparison)."""
    if evaluation is None:
        if appraisal is None:
            raise TypeError("give an appraisal or its evaluation")
        evaluation = evaluate(appraisal)
    report = build_report(evaluation, draft=draft, version=version, issued_at=issued_at)
    names = STYLESHEETS + ((DRAFT_STYLESHEET,) if draft else ())
    context: dict[str, Any] = {"report": report}
    if inline_css:
        context["inline_css"] = "\n".join(_static_text(n) for n in names)
    else:
        context["stylesheets"] = [settings.STATIC_URL + n for n in names]
    return render_to_string(TEMPLATE, context)


def render_committee_report(
    appraisal: Appraisal | None = None,
    *,
    evaluation: Evaluation | None = None,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
) -> bytes:
    """The committee report as PDF bytes."""
    html = render_html(
        appraisal, evaluation=evaluation, draft=draft, version=version, issued_at=issued_at
    )
    return write_pdf(html)


# --------------------------------------------------------------------------------------------
# What goes into a render: the draft cache key


def document_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of what a report is rendered from: the interchange document (the narrative
    and header included, the appraisal's status and any results left out: results follow
    from the rest) and the renderer itself (template, stylesheets, version)."""
    content = {k: v for k, v in document.items() if k not in ("status", "archived", "results")}
    blob = json.dumps(
        {"document": content, "renderer": _renderer_fingerprint()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def content_hash(appraisal: Appraisal) -> str:
    """The draft cache key of the appraisal as it stands (the export: ten queries)."""
    from .interchange import export_document

    return document_hash(export_document(appraisal))


@functools.cache
def _renderer_fingerprint() -> str:
    """Changes when the report's templates or stylesheets do (so does every draft's key)."""
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    origin = get_template(TEMPLATE).origin
    for path in sorted(Path(origin.name).parent.glob("*.html")):
        digest.update(path.read_bytes())
    for name in (*STYLESHEETS, DRAFT_STYLESHEET):
        digest.update(_static_text(name).encode("utf-8"))
    return digest.hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Before issuing: what a check-your-answers page lists


@dataclass(frozen=True)
class Problem:
    text: str
    field: str  # the form field (or narrative key) that fixes it


def report_problems(appraisal: Appraisal, evaluation: Evaluation | None = None) -> list[Problem]:
    """What stops the report from being issued: header facts members rely on, and the
    recommendations members vote on."""
    problems = []
    if not appraisal.committee_name:
        problems.append(Problem("Enter the committee the report goes to", "committee_name"))
    if not appraisal.meeting_date:
        problems.append(Problem("Enter the date of the meeting", "meeting_date"))
    if not appraisal.report_author:
        problems.append(Problem("Enter the report's author", "report_author"))
    narrative = appraisal.narrative or {}
    if not parse_narrative(narrative.get("recommendations", ""), one_per_line=True):
        problems.append(
            Problem("Write the recommendations members are asked to agree", "recommendations")
        )
    return problems


def unwritten_sections(narrative: Mapping[str, str]) -> list[NarrativeSection]:
    """Narrative sections with nothing written (the report prints a placeholder for some)."""
    return [s for s in NARRATIVE_SECTIONS if not parse_narrative(narrative.get(s.key, ""))]


def iter_section_titles(report: Report) -> Iterable[str]:
    for section in report.sections:
        yield f"{section.number}. {section.title}"
    for appendix in report.appendices:
        yield f"Appendix {appendix.number}: {appendix.title}"
