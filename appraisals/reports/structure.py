"""The report's structure: sections of numbered paragraphs, tables and charts.

Frozen dataclasses the templates (`reports/committee_report.html`, `reports/_blocks.html`)
read; `Section` numbers its paragraphs as they are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .narrative import NOT_WRITTEN, ONE_PER_LINE, Part, parse_narrative


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
    number: str = ""  # "3", "A2": given by `number_tables` once the report is built

    @property
    def anchor(self) -> str:
        return f"table-{self.number.lower()}" if self.number else ""

    @property
    def label(self) -> str:
        """The caption as printed: "Table 3: The financial case for each option"."""
        return f"Table {self.number}: {self.caption}" if self.number else self.caption


@dataclass(frozen=True)
class Figure:
    chart: Any  # charts.Chart
    cls: str = ""  # "half": two side by side
    kind: str = "chart"
    number: str = ""  # "2", "B1": given by `number_tables` once the report is built

    @property
    def anchor(self) -> str:
        return f"figure-{self.number.lower()}" if self.number else ""

    @property
    def label(self) -> str:
        """The caption as printed, numbered as tables are: "Figure 2: Risk heat map after
        controls". The chart's description stays its text alternative."""
        title = self.chart.title
        return f"Figure {self.number}: {title}" if self.number else title


@dataclass(frozen=True)
class WarningText:
    text: str
    kind: str = "warning"


@dataclass(frozen=True)
class Missing:
    """What a draft still lacks, in a marked box (issuing refuses while one is left)."""

    text: str
    kind: str = "missing"


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
            self.missing()
        return bool(paragraphs)

    def missing(self, text: str = "") -> None:
        """A marked box where the officer's text should be."""
        what = text or f"{NOT_WRITTEN}: write this section before the report is issued."
        self.blocks.append(Missing(what))

    @property
    def unwritten(self) -> bool:
        return any(isinstance(block, Missing) for block in self.blocks)

    def add(self, block: Any) -> None:
        if block is not None:
            self.blocks.append(block)


def _part(value: Part | str) -> Part:
    return value if isinstance(value, Part) else Part(lines=(value,))


@dataclass(frozen=True)
class HeaderRow:
    label: str
    value: str  # its lines joined by newlines
    missing: str = ""  # what is not yet entered, printed in a marked box

    @property
    def lines(self) -> list[str]:
        return [line for line in self.value.split("\n") if line]


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
    illustrative: bool = False  # scores or figures not the council's own: said on every page
    # "Appendix A", "Table 3" as written in the text → (as printed, the anchor it links to)
    links: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # The line under the council's name: "Report to Cabinet" unless given (a record of
    # decision, a benefits realisation report).
    to: str = ""


# Numbering tables and figures, and linking references to them ---------------------------------

_TABLE_PREFIX = re.compile(r"^Table (\d+): ")
REFERENCE = re.compile(r"\b(?:Appendix [A-Z]|Table [A-Z]?\d+|Figure [A-Z]?\d+)\b")


def number_tables(
    sections: Iterable[Section], appendices: Iterable[Section]
) -> dict[str, tuple[str, str]]:
    """Number every table and every figure (chart) in the order printed, with no gaps, each
    kind on its own count: 1, 2, … in the body, A1, A2, … in Appendix A. A caption written
    as "Table 3: …" loses its number and takes the one it now has; references to
    appendices, tables and figures in the text then link to them (the map returned: the
    text's phrase → the printed phrase and its anchor). A figure is referred to by the
    number it is printed with: the builders count figures as they add them."""
    links: dict[str, tuple[str, str]] = {}
    tables = figures = 0
    for section in sections:
        for i, block in enumerate(section.blocks):
            if isinstance(block, Table):
                tables += 1
                caption, written = block.caption, None
                if match := _TABLE_PREFIX.match(caption):
                    caption, written = caption[match.end() :], match.group(1)
                numbered = replace(block, caption=caption, number=str(tables))
                section.blocks[i] = numbered
                links[f"Table {written or tables}"] = (f"Table {tables}", numbered.anchor)
            elif isinstance(block, Figure):
                figures += 1
                section.blocks[i] = figure = replace(block, number=str(figures))
                links[f"Figure {figures}"] = (f"Figure {figures}", figure.anchor)
    for appendix in appendices:
        links[f"Appendix {appendix.number}"] = (
            f"Appendix {appendix.number}",
            f"appendix-{appendix.key}",
        )
        tables = figures = 0
        for i, block in enumerate(appendix.blocks):
            if isinstance(block, Table):
                tables += 1
                numbered = replace(block, number=f"{appendix.number}{tables}")
                appendix.blocks[i] = numbered
                links[f"Table {numbered.number}"] = (f"Table {numbered.number}", numbered.anchor)
            elif isinstance(block, Figure):
                figures += 1
                appendix.blocks[i] = figure = replace(block, number=f"{appendix.number}{figures}")
                links[f"Figure {figure.number}"] = (f"Figure {figure.number}", figure.anchor)
    return links


def cross_links(text: str, links: Mapping[str, tuple[str, str]] | None) -> SafeString:
    """`text` escaped, with each "Appendix A", "Table 3" or "Figure 2" it names made a link
    to it."""
    if not links:
        return escape(text)
    out, at = [], 0
    for match in REFERENCE.finditer(text):
        target = links.get(match.group(0))
        if target is None:
            continue
        printed, anchor = target
        out.append(escape(text[at : match.start()]))
        out.append(f'<a href="#{escape(anchor)}">{escape(printed)}</a>')
        at = match.end()
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above
