"""The report's HTML → PDF step: the XML parse gives WeasyPrint the tree its own HTML parser
would, the lean user-agent stylesheet keeps list markers and drops the other pseudo-elements,
text pasted with control characters still renders, and the cached page references stay right
as pages are added."""

from __future__ import annotations

import gc
import io
import ssl
from xml.etree import ElementTree

import pydyf
import pytest
import tinyhtml5
from pypdf import PdfReader
from weasyprint import css

from appraisals import report_pdf, reports
from tests.test_reports_data import make_report_appraisal

XMLNS = "{http://www.w3.org/2000/xmlns/}"


def shape(element: ElementTree.Element) -> list[tuple]:
    """Every element in document order: tag, attributes, and its text and tail with runs of
    white space collapsed. The two parsers differ only in where they keep blank lines and in
    the HTML parser's keeping `xmlns` as an attribute, which nothing reads."""

    def squash(text: str | None) -> str:
        return " ".join((text or "").split())

    return [
        (
            e.tag,
            sorted((k, v) for k, v in e.attrib.items() if not k.startswith(XMLNS)),
            squash(e.text),
            squash(e.tail),
        )
        for e in element.iter()
    ]


@pytest.mark.django_db
def test_the_xml_parse_gives_the_tree_weasyprints_html_parser_gives(personas):
    appraisal = make_report_appraisal(
        options=3,
        criteria=4,
        panels=2,
        risks=3,
        narrative_text={"background": "Line one\nline two\n\n- a <b>list</b>\n- & more"},
    )
    for inline_css in (False, True):
        html = reports.render_html(appraisal, inline_css=inline_css)
        ours = report_pdf.ReportHTML(html, url_fetcher=report_pdf.StaticFilesFetcher())
        theirs = tinyhtml5.parse(html, namespace_html_elements=False)
        assert shape(ours.etree_element) == shape(theirs)
        assert any(tag.endswith("}svg") for tag, *_ in shape(ours.etree_element))


@pytest.mark.django_db
def test_text_pasted_with_control_characters_still_renders(personas):
    pasted = "Costs\x0bfall\x0c by a third.\x1f And that is all."
    appraisal = make_report_appraisal(
        options=1, criteria=1, panels=1, risks=0, narrative_text={"legal": pasted}
    )
    pdf = reports.render_committee_report(appraisal)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "fall by a third. And that is all." in " ".join(text.split())


def test_html_that_is_not_well_formed_is_refused_with_where():
    with pytest.raises(
        report_pdf.MarkupError, match=r"mismatched tag: line 2, column 18.*<br></p>"
    ):
        report_pdf.write_pdf('<html lang="en">\n<body><p>one<br></p></body></html>')
    with pytest.raises(report_pdf.MarkupError, match="entities"):
        report_pdf.write_pdf('<!DOCTYPE html [<!ENTITY a "aaaa">]><html><p>&a;</p></html>')


def test_lean_stylesheet_keeps_list_markers_and_computes_no_other_pseudo_elements(
    monkeypatch,
):
    computed: list[tuple[str, str | None]] = []
    original = css.StyleFor.set_computed_styles

    def counting(self, element, parent, root=None, pseudo_type=None, **kwargs):
        if pseudo_type and hasattr(element, "tag"):
            computed.append((element.tag, pseudo_type))
        return original(self, element, parent, root, pseudo_type, **kwargs)

    monkeypatch.setattr(css.StyleFor, "set_computed_styles", counting)
    html = (
        '<html lang="en-GB"><head><title>Lists</title></head><body>'
        "<ul><li>first point</li><li>second point</li></ul>"
        '<ol style="list-style-type: lower-alpha"><li>lettered</li></ol>'
        "<table><tr><th>Head</th><td>cell</td></tr></table><p>Text</p></body></html>"
    )
    pdf = report_pdf.write_pdf(html)
    assert sorted(computed) == [("li", "marker")] * 3
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert text.count("•") == 2 and "a." in text  # the markers are drawn

    # WeasyPrint's own stylesheet gives every element six pseudo-elements: what we avoid.
    computed.clear()
    from weasyprint import HTML

    HTML(string=html).render()
    assert len(computed) > 6 * 9


def test_cached_page_references_follow_added_pages():
    pdf = pydyf.PDF()
    seen = []
    for _ in range(4):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        seen.append(pdf.page_references)
        assert pdf.page_references is seen[-1]  # cached while no page is added
    assert [len(refs) for refs in seen] == [1, 2, 3, 4]
    kids = pdf.pages["Kids"]
    assert seen[-1] == tuple(f"{n} 0 R".encode() for n in kids[::3])


def test_the_garbage_collector_is_back_on_after_a_render_even_a_failed_one():
    assert gc.isenabled()
    report_pdf.write_pdf('<html lang="en"><head><title>t</title></head><body>x</body></html>')
    assert gc.isenabled()
    with pytest.raises(report_pdf.MarkupError):
        report_pdf.write_pdf("<html><p>not closed</html>")
    assert gc.isenabled()
    gc.disable()  # a caller that had turned it off keeps it off
    try:
        report_pdf.write_pdf('<html lang="en"><head><title>t</title></head><body>x</body></html>')
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collection_after_a_render_skips_what_was_alive_before_it(monkeypatch):
    """The objects alive before the render are frozen during the one collection after it,
    then thawed; a process that froze objects of its own keeps them frozen."""
    html = '<html lang="en"><head><title>t</title></head><body>x</body></html>'
    frozen_when_collected = []
    collect = gc.collect
    monkeypatch.setattr(
        gc, "collect", lambda *a: frozen_when_collected.append(gc.get_freeze_count()) or collect(*a)
    )
    report_pdf.write_pdf(html)
    assert frozen_when_collected[0] > 0 and gc.get_freeze_count() == 0
    gc.freeze()  # as a forking server might, before its workers start
    try:
        mine = gc.get_freeze_count()
        report_pdf.write_pdf(html)
        assert gc.get_freeze_count() == mine
    finally:
        gc.unfreeze()


def test_the_fetcher_loads_no_certificates():
    """It never opens a URL, so its HTTPS handler's context trusts nobody (loading the
    system's CA certificates took 30-40 ms a process) and would refuse any server."""
    context = report_pdf._ssl_context()
    assert context.cert_store_stats()["x509_ca"] == 0
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
