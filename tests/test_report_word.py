"""The committee report as Word (issue 10, point 12): the .docx read back with python-docx has
the PDF's header block, sections, numbering and tables, charts as their data tables, and the
downloads beside the PDF's are checked for access like the PDF's."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.urls import reverse
from docx.oxml.ns import qn

from appraisals import reports
from appraisals.models import DraftReport, ReportVersion
from appraisals.results import evaluate
from tests.test_report_views import REF, issue, url
from tests.test_reports_data import make_report_appraisal, meeting_ahead

pytestmark = pytest.mark.django_db


def read(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def captions(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Caption"]


def header_value(row) -> str:
    """A header row's lines, then what is missing from it, one a line."""
    return "\n".join([*row.lines, *([row.missing] if row.missing else [])])


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def built(personas):
    appraisal = make_report_appraisal(options=4, criteria=5, panels=2, risks=3)
    evaluation = evaluate(appraisal)
    report = reports.build_report(evaluation)
    return report, read(reports.write_docx(report))


def test_word_has_the_header_block_of_the_pdf(built):
    report, document = built
    assert document.paragraphs[0].text == report.council
    assert report.title in [p.text for p in document.paragraphs if p.style.name == "Title"]
    header_block = cells(document.tables[0])
    assert header_block == [[row.label, header_value(row)] for row in report.header]
    assert document.core_properties.title == report.title
    assert document.core_properties.language == "en-GB"


def test_word_has_every_section_and_appendix_numbered_as_in_the_pdf(built):
    report, document = built
    expected = [f"{s.number}. {s.title}" for s in report.sections] + [
        f"Appendix {a.number}: {a.title}" for a in report.appendices
    ]
    level_one = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level_one == expected
    subheadings = [b.text for s in report.appendices for b in s.blocks if b.kind == "subheading"]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == subheadings
    # Each numbered paragraph starts with its number, as in the PDF.
    texts = [p.text for p in document.paragraphs]
    for section in report.sections + report.appendices:
        for block in section.blocks:
            if block.kind == "para" and block.number:
                assert any(t.split("\t")[0] == block.number for t in texts), block.number


def captioned_tables(document) -> list[tuple[str, list[list[str]]]]:
    """(caption, cells) of each table in the order of the document's body."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out, caption = [], None
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = Paragraph(child, document)
            if paragraph.style.name == "Caption":
                caption = paragraph.text
        elif child.tag.endswith("}tbl"):
            out.append((caption, cells(Table(child, document))))
            caption = None
    return out


def test_word_has_every_table_with_its_numbered_caption_header_and_rows(built):
    report, document = built
    blocks = [b for s in report.sections + report.appendices for b in s.blocks]
    expected = [(None, [[row.label, header_value(row)] for row in report.header])]
    for block in blocks:
        if block.kind == "table":
            expected.append(
                (
                    block.label,
                    [[c.label for c in block.columns]]
                    + [[row.header, *(c.text for c in row.cells)] for row in block.rows],
                )
            )
        elif block.kind == "chart" and block.chart.rows:
            chart = block.chart
            expected.append((block.label, [list(chart.headers), *map(list, chart.rows)]))
    assert captioned_tables(document) == expected
    assert expected[1][0].startswith("Table 1: ")


def test_word_gives_each_chart_as_its_data_table(built):
    report, document = built
    figures = [
        b for s in report.sections + report.appendices for b in s.blocks if b.kind == "chart"
    ]
    assert figures
    word_tables = [cells(t) for t in document.tables]
    for figure in figures:
        chart = figure.chart
        # Numbered as the PDF numbers it: "Figure 1: …", "Figure B1: …".
        assert re.fullmatch(r"Figure [A-E]?\d+: .+", figure.label)
        assert figure.label in captions(document)
        assert chart.description in [p.text for p in document.paragraphs]
        if chart.rows:
            assert [list(chart.headers), *map(list, chart.rows)] in word_tables, chart.title


def test_word_header_rows_repeat_on_every_page(built):
    _, document = built
    for table in document.tables[1:]:
        first = table.rows[0]._tr
        assert first.xpath("./w:trPr/w:tblHeader"), cells(table)[0]


def test_word_running_header_carries_the_draft_mark_and_the_footer_the_page(built):
    report, document = built
    section = document.sections[0]
    assert report.council in section.header.paragraphs[0].text
    assert "DRAFT" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_word_first_page_head_does_not_repeat_the_masthead(built):
    report, document = built
    section = document.sections[0]
    assert section.different_first_page_header_footer
    first = section.first_page_header.paragraphs[0].text
    assert report.council not in first and "DRAFT" in first
    assert [p.text for p in document.paragraphs[:2]] == [report.council, report.mark]
    footer = section.first_page_footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_a_drafts_gaps_are_boxed_in_word_as_in_the_pdf(personas):
    appraisal = make_report_appraisal(options=2, criteria=2, panels=1, risks=0)
    appraisal.narrative = {}  # nothing written yet
    appraisal.save()
    report = reports.build_report(evaluate(appraisal))
    gaps = [b.text for s in report.sections for b in s.blocks if b.kind == "missing"]
    assert gaps, "the test appraisal has no unwritten section"
    document = read(reports.write_docx(report))
    boxed = [p.text for p in document.paragraphs if p._p.xpath("./w:pPr/w:pBdr")]
    assert boxed == gaps


def test_an_issued_word_file_carries_its_version_not_draft(personas):
    appraisal = make_report_appraisal(options=2, criteria=2, panels=1, risks=0)
    report = reports.build_report(evaluate(appraisal), draft=False, version=3)
    document = read(reports.write_docx(report))
    assert "Version 3" in document.sections[0].header.paragraphs[0].text
    assert "DRAFT" not in document.sections[0].header.paragraphs[0].text


def test_narrative_reaches_word_as_plain_text(personas):
    hostile = "<b>bold</b> {{ secret }} & co"
    appraisal = make_report_appraisal(
        options=2, criteria=2, panels=1, risks=0, narrative_text={"background": hostile}
    )
    document = read(reports.write_docx(reports.build_report(evaluate(appraisal))))
    assert any(hostile in p.text for p in document.paragraphs)


# The downloads ------------------------------------------------------------------------------


@pytest.fixture
def appraisal(personas):
    return meeting_ahead(make_report_appraisal(options=2, criteria=3, panels=2, risks=2))


def test_the_rendered_draft_is_offered_as_word_beside_the_pdf(client, personas, appraisal):
    client.force_login(personas.officer)
    client.post(url("report-render"))
    draft = DraftReport.objects.get()
    assert draft.state == DraftReport.State.READY and draft.docx
    page = client.get(url("report")).content.decode()
    assert url("report-draft") in page and url("report-draft-docx") in page
    response = client.get(url("report-draft-docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == reports.word.CONTENT_TYPE
    assert f'filename="{REF}-draft.docx"' in response["Content-Disposition"]
    document = read(response.content)
    assert "DRAFT" in document.sections[0].header.paragraphs[0].text
    assert "1. Purpose of the report" in headings(document) or headings(document)[1].startswith(
        "1."
    )


def test_no_word_draft_before_one_is_rendered_gives_404(client, personas, appraisal):
    client.force_login(personas.officer)
    assert client.get(url("report-draft-docx")).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("member", 403)])
def test_only_the_councils_officers_get_the_word_draft(
    client, personas, appraisal, persona, status
):
    client.force_login(personas.officer)
    client.post(url("report-render"))
    client.force_login(getattr(personas, persona))
    assert client.get(url("report-draft-docx")).status_code == status


def test_an_issued_word_file_cannot_be_changed(client, personas, appraisal):
    from django.db import DatabaseError, transaction

    client.force_login(personas.officer)
    issue(client, appraisal)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportVersion.objects.update(docx=b"changed")


def test_an_issued_version_is_kept_as_word_from_the_same_state(client, personas, appraisal):
    client.force_login(personas.officer)
    issue(client, appraisal)
    version = ReportVersion.objects.get()
    assert version.docx
    page = client.get(url("versions")).content.decode()
    assert url("version-docx", 1) in page
    for persona in (personas.member, personas.partner_officer):
        client.force_login(persona)
        response = client.get(url("version-docx", 1))
        assert response.status_code == 200
        assert response.content == bytes(version.docx)
    document = read(bytes(version.docx))
    assert "Version 1" in document.sections[0].header.paragraphs[0].text


def test_another_council_cannot_download_an_issued_word_file(client, personas, appraisal):
    client.force_login(personas.officer)
    issue(client, appraisal)
    client.force_login(personas.outsider)
    assert client.get(url("version-docx", 1)).status_code == 404


def test_a_version_issued_before_word_files_were_kept_has_none(client, personas, appraisal):
    client.force_login(personas.officer)
    issue(client, appraisal)
    # Kept as such a version was (the database refuses any change of an issued one).
    version = ReportVersion.objects.get()
    fields = {
        f.name: getattr(version, f.name)
        for f in ReportVersion._meta.concrete_fields
        if f.name not in ("id", "docx")
    }
    version.delete()
    ReportVersion.objects.create(**fields, docx=None)
    assert client.get(url("version-docx", 1)).status_code == 404
    assert url("version-docx", 1) not in client.get(url("versions")).content.decode()
    assert client.get(reverse("appraisals:version-docx", args=[REF, 9])).status_code == 404


def test_word_version_download_query_count(client, personas, appraisal, django_assert_num_queries):
    client.force_login(personas.officer)
    issue(client, appraisal)
    # session, user; the appraisal; the version's Word bytes and hash.
    with django_assert_num_queries(4):
        assert client.get(url("version-docx", 1)).status_code == 200


def test_word_draft_download_query_count(client, personas, appraisal, django_assert_num_queries):
    client.force_login(personas.officer)
    client.post(url("report-render"))
    # session, user; the appraisal with the officer's membership (edit access); the draft.
    with django_assert_num_queries(5):
        assert client.get(url("report-draft-docx")).status_code == 200


def test_word_links_each_reference_to_an_appendix_table_or_figure_to_it(built):
    """As the PDF does: "Figure B1" in the text is a link to the bookmark on its caption."""
    report, document = built
    body = document.element.body
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name"))
    links = body.xpath("//w:hyperlink")
    linked = {"".join(link.xpath(".//w:t/text()")): link.get(qn("w:anchor")) for link in links}
    assert {"Appendix A", "Figure 1", "Figure B1", "Figure D1"} <= set(linked), linked
    assert any(re.fullmatch(r"Table \d+", text) for text in linked)
    assert set(linked.values()) <= bookmarks
    # The text reads as it did: the link's words are in the paragraph's text.
    assert any("Figure B1 shows" in p.text for p in document.paragraphs)
    figure = next(
        b for s in report.appendices for b in s.blocks if b.kind == "chart" and b.number == "B1"
    )
    caption = next(p for p in document.paragraphs if p.text == figure.label)
    assert caption._p.xpath("./w:bookmarkStart/@w:name") == [linked["Figure B1"]]
