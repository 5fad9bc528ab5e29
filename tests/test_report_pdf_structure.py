"""The committee report's PDF read back for what a clerk and a screen reader meet: pages that
break well (issue 10, point 9) and PDF/UA beyond the basics (point 10).

Checked on the three demo reports and a large generated one, each rendered once per module.
"""

from __future__ import annotations

import copy
import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field

import pdfua
import pikepdf
import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from appraisals import reports
from appraisals.models import Appraisal
from appraisals.results import evaluate, snapshot_of
from tests.test_reports_data import make_report_appraisal

pytestmark = pytest.mark.django_db

DEMOS = ("hdc-future-options-2011", "wellingborough-asd", "darlington-stockton-support-services")
LARGE = {"options": 12, "criteria": 20, "panels": 3, "risks": 40, "years": 10}
PX = 0.75  # points in a CSS pixel
# The @page margins of report.css (22 mm top, 20 mm bottom), in points
TOP_MARGIN, BOTTOM_MARGIN = 22 / 25.4 * 72, 20 / 25.4 * 72


@dataclass
class Rendered:
    name: str
    pdf: bytes
    html: str
    charts: dict[str, str]  # each chart's title → its description
    text: list[str] = field(default_factory=list)  # each page's text
    council: str = ""


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> list[Rendered]:
    """The demo reports and a large generated one, their data rolled back afterwards."""
    out = []
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        appraisals = [Appraisal.objects.get(reference=r) for r in DEMOS]
        appraisals.append(make_report_appraisal(**LARGE))
        for appraisal in appraisals:
            evaluation = evaluate(appraisal)
            # The first as a second version: with its appendix "Changes since version 1".
            previous = earlier_version(evaluation) if appraisal is appraisals[0] else None
            report = reports.build_report(evaluation, previous=previous)
            charts = {
                block.chart.title: block.chart.description
                for section in report.sections + report.appendices
                for block in section.blocks
                if block.kind == "chart"
            }
            html = reports.render_html(evaluation=evaluation, previous=previous)
            pdf = reports.write_pdf(html)
            text = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
            out.append(
                Rendered(
                    appraisal.reference, pdf, html, charts, text, appraisal.lead_authority.name
                )
            )
        transaction.set_rollback(True)
    return out


def earlier_version(evaluation) -> reports.PreviousVersion:
    """A version 1 that differed: another score, weight, risk rating and savings."""
    snapshot = copy.deepcopy(snapshot_of(evaluation))
    snapshot["scores"][0]["score"] = 1 if snapshot["scores"][0]["score"] != 1 else 2
    snapshot["criteria"][0]["weight"] = float(snapshot["criteria"][0]["weight"]) + 5
    snapshot["results"]["weights"] = {}
    snapshot["risks"][0]["likelihood"] = 6 - snapshot["risks"][0]["likelihood"] or 1
    for case in snapshot["finance"]["options"].values():
        case["savings"]["central"] = [x + 1000 for x in case["savings"]["central"]]
    return reports.PreviousVersion(1, timezone.now(), snapshot)


# Reading the structure tree back ------------------------------------------------------------


@dataclass
class Element:
    kind: str  # "/P", "/H2", "/Table", …
    page: int | None  # index of the page it is on
    node: pikepdf.Dictionary
    children: list[Element]


def tree(pdf: pikepdf.Pdf) -> Element:
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}

    def build(node: pikepdf.Dictionary) -> Element:
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        children = [
            build(k)
            for k in kids
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") != "/OBJR" and "/S" in k
        ]
        page = node.get("/Pg")
        return Element(
            str(node.get("/S")),
            pages.get(page.objgen) if page is not None else None,
            node,
            children,
        )

    return build(
        pdf.Root.StructTreeRoot.K[0]
        if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array)
        else pdf.Root.StructTreeRoot.K
    )


def walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element.children:
        yield from walk(child)


BLOCKS = {"/H1", "/H2", "/H3", "/P", "/Table", "/Figure", "/L", "/Caption"}


def blocks_in_order(root: Element) -> list[Element]:
    """Block-level elements in reading order, not descending into tables, lists or figures."""
    out: list[Element] = []

    def visit(element: Element) -> None:
        if element.kind in BLOCKS:
            out.append(element)
            if element.kind in {"/Table", "/L", "/Figure", "/Caption"}:
                return
        for child in element.children:
            visit(child)

    visit(root)
    return out


def has_caption(table: Element) -> bool:
    return any(child.kind == "/Caption" for child in table.children)


# Reading the content streams back ----------------------------------------------------------


def _times(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product m × n of two (a b c d e f) matrices."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def text_positions(page: pikepdf.Page) -> list[tuple[float, bool]]:
    """(y from the top of the page in points, tagged as content?) of each run of text, its
    place found through the graphics state's matrices (the page's flip, charts' scaling)."""
    height = float(page.mediabox[3])
    out, marks = [], []
    ctm, saved = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            saved.append(ctm)
        elif op == "Q" and saved:
            ctm = saved.pop()
        elif op == "cm":
            ctm = _times(tuple(float(v) for v in operands), ctm)
        elif op in ("BDC", "BMC"):
            properties = operands[1] if len(operands) > 1 else None
            tagged = isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
            marks.append((str(operands[0]), tagged))
        elif op == "EMC" and marks:
            marks.pop()
        elif op == "Tm":
            _, _, _, _, x, y = _times(tuple(float(v) for v in operands), ctm)
            artifact = any(tag == "/Artifact" for tag, _ in marks)
            out.append((height - y, any(t for _, t in marks) and not artifact))
    return out


# Point 10: PDF/UA beyond the basics -------------------------------------------------------


def test_running_headers_page_numbers_and_the_draft_mark_are_artifacts(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            height = float(pdf.pages[0].mediabox[3])
            for n, page in enumerate(pdf.pages, start=1):
                positions = text_positions(page)
                in_margins = [
                    tagged
                    for y, tagged in positions
                    if y < TOP_MARGIN or y > height - BOTTOM_MARGIN
                ]
                # the council and DRAFT at the top (DRAFT alone over page 1's masthead),
                # "Page n of m" at the foot
                assert len(in_margins) >= (2 if n == 1 else 3), (report.name, n)
                assert not any(in_margins), (report.name, n, "running text tagged as content")
                assert any(tagged for _, tagged in positions), (report.name, n)


def margin_text(pdf: bytes, page: int, tmp_path) -> str:
    """What pdftotext finds in the top margin of page `page` (from 1): the running head."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    height = int(TOP_MARGIN)
    args = ["-f", str(page), "-l", str(page), "-x", "0", "-y", "0", "-W", "595", "-H", str(height)]
    done = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode()


def test_the_first_page_has_no_running_head_repeating_the_masthead(rendered, tmp_path):
    """Page 1 opens with the council and the mark in the masthead: the running head over it
    printed them a second time. It starts on page 2; a draft keeps DRAFT on every page."""
    for report in rendered:
        council = report.council
        first, second = (margin_text(report.pdf, n, tmp_path) for n in (1, 2))
        assert council not in first and "ILLUSTRATIVE" not in first, (report.name, first)
        assert "DRAFT" in first, report.name
        assert council in second and "DRAFT" in second, (report.name, second)
        assert report.text[0].count("Draft rendered") == 1, report.name


def test_every_tagged_piece_of_content_belongs_to_the_structure_tree(rendered):
    """The parent tree maps each MCID to an element the tree reaches: no orphans left from
    the running headers, and no artifact still listed as content."""
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            reachable = {e.node.objgen for e in walk(tree(pdf))}
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            for n, page in enumerate(pdf.pages):
                mcids = {
                    int(operands[1].MCID)
                    for operands, operator in pikepdf.parse_content_stream(page)
                    if str(operator) == "BDC"
                    and isinstance(operands[1], pikepdf.Dictionary)
                    and "/MCID" in operands[1]
                }
                entries = parents[n]
                for mcid in mcids:
                    assert entries[mcid].objgen in reachable, (report.name, n, mcid)


def test_figure_bounding_boxes_are_in_points_inside_the_page_content(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
            figures = [e for e in walk(tree(pdf)) if e.kind == "/Figure"]
            assert figures, report.name
            for figure in figures:
                x1, y1, x2, y2 = (float(v) for v in figure.node.A.BBox)
                left, right = 20 / 25.4 * 72, width - 18 / 25.4 * 72
                assert left - 1 <= x1 < x2 <= right + 1, (report.name, x1, x2)
                assert BOTTOM_MARGIN - 1 <= y1 < y2 <= height - TOP_MARGIN + 1, (
                    report.name,
                    y1,
                    y2,
                )


def test_figure_bounding_box_is_where_the_chart_is_drawn(rendered):
    """The box's top is the first point the chart's caption can be below: each figure's
    caption (the next block) starts under the box, within a line or two."""
    report = rendered[0]
    with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
        height = float(pdf.pages[0].mediabox[3])
        root = tree(pdf)
        order = blocks_in_order(root)
        for i, block in enumerate(order):
            if block.kind != "/Figure":
                continue
            caption = order[i + 1]
            assert caption.kind == "/Caption" and caption.page == block.page
            _, y1, _, _ = (float(v) for v in block.node.A.BBox)
            page = pdf.pages[block.page]
            # text lines on the page just below the figure's foot (in top-down points)
            foot = height - y1
            below = [y for y, tagged in text_positions(page) if tagged and 0 < y - foot < 30]
            assert below, (block.page, foot)


def test_a_figures_alt_text_carries_its_description(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            alts = [str(e.node.Alt) for e in walk(tree(pdf)) if e.kind == "/Figure"]
        assert len(alts) == len(report.charts) or len(alts) >= len(report.charts)
        for title, description in report.charts.items():
            assert f"{title.rstrip('.')}. {description}" in alts, (report.name, title)


def test_appendix_table_and_figure_references_are_internal_links(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            names = pdf.Root.Names.Dests.Names
            destinations = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
            targets = set()
            for page in pdf.pages:
                for annot in page.get("/Annots") or []:
                    if annot.get("/Subtype") != "/Link":
                        continue
                    dest = annot.get("/Dest")
                    if dest is None and "/A" in annot:
                        dest = annot.A.get("/D")
                    targets.add(str(dest))
        links = re.findall(r'<a href="#([a-z0-9-]+)">([^<]+)</a>', report.html)
        assert any(text.startswith("Appendix") for _, text in links), report.name
        for anchor, _ in links:
            assert anchor in targets, (report.name, anchor)
            assert anchor in destinations, (report.name, anchor)
        # every "Appendix X" the body names is a link
        for ref in set(re.findall(r"Appendix [A-E]\b(?!:)", report.html)):
            assert any(text == ref for _, text in links), (report.name, ref)
        # and so is every "Figure n", to its figure's caption
        assert any(text.startswith("Figure") for _, text in links), report.name
        for ref in set(re.findall(r"Figure [A-E]?\d+\b(?!:)", report.html)):
            assert any(text == ref for _, text in links), (report.name, ref)


def test_the_document_opens_with_the_bookmarks_pane(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            assert pdf.Root.PageMode == "/UseOutlines"
            assert "/Outlines" in pdf.Root


def test_a_pdf_ua_rule_checker_finds_nothing(rendered, tmp_path):
    """pdfua (PyPI, on pikepdf) runs its machine-checkable PDF/UA-1 rules."""
    for report in rendered:
        path = tmp_path / f"{report.name}.pdf"
        path.write_bytes(report.pdf)
        found = pdfua.validate(str(path))
        assert [(f.rule_id, f.message) for f in found.findings] == [], report.name


# Point 9: pages that break well -----------------------------------------------------------


def table_parts(pdf: pikepdf.Pdf) -> list[list[int]]:
    """Each data table's body rows on each page it is on: [5, 3] for a table of 8 rows that
    breaks after the fifth. A table that runs onto another page is one Table in the tree
    (`report_pdf._join_split_tables`), its rows on the pages they are drawn on."""
    out = []
    for element in walk(tree(pdf)):
        if element.kind != "/Table" or not has_caption(element):
            continue
        rows: dict[int, int] = {}
        for part in element.children:
            if part.kind == "/TBody":
                for row in part.children:
                    page = row.page if row.page is not None else element.page
                    rows[page] = rows.get(page, 0) + 1
        out.append([rows[page] for page in sorted(rows)])
    return out


def test_no_table_leaves_a_single_row_or_its_caption_alone_at_a_page_break(rendered):
    checked = 0
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            for parts in table_parts(pdf):
                total = sum(parts)
                if len(parts) == 1:
                    continue
                checked += 1
                for rows in parts:
                    assert rows >= min(2, total), (report.name, parts)
    assert checked, "no table broke across pages: the test saw nothing"


def test_a_table_that_breaks_is_one_table_with_its_header_cells_said_once(rendered):
    """An outside PDF/UA checker flagged split header cells: WeasyPrint tagged each page's
    part of a table as a table of its own, with the repeated header row as new header cells.
    Now every data cell's /Headers names header cells of its own table, found through the
    tree's /IDTree; the repeated header row is an artifact; each table has its caption."""
    broken = 0
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            ids: dict[str, tuple[int, int]] = {}
            names = list(pdf.Root.StructTreeRoot.IDTree.Names)
            for key, ref in zip(names[::2], names[1::2], strict=True):
                ids[str(key)] = ref.objgen
            root = tree(pdf)
            tables = [e for e in walk(root) if e.kind == "/Table"]
            # The front sheet (no caption, rows headed by their labels) comes first; every
            # other table has its caption: no table is a headless continuation.
            assert all(has_caption(t) for t in tables[1:]), report.name
            for table in tables:
                cells = [e for e in walk(table) if e.kind in {"/TH", "/TD"}]
                headers = {c.node.objgen: c for c in cells if c.kind == "/TH"}
                heads = [p for p in table.children if p.kind == "/THead"]
                assert len(heads) <= 1, report.name
                for cell in cells:
                    if cell.kind != "/TD":
                        continue
                    named = [str(h) for h in cell.node.A.get("/Headers", [])]
                    assert named, (report.name, cell.page)
                    for key in named:
                        assert ids.get(key) in headers, (report.name, cell.page, key)
                pages = {r.page for p in table.children if p.kind == "/TBody" for r in p.children}
                if len(pages) > 1:
                    broken += 1
                    if heads:  # the header row is tagged once, where the table starts
                        assert {c.page for c in walk(heads[0]) if c.kind == "/TH"} == {
                            min(pages)
                        }, report.name
    assert broken, "no table broke across pages: the test saw nothing"


def body_pages(pdf: bytes) -> int:
    """Sides of A4 before the appendices: the page the bookmark "Appendix A" opens at, less
    one (the appendices start a page of their own)."""
    reader = PdfReader(io.BytesIO(pdf))

    def flat(items):
        for item in items:
            if isinstance(item, list):
                yield from flat(item)
            else:
                yield item

    first = next(i for i in flat(reader.outline) if i.title.startswith("Appendix A"))
    return reader.get_destination_page_number(first)


def test_the_body_of_each_demo_report_is_six_sides_of_a4_at_most(rendered):
    """What a committee reads before the appendices: about 4 to 6 sides (issue 10)."""
    sides = {r.name: body_pages(r.pdf) for r in rendered if r.name in DEMOS}
    assert sorted(sides) == sorted(DEMOS)
    assert all(4 <= n <= 6 for n in sides.values()), sides


def test_no_heading_is_left_at_the_foot_of_a_page(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            order = blocks_in_order(tree(pdf))
            for heading, following in zip(order, order[1:], strict=False):
                if heading.kind in {"/H2", "/H3"}:
                    assert following.page == heading.page, (report.name, heading.page)


def test_no_near_empty_page_except_before_an_appendix_or_at_the_end(rendered):
    for report in rendered:
        with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
            height = float(pdf.pages[0].mediabox[3])
            content = height - TOP_MARGIN - BOTTOM_MARGIN
            for n, page in enumerate(pdf.pages[:-1]):
                if report.text[n + 1].lstrip().split("\n", 1)[0].find("Appendix") >= 0 or re.search(
                    r"^Appendix [A-Z]:", report.text[n + 1], re.M
                ):
                    continue  # an appendix starts a page of its own
                tagged = [y for y, t in text_positions(page) if t]
                filled = (max(tagged) - TOP_MARGIN) / content
                assert filled > 0.5, (report.name, n + 1, round(filled, 2))


def test_paragraph_and_heading_numbers_are_unique(rendered):
    for report in rendered:
        numbers: dict[str, int] = {}
        for page in report.text:
            for match in re.finditer(r"^([A-E]\.\d+|\d{1,2}\.\d{1,2}) +[A-Z“\"'(]", page, re.M):
                numbers[match.group(1)] = numbers.get(match.group(1), 0) + 1
        repeated = {n: c for n, c in numbers.items() if c > 1}
        assert not repeated, (report.name, repeated)
        assert "E.1" in numbers or "A.1" in numbers


def test_table_numbers_run_without_gaps(rendered):
    for report in rendered:
        text = "\n".join(report.text)
        found = re.findall(r"Table ([A-E]?)(\d+): ", text)
        by_series: dict[str, list[int]] = {}
        for series, number in found:
            by_series.setdefault(series, []).append(int(number))
        assert by_series.get(""), report.name
        for series, numbers in by_series.items():
            assert numbers == list(range(1, len(numbers) + 1)), (report.name, series, numbers)


def test_a_second_version_carries_its_changes_tagged_and_bookmarked(rendered):
    """The appendix "Changes since version 1" is in the structure tree (a heading, then the
    changes as tagged lists), in the bookmarks, and says what changed in words."""
    report = rendered[0]
    text = "\n".join(report.text)
    heading = re.search(r"Appendix [F-Z]: Changes since version 1", text)
    assert heading, "the second version has its changes appendix"
    assert "Changes since version" not in "\n".join(rendered[1].text)  # a first version
    appendix = text[heading.start() :]
    assert re.search(r"score for .+ went from \d+ to \d+ out of 5", appendix)
    assert "No changes to the options." in appendix
    with pikepdf.open(io.BytesIO(report.pdf)) as pdf:
        outline = [item.title for item in pdf.open_outline().root]
        assert heading.group(0) in outline
        order = blocks_in_order(tree(pdf))
        first = next(n for n, page in enumerate(report.text) if heading.group(0) in page)
        lists = [b for b in order if b.kind == "/L" and b.page is not None and b.page >= first]
        assert lists, "the changes are tagged as lists"
