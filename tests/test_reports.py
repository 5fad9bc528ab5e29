"""The committee report read back from its PDF: sections, options, page numbers, bookmarks,
PDF/UA tagging, language and title, the DRAFT mark, and escaping of the narrative."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from django.db import transaction
from pypdf import PdfReader

from appraisals import reports
from appraisals.explain import format_score, ordinal
from appraisals.models import Appraisal
from appraisals.reports import NARRATIVE_SECTIONS, Part, parse_narrative
from appraisals.results import evaluate
from tests.test_reports_data import make_report_appraisal

# Every test here reads the database, or the report rendered from it once per module.
pytestmark = pytest.mark.django_db

HOSTILE = (
    '<img src="file:///etc/passwd"> <b>bold</b> <script>alert(1)</script> '
    '{{ secret }} {% now "Y" %} &amp; <a rel="attachment" href="file:///etc/hostname">x</a>'
)


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """One report rendered for the whole module (rendering is the slow part), its data rolled
    back afterwards: the HTML, the PDF, and names to look for."""
    with django_db_blocker.unblock(), transaction.atomic():
        appraisal = make_report_appraisal(
            options=4, criteria=5, panels=2, risks=5, narrative_text={"background": HOSTILE}
        )
        evaluation = evaluate(appraisal)
        html = reports.render_html(evaluation=evaluation)
        pdf = reports.write_pdf(html)
        options = [o["name"] for o in evaluation.document["options"]]
        transaction.set_rollback(True)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    return {"html": html, "pdf": pdf, "pages": pages, "text": "\n".join(pages), "options": options}


# The sections printed when the officer has written nothing under "Contact officer".
PRINTED = [s for s in NARRATIVE_SECTIONS if s.key != "contact"]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_section_and_appendix_is_present_in_order(rendered):
    text = flat(rendered["text"])
    positions = []
    for number, section in enumerate(PRINTED, start=1):
        heading = f"{number}. {section.title}"
        assert heading in text, heading
        positions.append(text.index(heading))
    # The contact officer is on the front sheet: no section repeats it while the officer
    # adds nothing to it.
    assert ". Contact officer" not in text
    for letter in "ABCDE":  # the appendices themselves, after the list of them
        positions.append(text.index(f"Appendix {letter}:", positions[-1]))
    assert positions == sorted(positions)


def test_every_option_is_in_the_report_with_the_rejected_one_and_its_reason(rendered):
    text = flat(rendered["text"])
    for name in rendered["options"]:
        assert name in text, name
    assert "Outsource everything was rejected: procurement would take three years." in text


def test_header_block_names_council_committee_and_decision_facts(rendered):
    first = flat(rendered["pages"][0])
    for expected in (
        "Lead District Council",
        "Full Council",
        "31 October 2011",
        "Agenda item 7",
        "Open",
        "For decision",
        "Jane Officer, Head of Transformation",
        "Councillor Sam Leader",
        "Chief Finance Officer; Monitoring Officer",
        "Wards affected All",
        "Key decision Yes",
    ):
        assert expected in first, expected


def test_paragraphs_are_numbered_within_sections(rendered):
    text = flat(rendered["text"])
    assert "3.1 That the Council approves the shared service as the preferred option." in text
    assert "3.2 That officers bring a full business case" in text
    # List markers are drawn apart from their items, so the text extracts without them.
    assert "2.2 The benefits are: resilience lower costs shared expertise" in text
    assert (
        "<ul><li>resilience</li><li>lower costs</li><li>shared expertise</li></ul>"
        in (rendered["html"])
    )


def test_every_page_has_page_n_of_m_council_and_draft_mark(rendered):
    pages = rendered["pages"]
    assert len(pages) > 5
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page
        assert "Lead District Council" in page
        assert "DRAFT" in page


def test_every_section_is_a_bookmark(rendered):
    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    for number, section in enumerate(PRINTED, start=1):
        assert f"{number}. {section.title}" in titles
    assert "Appendix A: Scores by panel, with reasons" in titles
    assert "Appendix E: The delivery models" in titles


def test_pdf_is_tagged_pdf_ua_1_with_language_and_title(rendered):
    with pikepdf.open(io.BytesIO(rendered["pdf"])) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "Future options for corporate services"
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("dc:title") == "Future options for corporate services"
        kinds: dict[str, int] = {}
        scopes = set()
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                kind = str(node.get("/S", ""))
                kinds[kind] = kinds.get(kind, 0) + 1
                if kind == "/TH":
                    scopes.add(str(node.A.Scope))
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kids)
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
    for kind in ("/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"):
        assert kinds.get(kind), kind
    assert scopes == {"/Column", "/Row"}


def test_charts_carry_their_text_alternative(rendered):
    with pikepdf.open(io.BytesIO(rendered["pdf"])) as pdf:
        alts = [
            str(obj.Alt)
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/Alt" in obj
        ]
    assert alts
    assert all(alt.strip() for alt in alts)


def test_narrative_is_escaped_plain_text(rendered):
    html = rendered["html"]
    assert "<script>alert(1)</script>" not in html
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    text = flat(rendered["text"])
    assert '<img src="file:///etc/passwd"> <b>bold</b> <script>alert(1)</script>' in text
    assert '{{ secret }} {% now "Y" %} &amp;' in text


def test_issued_report_has_no_draft_mark_and_names_its_version(db, personas):
    appraisal = make_report_appraisal(options=1, criteria=2, panels=1, risks=1)
    pdf = reports.render_committee_report(appraisal, draft=False, version=3)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert all("DRAFT" not in page for page in pages)
    assert all("Version 3, issued" in page for page in pages)


def test_content_hash_follows_the_narrative_and_scores_but_not_the_status(db, personas):
    appraisal = make_report_appraisal(options=1, criteria=2, panels=1, risks=0)
    before = reports.content_hash(appraisal)
    appraisal.status = "issued"
    appraisal.save()
    assert reports.content_hash(appraisal) == before
    appraisal.narrative = {**appraisal.narrative, "legal": "Changed"}
    appraisal.save()
    changed = reports.content_hash(appraisal)
    assert changed != before
    score = appraisal.panels.get().scores.first()
    score.score = 5 - score.score
    score.save()
    assert reports.content_hash(appraisal) != changed


def test_parse_narrative_paragraphs_lists_and_line_breaks():
    text = (
        "First paragraph\nwith a second line.\n\n"
        "The benefits:\n- one\n- two\n  continued\n\n"
        "1. first\n2) second\n\n(a) alpha\nb) beta\n\n\n"
    )
    assert parse_narrative(text) == [
        (Part(lines=("First paragraph", "with a second line.")),),
        (
            Part(lines=("The benefits:",)),
            Part(items=("one", "two continued"), style="bullet"),
            # Lists after a blank line continue the paragraph above: no number is lost.
            Part(items=("first", "second"), style="decimal"),
            Part(items=("alpha", "beta"), style="alpha"),
        ),
    ]
    assert parse_narrative("- starts with a list\n\nThen text.") == [
        (Part(items=("starts with a list",), style="bullet"),),
        (Part(lines=("Then text.",)),),
    ]
    assert parse_narrative("That A.\nThat B:\n- b1\n  more", one_per_line=True) == [
        (Part(lines=("That A.",)),),
        (Part(lines=("That B:",)), Part(items=("b1 more",), style="bullet")),
    ]
    assert parse_narrative("") == []
    assert parse_narrative(" \n\r\n ") == []


def test_unwritten_sections_print_a_placeholder_not_nothing(db, personas):
    appraisal = make_report_appraisal(options=1, criteria=2, panels=1, risks=0)
    appraisal.narrative = {}
    appraisal.save()
    html = reports.render_html(appraisal)
    assert html.count(reports.NOT_WRITTEN) >= 5


@pytest.mark.parametrize(
    ("count", "runs"),
    [
        (0, []),
        (1, [(1, 1)]),
        (6, [(1, 6)]),
        (7, [(1, 4), (5, 3)]),
        (12, [(1, 6), (7, 6)]),
        (13, [(1, 5), (6, 4), (10, 4)]),
    ],
)
def test_wide_score_tables_split_evenly(count, runs):
    items = list(range(count))
    split = reports._columns_of(items, 6)
    assert [(first, len(chunk)) for first, chunk in split] == runs
    assert [x for _, chunk in split for x in chunk] == items


def test_panel_names_read_as_english():
    """One rule for the report and the change log (explain.the_panel)."""
    from appraisals.explain import the_panel

    assert the_panel("Staff") == "the Staff panel"
    assert the_panel("Members' Panel") == "the Members' Panel"
    assert the_panel("Union panel", capital=True) == "The Union panel"
    assert the_panel("Panelists") == "the Panelists panel"
    assert the_panel("Panel 1", capital=True) == "Panel 1"


def test_seven_options_split_four_and_three_with_their_numbers():
    appraisal = make_report_appraisal(options=6, criteria=2, panels=1, risks=0)
    html = reports.render_html(appraisal)
    names = re.findall(r"<caption>Table A\d+: Scores given by ([^<]*)</caption>", html)
    assert [n.split(" (")[1] for n in names] == ["options 1–4)", "options 5–7)"]


def test_a_paragraph_that_starts_with_a_list_still_shows_its_number(db, personas):
    appraisal = make_report_appraisal(
        options=1,
        criteria=1,
        panels=1,
        risks=0,
        narrative_text={"legal": "- The council's own powers\n\nThen a paragraph.\n\n- more"},
    )
    text = flat(
        " ".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(reports.render_committee_report(appraisal))).pages
        )
    )
    # Legal implications is section 11; the powers its options rely on follow the text.
    assert "11.1" in text and "11.2 Then a paragraph." in text
    assert "11.3 For Option 1" in text and "the powers usually relied on" in text


def test_scores_that_would_change_the_leader_are_gathered_by_option_and_panel(db, personas):
    # Cyclic test scores leave options 1 and 3 nearly level: dozens of single-score flips.
    evaluation = evaluate(make_report_appraisal(options=4, criteria=6, panels=2, risks=0))
    flips = evaluation.result.close_call.flips
    assert len(flips) > 12
    report = reports.build_report(evaluation)
    sensitivity = next(a for a in report.appendices if a.key == "sensitivity")
    table = next(
        b
        for b in sensitivity.blocks
        if getattr(b, "caption", "") == "Scores that would change the leader"
    )
    names = {o["key"]: o["name"] for o in evaluation.document["options"]}
    panels = {p["key"]: p["name"] for p in evaluation.document["panels"]}
    criteria = {c["key"]: c["name"] for c in evaluation.document["criteria"]}
    # Every flip is in exactly one row: that of its option, panel, direction and new leader.
    listed = []
    for row in table.rows:
        panel, change, moves, leader = (c.text for c in row.cells)
        for move in moves.split("; "):
            criterion, scores = move.rsplit(": ", 1)
            before, after = scores.split(" → ")
            listed.append((row.header, panel, change, criterion, before, after, leader))
    expected = [
        (
            names[f.option],
            panels[f.panel],
            "Up" if f.to_score > f.from_score else "Down",
            criteria[f.criterion],
            format_score(f.from_score),
            format_score(f.to_score),
            names[f.new_leader],
        )
        for f in flips
    ]
    assert sorted(listed) == sorted(expected)
    assert len(table.rows) == len({(x[0], x[1], x[2], x[6]) for x in expected}) < len(flips)
    intro = sensitivity.blocks[sensitivity.blocks.index(table) - 1]
    assert f"any one of {len(flips)} single scores" in " ".join(
        line for p in intro.parts for line in p.lines
    )


# Layout and wording a clerk would query ---------------------------------------------------


def pages_of(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("cls", ["keep", ""])
def test_a_caption_is_never_left_at_the_foot_of_a_page_without_its_table(settings, cls):
    """The table is pushed down a page a little at a time, through the places where its
    caption would fit at the foot of a page and its first row would not."""
    from django.template.loader import render_to_string

    table = reports.Table(
        "Table 1: Options ranked by weighted value (out of 100)",
        (reports.Column("Option", "w-36"), reports.Column("Rank", "w-10 num")),
        tuple(reports.Row(f"Option row {n}", (reports.Cell(str(n), "num"),)) for n in range(6)),
        cls,
    )
    blocks = render_to_string("reports/_blocks.html", {"blocks": [table]})
    css = f"{settings.STATIC_URL}{reports.STYLESHEETS[0]}"
    stranded = []
    for height in range(220, 252, 2):  # the page has 255 mm for content
        html = (
            f'<html lang="en-GB"><head><title>Caption</title><link rel="stylesheet" '
            f'href="{css}"/></head><body><div style="height: {height}mm">Above</div>'
            f"{blocks}</body></html>"
        )
        pages = pages_of(reports.write_pdf(html))
        caption = next(n for n, text in enumerate(pages) if "Table 1: Options ranked" in text)
        first_row = next(n for n, text in enumerate(pages) if "Option row 0" in text)
        if caption != first_row:
            stranded.append(height)
    assert stranded == []


@pytest.mark.parametrize(
    ("option", "model", "said"),
    [
        ("Do nothing", "Do nothing (business as usual)", "business as usual"),
        ("Do nothing (business as usual)", "Do nothing (business as usual)", ""),
        ("Do nothing, business as usual", "Do nothing (business as usual)", ""),
        ("Option 1 shared service", "Shared service", ""),
        ("Option 2 in house transformation", "In-house transformation", ""),
        ("Shared services", "Shared service (public–public)", "public–public"),
        ("Status quo", "Do nothing (business as usual)", "Do nothing, business as usual"),
        ("Acme joint venture", "Local authority company", "Local authority company"),
        ("Outsource to a company", "Local authority company", "Local authority company"),
    ],
)
def test_the_delivery_model_is_said_only_for_what_it_adds(option, model, said):
    from appraisals.reports.formatting import _model_label

    assert _model_label(option, model) == said


def options_section(appraisal) -> list[str]:
    report = reports.build_report(evaluate(appraisal))
    section = next(s for s in report.sections if s.key == "options")
    return [
        " ".join(line for part in block.parts for line in part.lines)
        for block in section.blocks
        if block.kind == "para"
    ]


def test_an_option_is_not_named_twice_by_its_delivery_model(db, personas):
    from appraisals.models import DeliveryModel

    appraisal = make_report_appraisal(options=2, criteria=2, panels=1, risks=0)
    DeliveryModel.objects.filter(key="do-nothing").update(name="Do nothing (business as usual)")
    paras = options_section(appraisal)
    assert (
        "Do nothing (business as usual): kept as the baseline the other options are measured "
        "against, not as a choice." in paras
    )
    assert any(
        p.startswith("Option 1 shared service (with Partner Borough Council).") for p in paras
    )
    assert any(p.startswith("Option 2 outsourcing. Option 2 described") for p in paras)
    assert not any(re.search(r"\([^()]*\(", p) for p in paras)  # no nested brackets


@pytest.mark.parametrize(
    ("options", "sentence"),
    [
        (
            4,
            "The appraisal short-listed 4 options, beside the baseline, Do nothing. All 5 were "
            "scored",
        ),
        (
            1,
            "The appraisal short-listed 1 option, beside the baseline, Do nothing. Both were "
            "scored",
        ),
    ],
)
def test_the_short_list_is_counted_beside_the_baseline_as_the_task_list_counts_it(
    db, personas, options, sentence
):
    appraisal = make_report_appraisal(options=options, criteria=2, panels=1, risks=0)
    assert any(p.startswith(sentence) for p in options_section(appraisal))


def test_an_illustrative_appraisal_says_so_under_the_title_and_on_every_page(db, personas):
    appraisal = make_report_appraisal(options=1, criteria=2, panels=1, risks=1)
    Appraisal.objects.filter(pk=appraisal.pk).update(illustrative=True)
    appraisal.refresh_from_db()
    assert evaluate(appraisal).document["illustrative"] is True  # the export carries it
    for draft in (True, False):
        pages = pages_of(reports.render_committee_report(appraisal, draft=draft, version=1))
        title = pages[0].index("Future options for corporate services")
        warning = pages[0].index(
            "Illustrative: the scores or figures in this report are illustrative, not the "
            "council’s own."
        )
        assert title < warning < pages[0].index("Committee Full Council")
        # Page 1 says it under the title; its running head, which would repeat the
        # masthead, starts on page 2.
        assert len(pages) > 1
        for page in pages[1:]:
            assert "Lead District Council – ILLUSTRATIVE, NOT THE COUNCIL’S OWN FIGURES" in page


def test_a_report_of_the_councils_own_figures_carries_no_illustrative_mark(rendered):
    assert all("ILLUSTRATIVE" not in page for page in rendered["pages"])
    assert "Illustrative" not in rendered["html"]


def test_the_report_recommends_the_option_officers_marked_and_says_it_does_not_lead(db, personas):
    appraisal = make_report_appraisal(options=3, criteria=2, panels=1, risks=0)
    appraisal.narrative = {**appraisal.narrative, "recommendations": ""}
    appraisal.save()
    result = evaluate(appraisal, samples=0).result
    second = result.ranking[-1]  # ranked below the first place (the test scores tie two)
    assert second.rank > 1
    appraisal.options.filter(key=second.key).update(recommended=True)
    report = reports.build_report(evaluate(appraisal))
    names = dict(appraisal.options.values_list("key", "name"))

    def paras(key: str) -> list[str]:
        section = next(s for s in report.sections if s.key == key)
        return [
            " ".join(line for part in block.parts for line in part.lines)
            for block in section.blocks
            if block.kind == "para"
        ]

    summary = " ".join(paras("summary"))
    assert (
        f"Officers recommend {names[second.key]}, which ranks {ordinal(second.rank)} with"
        in summary
    )
    assert f"with {second.value:.1f} out of 100;" in summary
    assert paras("recommendations") == [
        f"That {names[second.key]} is taken forward as the preferred option, and a full "
        "business case brought back to members before any decision to implement."
    ]


def test_the_drafted_summary_says_the_marked_option_is_not_the_highest_scoring(db, personas):
    appraisal = make_report_appraisal(options=3, criteria=2, panels=1, risks=0)
    appraisal.narrative = {**appraisal.narrative, "summary": "", "recommendations": ""}
    appraisal.save()
    result = evaluate(appraisal, samples=0).result
    last = result.ranking[-1]
    appraisal.options.filter(key=last.key).update(recommended=True)
    report = reports.build_report(evaluate(appraisal))
    section = next(s for s in report.sections if s.key == "summary")
    text = " ".join(
        line
        for block in section.blocks
        if block.kind == "para"
        for p in block.parts
        for line in p.lines
    )
    names = dict(appraisal.options.values_list("key", "name"))
    assert f"The highest-scoring option is {names[result.leader]}" in text
    assert f"Officers recommend {names[last.key]}, which ranks {ordinal(last.rank)} with" in text
    assert "The recommended option is" not in text


def test_figures_are_numbered_like_tables_and_linked_from_the_text(db):
    """Each chart has a numbered caption, "Figure 1: …" in the body and "Figure B1: …" in
    Appendix B, numbered without gaps in the order printed, and the text's "Figure n" links
    to it; the caption reads as one phrase (no second colon), the description stays."""
    evaluation = evaluate(make_report_appraisal(options=3, criteria=4, panels=2, risks=2))
    report = reports.build_report(evaluation)
    for part in (report.sections, *([a] for a in report.appendices)):
        figures = [b for s in part for b in s.blocks if b.kind == "chart"]
        prefix = part[0].number if part[0] in report.appendices else ""
        assert [f.number for f in figures] == [f"{prefix}{n}" for n in range(1, len(figures) + 1)]
        for figure in figures:
            assert re.fullmatch(rf"Figure {figure.number}: [A-Z][^:]+", figure.label), figure.label
            assert report.links[f"Figure {figure.number}"] == (
                f"Figure {figure.number}",
                f"figure-{figure.number.lower()}",
            )
    html = reports.render_html(evaluation=evaluation)
    for number in ("1", "b1", "d1", "d2"):
        assert '<figure class="chart' in html and f'id="figure-{number}"' in html, number
        assert f'<a href="#figure-{number}">Figure {number.upper()}</a>' in html, number
    chart = next(b.chart for s in report.appendices for b in s.blocks if b.kind == "chart")
    assert f"<strong>Figure B1: {chart.title}.</strong> {chart.description}" in html.replace(
        "&#x27;", "'"
    )
    assert "Chart:" not in html
