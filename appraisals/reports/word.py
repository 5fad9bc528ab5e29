"""The committee report as a Word document, for councils that finish papers in their own
template before uploading them to their committee system.

`write_docx(report)` writes the same `structure.Report` the PDF is drawn from, with
python-docx: the header block, the numbered sections and paragraphs, every table with its
numbered caption, and each chart as the table of figures it summarises (no picture: the data
is what an editor needs, and no maintained renderer here turns our SVG into an image Word
reads). Built-in styles only (Title, Heading 1–2, Caption, List Bullet, Table Grid), so the
council's own template restyles it; the running header carries the council and the mark
(DRAFT or the version), from page 2 (page 1's masthead prints them), the footer the page
number.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .structure import REFERENCE, Report, Section

LINK_COLOUR = RGBColor(0x1D, 0x70, 0xB8)  # GOV.UK link blue
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ILLUSTRATIVE = (
    "Illustrative: the scores or figures in this report are illustrative, not the council’s "
    "own. It is not a report of {council} and no decision may rest on it."
)


def write_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    document = docx.Document()
    _page_setup(document, report)
    core = document.core_properties
    core.title = report.title
    core.author = report.author
    core.subject = report.description
    core.language = "en-GB"

    _paragraph(document, report.council, bold=True, size=13)
    _paragraph(document, report.mark, bold=True)
    _paragraph(document, f"Report to {report.committee or 'committee'}")
    document.add_heading(report.title, level=0)
    if report.illustrative:
        _paragraph(document, ILLUSTRATIVE.format(council=report.council), bold=True)
    _table(
        document,
        ("", ""),
        [
            (row.label, ("\n".join([*row.lines, *filter(None, [row.missing])]),))
            for row in report.header
        ],
        header=False,
    )

    for section in report.sections:
        document.add_heading(f"{section.number}. {section.title}", level=1)
        _blocks(document, section, report)
    for appendix in report.appendices:
        heading = document.add_heading(f"Appendix {appendix.number}: {appendix.title}", level=1)
        heading.paragraph_format.page_break_before = True
        _bookmark(heading, f"appendix-{appendix.key}")
        _blocks(document, appendix, report)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page_setup(document: Any, report: Report) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    _language(normal)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(18)
    header = section.header.paragraphs[0]
    header.text = f"{report.council}\t\t{'DRAFT' if report.draft else report.mark}"
    header.style = styles["Header"]
    # Page 1 opens with the council and the mark in the masthead: its running head would
    # repeat them, so it carries only a draft's DRAFT (as the PDF does).
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.text = "\t\tDRAFT" if report.draft else ""
    first.style = styles["Header"]
    for paragraph in (section.footer.paragraphs[0], section.first_page_footer.paragraphs[0]):
        paragraph.style = styles["Footer"]
        paragraph.add_run("Page ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES")


def _language(style: Any) -> None:
    """British English for spelling and for screen readers."""
    properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    properties.append(lang)


def _field(paragraph: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in as it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _paragraph(document: Any, text: str, *, bold: bool = False, size: float | None = None) -> Any:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    return paragraph


def _blocks(document: Any, section: Section, report: Report) -> None:
    for block in section.blocks:
        kind = getattr(block, "kind", "")
        if kind == "para":
            _numbered(document, block, report.links)
        elif kind == "table":
            _caption(document, block.label, block.anchor)
            _table(
                document,
                tuple(c.label for c in block.columns),
                [(row.header, tuple(c.text for c in row.cells)) for row in block.rows],
                numeric=tuple("num" in c.cls.split() for c in block.columns),
            )
        elif kind == "chart":
            chart = block.chart
            _caption(document, block.label, block.anchor)
            _paragraph(document, chart.description)
            if chart.rows:
                _table(
                    document,
                    chart.headers,
                    [(row[0], tuple(row[1:])) for row in chart.rows],
                    numeric=chart._numeric(),
                )
        elif kind == "warning":
            _paragraph(document, f"Warning: {block.text}", bold=True)
        elif kind == "subheading":
            document.add_heading(block.text, level=2)
        elif kind == "missing":  # what a draft still lacks: a box, as in the PDF
            _boxed(_paragraph(document, block.text, bold=True))
        elif getattr(block, "text", None):  # a kind added later still reaches the reader
            _paragraph(document, str(block.text))


def _numbered(document: Any, para: Any, links: Mapping[str, tuple[str, str]]) -> None:
    """A numbered paragraph: its number, a tab, its text; its lists follow as list items.
    "Appendix A", "Table 3" and "Figure 2" in the text link to them, as in the PDF."""
    first = True
    for part in para.parts:
        if part.items:
            if first and para.number:
                _paragraph(document, para.number, bold=para.strong)
            for n, item in enumerate(part.items, start=1):
                if part.style == "bullet":
                    item_paragraph = document.add_paragraph(style="List Bullet")
                    _linked_text(item_paragraph, item, links, bold=para.strong)
                else:
                    label = f"{n}." if part.style != "alpha" else f"({chr(96 + n)})"
                    item_paragraph = document.add_paragraph()
                    item_paragraph.paragraph_format.left_indent = Mm(17)
                    item_paragraph.paragraph_format.first_line_indent = Mm(-6)
                    item_paragraph.add_run(f"{label}\t").bold = para.strong or None
                    _linked_text(item_paragraph, item, links, bold=para.strong)
        else:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Mm(11)
            if first and para.number:
                paragraph.paragraph_format.first_line_indent = Mm(-11)
                paragraph.add_run(f"{para.number}\t").bold = para.strong or None
            for i, line in enumerate(part.lines):
                run = _linked_text(paragraph, line, links, bold=para.strong)
                if i < len(part.lines) - 1:
                    run.add_break(WD_BREAK.LINE)
        first = False


def _boxed(paragraph: Any) -> None:
    """A dashed red border round the paragraph: a gap the officer still has to fill."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for name, value in (("val", "dashed"), ("sz", "12"), ("space", "4"), ("color", "D4351C")):
            edge.set(qn(f"w:{name}"), value)
        borders.append(edge)
    properties.append(borders)


def _caption(document: Any, text: str, anchor: str = "") -> None:
    caption = document.add_paragraph(text, style="Caption")
    caption.paragraph_format.keep_with_next = True
    if anchor:
        _bookmark(caption, anchor)


def _bookmark_name(anchor: str) -> str:
    """A Word bookmark's name for an anchor: letters, digits and underscores only."""
    return anchor.replace("-", "_")


def _bookmark(paragraph: Any, anchor: str) -> None:
    """A bookmark round the paragraph, the target of the links to `anchor`."""
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    number = str(len(paragraph._p.getroottree().getroot().xpath("//w:bookmarkStart")) + 1)
    start.set(qn("w:id"), number)
    start.set(qn("w:name"), _bookmark_name(anchor))
    end.set(qn("w:id"), number)
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _linked_text(
    paragraph: Any, text: str, links: Mapping[str, tuple[str, str]], *, bold: bool = False
) -> Any:
    """`text` added to the paragraph, each reference it makes to an appendix, table or
    figure an internal link to its bookmark (`structure.cross_links` for the PDF); the last
    run added."""
    at, run = 0, None
    for match in REFERENCE.finditer(text):
        target = links.get(match.group(0))
        if target is None:
            continue
        if match.start() > at:
            run = paragraph.add_run(text[at : match.start()])
            run.bold = bold or None
        printed, anchor = target
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), _bookmark_name(anchor))
        run = paragraph.add_run(printed)
        run.bold = bold or None
        run.font.underline = True
        run.font.color.rgb = LINK_COLOUR
        link.append(run._r)  # moved from the paragraph into the link
        paragraph._p.append(link)
        at = match.end()
    if at < len(text) or run is None:
        run = paragraph.add_run(text[at:])
        run.bold = bold or None
    return run


def _table(
    document: Any,
    headers: Sequence[str],
    rows: Iterable[tuple[str, Sequence[str]]],
    *,
    header: bool = True,
    numeric: Sequence[bool] = (),
) -> None:
    """A table: a header row repeated on every page (unless `header` is False), then each
    row's header cell in bold and its cells, figures right-aligned."""
    rows = list(rows)
    table = document.add_table(rows=0, cols=len(headers))
    table.style = document.styles["Table Grid"]
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_as_header(table.rows[0])
    for label, values in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        for i, (cell, text) in enumerate(zip(cells[1:], values, strict=False), start=1):
            cell.text = text
            if i < len(numeric) and numeric[i]:
                cell.paragraphs[0].alignment = 2  # right
    document.add_paragraph()  # space after, as the PDF's margin


def _repeat_as_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def render_word(
    evaluation: Any,
    *,
    draft: bool = True,
    version: int | None = None,
    issued_at: Any = None,
    previous: Any = None,
    sign_offs: Any = None,
) -> bytes:
    """The committee report of `evaluation` as .docx bytes: the report the PDF of the same
    arguments prints, built afresh from the same evaluation."""
    from .build import build_report

    return write_docx(
        build_report(
            evaluation,
            draft=draft,
            version=version,
            issued_at=issued_at,
            previous=previous,
            sign_offs=sign_offs,
        )
    )
