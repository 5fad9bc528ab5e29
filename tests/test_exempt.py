"""Exempt information (issue 13 point 5): parts marked exempt under Schedule 12A are left out
of the open report (PDF, web, Word), the exports and the pages for anyone not entitled to
them, and are in a separate exempt appendix for those who are.

The figures searched for are the actual ones: the exempt option's yearly figures and its net
present values and payback as the pages print them, and the exempt risk's words.
"""

from __future__ import annotations

import html
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from appraisals import actions, exempt, interchange, reports
from appraisals.models import Appraisal, Change, ExemptPart, FinancialCase, Risk
from appraisals.reports import word
from appraisals.reports.exempt_appendix import exempt_appendix
from appraisals.results import evaluate
from appraisals.templatetags.councilopts import pounds

# Figures no other part of the appraisal has, so finding one anywhere is a leak.
COSTS = [987_654, 0, 0, 0]
SAVINGS = {
    "low": [0, 1_111_111, 1_111_111, 1_111_111],
    "central": [0, 1_234_567, 1_234_567, 1_234_567],
    "high": [0, 1_357_913, 1_357_913, 1_357_913],
}
RISK_WORDS = "Zanzibar Holdings may withdraw its bid"
CONSEQUENCES = "Quagmire penalty clause triggered"
SECTION_WORDS = "Counsel advised that the Wibblewobble clause is void"
REASON = "Publishing the prices of bidders now would weaken the council in negotiation."


def _url(appraisal, name="exempt", *args) -> str:
    return reverse(f"appraisals:{name}", args=[appraisal.reference, *args])


@pytest.fixture
def marked(personas):
    """Option 1's financial case, one risk and the legal section are exempt (paragraph 3);
    option 2's financial case is open."""
    appraisal = personas.appraisal
    option = appraisal.options.get(key="option-1")
    FinancialCase.objects.create(
        option=option,
        costs=COSTS,
        savings_low=SAVINGS["low"],
        savings_central=SAVINGS["central"],
        savings_high=SAVINGS["high"],
    )
    FinancialCase.objects.create(
        option=appraisal.options.get(key="option-2"),
        costs=[50_000, 0, 0, 0],
        savings_low=[0, 20_000, 20_000, 20_000],
        savings_central=[0, 30_000, 30_000, 30_000],
        savings_high=[0, 40_000, 40_000, 40_000],
    )
    Risk.objects.create(
        appraisal=appraisal,
        risk="Staff morale falls during the change",
        likelihood=2,
        impact=2,
        residual_likelihood=1,
        residual_impact=2,
        order=1,
    )
    risk = Risk.objects.create(
        appraisal=appraisal,
        option=option,
        risk=RISK_WORDS,
        consequences=CONSEQUENCES,
        likelihood=5,
        impact=5,
        controls="Escrow with Xylophone Bank",
        residual_likelihood=4,
        residual_impact=5,
        owner="Director of Widgetry",
        order=2,
    )
    appraisal.narrative = {"legal": SECTION_WORDS}
    appraisal.save()
    user = personas.officer
    actions.mark_exempt(
        appraisal=appraisal, user=user, kind="finance", option=option, paragraph=3, reason=REASON
    )
    actions.mark_exempt(
        appraisal=appraisal, user=user, kind="risk", risk=risk, paragraph=3, reason=REASON
    )
    actions.mark_exempt(
        appraisal=appraisal,
        user=user,
        kind="section",
        section="legal",
        paragraph=5,
        reason="Advice.",
    )
    appraisal.refresh_from_db()
    return personas


def secrets(appraisal) -> list[str]:
    """Every exempt figure and word, as the report, the pages and the exports print them."""
    f = evaluate(appraisal).finance["option-1"]
    found = [
        RISK_WORDS,
        CONSEQUENCES,
        "Xylophone",
        "Widgetry",
        SECTION_WORDS,
        "987,654",
        "987654",
        "1,234,567",
        "1234567",
        "1,357,913",
        "1,111,111",
        pounds(f.npv_central),
        pounds(f.npv_low),
        pounds(f.npv_high),
        pounds(f.one_off_costs),
    ]
    return found


def assert_no_secrets(text: str, appraisal) -> None:
    leaks = [s for s in secrets(appraisal) if s in text]
    assert not leaks, f"exempt information found: {leaks}"


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def docx_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


# Marking, and who may -------------------------------------------------------------------------


def test_an_officer_marks_a_part_exempt_with_paragraph_and_reason(client, personas):
    appraisal = personas.appraisal
    FinancialCase.objects.create(
        option=appraisal.options.get(key="option-1"), costs=[1, 0], savings_central=[0, 5]
    )
    client.force_login(personas.officer)
    page = client.get(_url(appraisal))
    assert page.status_code == 200
    assert "Financial case: Option 1" in page.text
    # The reason is required.
    refused = client.post(
        _url(appraisal),
        {"part": "finance:option-1", "paragraph": "3", "reason": "  ", "loaded": ""},
    )
    assert refused.status_code == 200
    assert "Enter why the public interest favours keeping it exempt" in refused.text
    assert not ExemptPart.objects.exists()
    saved = client.post(
        _url(appraisal), {"part": "finance:option-1", "paragraph": "3", "reason": REASON}
    )
    assert saved.status_code == 302
    part = ExemptPart.objects.get()
    assert (part.kind, part.option.key, part.paragraph, part.reason) == (
        "finance",
        "option-1",
        3,
        REASON,
    )
    change = Change.objects.get(kind="exempt")
    assert (change.subject, change.new) == ("Financial case: Option 1", f"paragraph 3: {REASON}")
    # Marked once only: it is no longer offered.
    assert "finance:option-1" not in client.get(_url(appraisal)).text


def test_every_role_reads_what_is_exempt_but_only_officers_change_it(client, marked):
    appraisal = marked.appraisal
    for user in (marked.officer, marked.admin, marked.member, marked.partner_officer):
        client.force_login(user)
        page = client.get(_url(appraisal))
        assert page.status_code == 200
        assert "Financial case: Option 1" in page.text and REASON in page.text
        # The risk is named by its ID, never its words, on the page everyone reads.
        assert "Risk R2" in page.text
        editing = user in (marked.officer, marked.admin)
        assert ("Mark a part as exempt" in page.text) == editing
    for user in (marked.member, marked.partner_officer):
        client.force_login(user)
        post = client.post(
            _url(appraisal), {"part": "section:risk", "paragraph": "3", "reason": "x"}
        )
        assert post.status_code == 403
        part = ExemptPart.objects.first()
        assert client.post(_url(appraisal, "exempt-remove", part.pk)).status_code == 403
        assert (
            client.post(
                _url(appraisal, "exempt-partners"), {"exempt_to_partners": "on"}
            ).status_code
            == 403
        )
    assert ExemptPart.objects.count() == 3
    assert not Appraisal.objects.get(pk=appraisal.pk).exempt_to_partners


def test_another_council_gets_404_on_every_new_page(client, marked):
    appraisal = marked.appraisal
    part = ExemptPart.objects.first()
    client.force_login(marked.outsider)
    assert client.get(_url(appraisal)).status_code == 404
    assert client.get(_url(appraisal, "exempt-appendix")).status_code == 404
    assert client.post(_url(appraisal), {"part": "section:risk"}).status_code == 404
    assert client.post(_url(appraisal, "exempt-remove", part.pk)).status_code == 404
    assert client.post(_url(appraisal, "exempt-partners")).status_code == 404
    assert ExemptPart.objects.count() == 3


def test_taking_a_mark_off_is_recorded_and_refused_when_stale(client, marked):
    appraisal = marked.appraisal
    part = ExemptPart.objects.get(kind="section")
    client.force_login(marked.officer)
    page = client.get(_url(appraisal)).text
    stamp = page.split(f'/exempt/{part.pk}/remove/"', 1)[1].split('name="loaded" value="', 1)[1]
    stamp = stamp.split('"', 1)[0]
    # Another officer changes the reason meanwhile: the click is refused.
    ExemptPart.objects.filter(pk=part.pk).update(reason="A new reason.")
    Change.objects.create(appraisal=appraisal, user=marked.admin, kind="exempt", subject="x")
    client.post(_url(appraisal, "exempt-remove", part.pk), {"loaded": stamp})
    assert ExemptPart.objects.filter(pk=part.pk).exists()
    page = client.get(_url(appraisal)).text
    stamp = page.split(f'/exempt/{part.pk}/remove/"', 1)[1].split('name="loaded" value="', 1)[1]
    client.post(_url(appraisal, "exempt-remove", part.pk), {"loaded": stamp.split('"', 1)[0]})
    assert not ExemptPart.objects.filter(pk=part.pk).exists()
    change = Change.objects.filter(kind="exempt").order_by("-pk").first()
    assert (change.subject, change.new) == ("Section: Legal implications and powers", "open")


def test_a_stale_mark_is_refused(client, marked):
    """The add form carries its stamp: a partners' setting changed meanwhile refuses it."""
    appraisal = marked.appraisal
    client.force_login(marked.officer)
    page = client.get(_url(appraisal)).text
    form = page.split('action="/appraisals/test-appraisal/exempt/partners/"', 1)[1]
    stamp = form.split('name="loaded" value="', 1)[1].split('"', 1)[0]
    actions.set_exempt_to_partners(appraisal=appraisal, user=marked.admin, allowed=True)
    client.post(_url(appraisal, "exempt-partners"), {"loaded": stamp})
    # Refused: the setting the officer did not see stays as the other officer left it.
    assert Appraisal.objects.get(pk=appraisal.pk).exempt_to_partners


def test_marking_is_refused_once_issued(client, marked):
    appraisal = marked.appraisal
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.ISSUED)
    part = ExemptPart.objects.first()
    client.force_login(marked.officer)
    client.post(_url(appraisal), {"part": "section:risk", "paragraph": "3", "reason": "x"})
    client.post(_url(appraisal, "exempt-remove", part.pk))
    client.post(_url(appraisal, "exempt-partners"), {"exempt_to_partners": "on"})
    assert ExemptPart.objects.count() == 3
    assert not Appraisal.objects.get(pk=appraisal.pk).exempt_to_partners


# The open report ------------------------------------------------------------------------------


def test_the_open_report_leaves_the_exempt_parts_out_and_says_where_they_are(marked):
    appraisal = marked.appraisal
    report = reports.build_report(evaluate(appraisal))
    text = json.dumps(
        [s.blocks for s in report.sections + report.appendices], default=str, ensure_ascii=False
    )
    assert_no_secrets(text, appraisal)
    # Appendices A to E, then the exempt one: F (no attached papers).
    assert "exempt Appendix F" in text
    listing = next(s for s in report.sections if s.key == "appendices")
    said = json.dumps(listing.blocks, default=str, ensure_ascii=False)
    assert "Appendix F: Exempt information (exempt under paragraphs 3 and 5)" in said
    assert "paragraph 3. " + REASON in said  # each part's Schedule 12A status
    status = next(r for r in report.header if r.label == "Status")
    assert "except" in status.value and "exempt" in status.value
    # The open option's figures stay.
    assert pounds(evaluate(appraisal).finance["option-2"].npv_central) in text


def test_the_exempt_letter_follows_the_attached_papers_and_the_changes_appendix_follows_it(
    marked,
):
    appraisal = marked.appraisal
    appraisal.narrative = {
        **appraisal.narrative,
        "appendices": "Business case\nBidders' prices (exempt, paragraph 3)",
    }
    appraisal.save()
    marks = exempt.marks_of(evaluate(appraisal).document)
    assert marks.letter == "H"
    report = reports.build_report(evaluate(appraisal))
    listing = json.dumps(
        next(s for s in report.sections if s.key == "appendices").blocks,
        default=str,
        ensure_ascii=False,
    )
    assert "Appendix F: Business case" in listing
    assert "Appendix G: Bidders' prices (exempt under paragraph 3)" in listing
    assert "Appendix H: Exempt information" in listing


def test_the_risk_register_results_page_and_report_letter_the_exempt_appendix_alike(
    client, marked, monkeypatch
):
    appraisal = marked.appraisal
    appraisal.narrative = {**appraisal.narrative, "appendices": "Business case\nSite plan"}
    appraisal.save()
    client.force_login(marked.partner_officer)
    pages = [client.get(_url(appraisal, name)).content.decode() for name in ("risks", "results")]
    assert all("see exempt Appendix H." in page for page in pages)
    report = reports.build_report(evaluate(appraisal))
    listing = json.dumps(
        next(s for s in report.sections if s.key == "appendices").blocks,
        default=str,
        ensure_ascii=False,
    )
    assert "Appendix H: Exempt information" in listing
    # Both pages' notes take the letter from the one function, not a reckoning of their own.
    monkeypatch.setattr(exempt, "appendix_where", lambda appraisal: "exempt Appendix Q")
    for name in ("risks", "results"):
        page = client.get(_url(appraisal, name)).content.decode()
        assert "see exempt Appendix Q." in page, name


def test_the_executive_summary_says_where_an_exempt_leaders_finance_is(marked):
    appraisal = marked.appraisal
    evaluation = evaluate(appraisal)
    # Make option 1 the leader by scoring it top.
    leader = evaluation.leader
    if leader != "option-1":
        actions_mark = ExemptPart.objects.get(kind="finance")
        FinancialCase.objects.filter(option__key=leader, option__appraisal=appraisal).delete()
        FinancialCase.objects.create(
            option=appraisal.options.get(key=leader),
            costs=COSTS,
            savings_low=SAVINGS["low"],
            savings_central=SAVINGS["central"],
            savings_high=SAVINGS["high"],
        )
        ExemptPart.objects.filter(pk=actions_mark.pk).update(
            option=appraisal.options.get(key=leader)
        )
    report = reports.build_report(evaluate(appraisal))
    summary = json.dumps(
        next(s for s in report.sections if s.key == "summary").blocks,
        default=str,
        ensure_ascii=False,
    )
    assert "is in exempt Appendix F, not for publication" in summary
    assert_no_secrets(summary, appraisal)


def test_the_report_pdf_web_page_and_word_never_hold_the_exempt_figures(marked):
    appraisal = marked.appraisal
    evaluation = evaluate(appraisal)
    html = reports.render_html(evaluation=evaluation, draft=True)
    assert_no_secrets(html, appraisal)
    assert "exempt Appendix F" in html
    pdf = reports.write_pdf(html)
    assert_no_secrets(pdf_text(pdf), appraisal)
    docx = word.render_word(evaluation, draft=True)
    assert_no_secrets(docx_text(docx), appraisal)
    assert "exempt Appendix F" in docx_text(docx)


# The exempt appendix -----------------------------------------------------------------------


def test_the_exempt_appendix_holds_every_exempt_part_marked_not_for_publication(marked):
    appraisal = marked.appraisal
    paper = exempt_appendix(appraisal, evaluate(appraisal))
    text = json.dumps(
        [paper.mark, paper.to, paper.header, [s.blocks for s in paper.sections]],
        default=str,
        ensure_ascii=False,
    )
    assert "NOT FOR PUBLICATION" in paper.mark
    assert REASON in text and "paragraph 3" in text
    for found in (RISK_WORDS, CONSEQUENCES, SECTION_WORDS, "£987,654", "£1,234,567"):
        assert found in text


def test_lead_officers_and_members_download_the_exempt_appendix_partners_only_when_allowed(
    client, marked
):
    appraisal = marked.appraisal
    url = _url(appraisal, "exempt-appendix")
    for user in (marked.officer, marked.admin):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(marked.member)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "NOT FOR PUBLICATION" in text
    assert "Zanzibar" in text and "987,654" in text
    client.force_login(marked.partner_officer)
    assert client.get(url).status_code == 404
    assert "Download exempt Appendix" not in client.get(_url(appraisal)).text
    actions.set_exempt_to_partners(appraisal=appraisal, user=marked.officer, allowed=True)
    assert client.get(url).status_code == 200


def test_the_exempt_appendix_passes_the_pdf_ua_checks_the_report_does(client, marked, tmp_path):
    import pikepdf

    from tests.test_decision_pdf import pdf_ua_findings
    from tests.test_report_pdf_structure import (
        BOTTOM_MARGIN,
        TOP_MARGIN,
        text_positions,
        tree,
        walk,
    )

    client.force_login(marked.officer)
    pdf = client.get(_url(marked.appraisal, "exempt-appendix")).content
    assert pdf_ua_findings(pdf, tmp_path) == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert doc.Root.PageMode == "/UseOutlines"
        assert str(doc.Root.Lang) == "en-GB"
        kinds = [e.kind for e in walk(tree(doc))]
        assert kinds.count("/H1") == 1 and kinds.count("/H2") == 4  # why, and three parts
        assert "/Table" in kinds
        height = float(doc.pages[0].mediabox[3])
        for page in doc.pages:
            margins = [
                tagged
                for y, tagged in text_positions(page)
                if y < TOP_MARGIN or y > height - BOTTOM_MARGIN
            ]
            assert margins and not any(margins)  # running heads are artifacts


# Exports and the pages, per user ----------------------------------------------------------------


def _downloads(client, appraisal) -> dict[str, str]:
    got = {}
    got["json"] = client.get(_url(appraisal, "export-json")).content.decode()
    xlsx = client.get(_url(appraisal, "export-xlsx")).content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    got["xlsx"] = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )
    got["csv"] = client.get(_url(appraisal, "export-scores-csv")).content.decode()
    got["results"] = client.get(_url(appraisal, "results")).content.decode()
    got["finances"] = client.get(_url(appraisal, "finances")).content.decode()
    got["risks"] = client.get(_url(appraisal, "risks")).content.decode()
    got["history"] = client.get(_url(appraisal, "history")).content.decode()
    return got


def test_a_partners_officer_never_sees_the_exempt_figures(client, marked):
    appraisal = marked.appraisal
    client.force_login(marked.partner_officer)
    for name, text in _downloads(client, appraisal).items():
        leaks = [s for s in secrets(appraisal) if s in text]
        assert not leaks, f"{name}: {leaks}"
    got = _downloads(client, appraisal)
    assert "exempt Appendix F" in got["results"]
    # The opened document still says what is exempt, and why.
    doc = json.loads(got["json"])
    assert [p["part"] for p in doc["report"]["exempt"]] == ["finance", "risk", "section"]
    assert "option-1" not in doc["finance"]["options"] and "option-2" in doc["finance"]["options"]


def test_the_lead_councils_officer_sees_everything(client, marked):
    appraisal = marked.appraisal
    client.force_login(marked.officer)
    got = _downloads(client, appraisal)
    assert "1234567" in got["json"] and RISK_WORDS in got["json"]
    assert "1234567" in got["xlsx"]
    assert RISK_WORDS in got["risks"]
    assert pounds(evaluate(appraisal).finance["option-1"].npv_central) in got["finances"]


def test_a_partner_allowed_by_the_lead_council_sees_everything(client, marked):
    appraisal = marked.appraisal
    actions.set_exempt_to_partners(appraisal=appraisal, user=marked.officer, allowed=True)
    client.force_login(marked.partner_officer)
    got = _downloads(client, appraisal)
    assert "1234567" in got["json"] and RISK_WORDS in got["risks"]


# The document -------------------------------------------------------------------------------


def test_the_marks_travel_in_the_document_and_import_back(marked):
    appraisal = marked.appraisal
    doc = interchange.export_document(appraisal)
    assert doc["report"]["exempt"] == [
        {"part": "finance", "option": "option-1", "paragraph": 3, "reason": REASON},
        {"part": "risk", "risk": 1, "paragraph": 3, "reason": REASON},
        {"part": "section", "section": "legal", "paragraph": 5, "reason": "Advice."},
    ]
    copy = {**doc, "reference": "copied"}
    interchange.import_document(document=copy)
    assert interchange.export_document(Appraisal.objects.get(reference="copied")) == copy
    # Replacing it keeps no stale marks.
    interchange.import_document(
        document={**copy, "report": {**copy["report"], "exempt": []}}, replace=True
    )
    assert not ExemptPart.objects.filter(appraisal__reference="copied").exists()


def test_a_partners_download_with_an_exempt_risk_is_refused_on_import_saying_why(
    client, exempt_risk_to_all
):
    """A partner's JSON leaves out the exempt risk's ratings and the exempt financial case.
    Importing it is refused at each gap, saying why, and nothing is made up in their place."""
    appraisal, partner = exempt_risk_to_all.appraisal, exempt_risk_to_all.partner_officer
    client.force_login(partner)
    doc = json.loads(client.get(_url(appraisal, "export-json")).content)
    doc |= {"reference": "partners-copy", "lead_authority": exempt_risk_to_all.partner.name}
    upload = SimpleUploadedFile("copy.json", json.dumps(doc).encode())
    response = client.post(reverse("appraisals:appraisal-import"), {"document": upload})
    text = html.unescape(response.content.decode())
    withheld = (
        "risks[1]: this risk is exempt, and its likelihood and impact were withheld from the "
        "council that downloaded the file, so the file cannot be imported: ask the lead "
        "council's officers for a copy they downloaded"
    )
    assert withheld in text
    assert "risks[1].likelihood" not in text  # not four missing numbers
    assert (
        'report.exempt[0].option: "option-1" has no financial case in finance.options. A '
        "download for a council that may not see exempt information leaves an exempt case "
        "out, and cannot be imported"
    ) in text
    assert not Appraisal.objects.filter(reference="partners-copy").exists()
    # The partner's workbook, likewise.
    book = interchange.read_file("copy.xlsx", client.get(_url(appraisal, "export-xlsx")).content)
    said = [str(p) for p in interchange.validate_document(book) if p.path.startswith("risks")]
    assert said == [withheld]
    # The lead council's officer's download, with every rating, imports.
    whole = interchange.export_document(appraisal)
    assert interchange.validate_document({**whole, "reference": "leads-copy"}) == []


def test_a_document_from_before_exempt_parts_reads_back_the_same(personas):
    doc = interchange.export_document(personas.appraisal)
    assert "exempt" not in doc["report"] and "exempt_to_partners" not in doc["report"]
    copy = {**doc, "reference": "old-document"}
    interchange.import_document(document=copy)
    assert interchange.export_document(Appraisal.objects.get(reference="old-document")) == copy


@pytest.mark.parametrize(
    ("part", "problem"),
    [
        ({"part": "finance", "option": "nope", "paragraph": 3, "reason": "r"}, "option"),
        ({"part": "risk", "risk": 7, "paragraph": 3, "reason": "r"}, "risk"),
        ({"part": "section", "section": "legal", "paragraph": 8, "reason": "r"}, "paragraph"),
        ({"part": "section", "section": "legal", "paragraph": 3, "reason": " "}, "reason"),
        ({"part": "secret", "paragraph": 3, "reason": "r"}, "part"),
    ],
)
def test_a_bad_mark_is_refused_with_its_path(personas, part, problem):
    doc = interchange.export_document(personas.appraisal)
    doc["report"]["exempt"] = [part]
    problems = interchange.validate_document(doc)
    assert [p.path for p in problems] == [f"report.exempt[0].{problem}"]


def test_what_changed_reports_a_part_marked_exempt(marked):
    from appraisals import changes
    from appraisals.results import snapshot_of

    appraisal = marked.appraisal
    before = snapshot_of(evaluate(appraisal))
    part = ExemptPart.objects.get(kind="section")
    actions.unmark_exempt(appraisal=appraisal, user=marked.officer, part=part)
    after = snapshot_of(evaluate(appraisal))
    titles = [(n.key, n.title) for n in reports.NARRATIVE_SECTIONS]
    comparison = changes.compare(before, after, section_titles=titles)
    said = [c.text for g in comparison.groups for c in g.changes]
    assert "The section “Legal implications and powers” is no longer exempt." in said, said
    # The text now open is reported as written; nothing else changed.
    assert len(said) == 1 or all("exempt" in s or "Legal" in s for s in said), said


def test_search_finds_an_exempt_risk_and_section_only_for_those_who_may_read_them(marked):
    from appraisals.search import search

    appraisal = marked.appraisal
    # Issued, the report's text is searchable by all its readers: but not the exempt section.
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.ISSUED)
    for user, finds in (
        (marked.officer, True),
        (marked.member, True),
        (marked.partner_officer, False),
    ):
        assert bool(search(user, "Zanzibar")) == finds
        assert bool(search(user, "Wibblewobble")) == finds
    # The open risk is found by everyone.
    assert search(marked.partner_officer, "morale")


def test_the_marks_survive_a_workbook_and_back(marked):
    appraisal = marked.appraisal
    actions.set_exempt_to_partners(appraisal=appraisal, user=marked.officer, allowed=True)
    doc = interchange.export_document(appraisal)
    back = interchange.xlsx_to_document(interchange.document_to_xlsx(doc))
    assert back["report"]["exempt"] == doc["report"]["exempt"]
    assert back["report"]["exempt_to_partners"] is True
    assert interchange.validate_document(back) == []


def test_a_workbook_without_marks_has_no_exempt_sheet(personas):
    doc = interchange.export_document(personas.appraisal)
    book = openpyxl.load_workbook(io.BytesIO(interchange.document_to_xlsx(doc)))
    assert "Exempt" not in book.sheetnames
    back = interchange.xlsx_to_document(interchange.document_to_xlsx(doc))
    assert "exempt" not in back["report"] and "exempt_to_partners" not in back["report"]


def test_an_issued_versions_exempt_appendix_is_kept_as_issued(client, marked):
    from appraisals.actions.report import _keep_exempt_appendix
    from tests.test_decision import issue

    appraisal = marked.appraisal
    version = issue(appraisal)
    _keep_exempt_appendix(appraisal, evaluate(appraisal), version)
    # Reopened and changed: the risk is no longer exempt, and is reworded.
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.REVIEW)
    ExemptPart.objects.filter(kind="risk").delete()
    Risk.objects.filter(risk=RISK_WORDS).update(risk="Reworded")
    url = _url(appraisal, "version-exempt-appendix", version.number)
    client.force_login(marked.member)
    kept = client.get(url)
    assert kept.status_code == 200
    text = pdf_text(kept.content)
    assert "Zanzibar" in text and "to version 1 of the report" in " ".join(text.split())
    assert (
        "exempt appendix (PDF, not for publication)"
        in client.get(_url(appraisal, "versions")).content.decode()
    )
    client.force_login(marked.partner_officer)
    assert client.get(url).status_code == 404
    assert "exempt appendix (PDF" not in client.get(_url(appraisal, "versions")).content.decode()
    client.force_login(marked.outsider)
    assert client.get(url).status_code == 404
    # A version without exempt parts has none.
    client.force_login(marked.officer)
    other = issue(appraisal)
    assert client.get(_url(appraisal, "version-exempt-appendix", other.number)).status_code == 404


def test_a_partners_dashboard_withholds_an_exempt_options_figures(marked):
    from appraisals import dashboard
    from appraisals.models import Option, PartnerShare

    appraisal = marked.appraisal
    Option.objects.filter(appraisal=appraisal, key="option-1").update(recommended=True)
    case = FinancialCase.objects.get(option__appraisal=appraisal, option__key="option-1")
    PartnerShare.objects.create(financial_case=case, authority=marked.lead, share=0.5, order=0)
    PartnerShare.objects.create(financial_case=case, authority=marked.partner, share=0.5, order=1)

    def line(council):
        (found,) = dashboard.lines(council, dashboard.council_appraisals(council))
        return found

    assert line(marked.lead).npv_central is not None
    assert line(marked.partner).npv_central is None
    actions.set_exempt_to_partners(appraisal=appraisal, user=marked.officer, allowed=True)
    assert line(marked.partner).npv_central is not None


# Where features meet (review) -----------------------------------------------------------------


def test_the_results_pages_kept_charts_never_carry_an_officers_figures_to_a_partner(client, marked):
    """The charts and tables kept under the evaluation's fingerprint (results.derived): the
    opened evaluation is kept apart, whoever opens the page first."""
    appraisal = marked.appraisal
    npv = pounds(evaluate(appraisal).finance["option-1"].npv_central).replace("£", "")
    client.force_login(marked.officer)
    assert npv in client.get(_url(appraisal, "results")).content.decode()
    client.force_login(marked.partner_officer)
    assert_no_secrets(client.get(_url(appraisal, "results")).content.decode(), appraisal)
    # And the other way round: the officer is not given the partner's opened chart.
    from django.core.cache import cache

    cache.clear()
    client.get(_url(appraisal, "results"))
    client.force_login(marked.officer)
    assert npv in client.get(_url(appraisal, "results")).content.decode()


def _implementing(marked, chosen="option-1"):
    """Issued, decided for `chosen` and being implemented, with a year of actual figures
    entered (as the benefits page records it)."""
    from appraisals.models import ActualYear
    from tests.test_decision import decide, issue

    appraisal = marked.appraisal
    issue(appraisal)
    decide(appraisal, marked.officer, chosen_option=chosen)
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.IMPLEMENTING)
    appraisal.refresh_from_db()
    actions.save_actual_year(
        appraisal=appraisal,
        user=marked.officer,
        year=1,
        fields={"costs": 876_543, "savings": 765_432, "note": ""},
    )
    assert ActualYear.objects.filter(appraisal=appraisal).exists()
    return appraisal


def test_the_history_keeps_an_exempt_chosen_options_actual_figures_from_a_partner(client, marked):
    appraisal = _implementing(marked)
    client.force_login(marked.partner_officer)
    page = client.get(_url(appraisal, "history")).content.decode()
    assert "876,543" not in page and "765,432" not in page
    client.force_login(marked.officer)
    assert "876,543" in client.get(_url(appraisal, "history")).content.decode()


def test_actual_figures_follow_the_chosen_options_mark_in_the_opened_document(client, marked):
    appraisal = _implementing(marked)
    whole = interchange.export_document(appraisal, after=True)
    assert whole["after_decision"]["actuals"]
    assert "actuals" not in exempt.open_document(whole)["after_decision"]
    client.force_login(marked.partner_officer)
    got = json.loads(client.get(_url(appraisal, "export-json")).content)
    assert "actuals" not in got["after_decision"]
    # Option 2's case is open: its actual figures are too, as on the benefits page.
    whole["after_decision"]["decision"]["chosen_option"] = "option-2"
    assert exempt.open_document(whole)["after_decision"]["actuals"]


# An exempt risk's ratings (the whole of an exempt risk is exempt) ------------------------------

# The exempt risk is rated 5 × 5 = 25 before controls and 4 × 5 = 20 after, both very high;
# the open one 2 × 2 = 4 and 1 × 2 = 2, both low. Any of these in an open view is a leak.
RATING_LEAKS = [
    r"5 × 5",
    r"4 × 5",
    r"= 25\b",
    r"= 20\b",
    r"\b25,? very high",
    r"\b20,? very high",
    r"\b2[05] out of 25",
    r"\b5 5 25\b",
    r"\b4 5 20\b",
]


def assert_no_ratings(text: str, where: str = "") -> None:
    import re

    text = " ".join(text.split())
    leaks = [p for p in RATING_LEAKS if re.search(p, text, re.IGNORECASE)]
    assert not leaks, f"the exempt risk's ratings found {where}: {leaks}"


@pytest.fixture
def exempt_risk_to_all(marked):
    """The exempt risk made a risk to the whole appraisal, so the summary weighs it."""
    Risk.objects.filter(appraisal=marked.appraisal, risk=RISK_WORDS).update(option=None)
    return marked


def test_the_open_report_never_holds_an_exempt_risks_ratings(exempt_risk_to_all):
    appraisal = exempt_risk_to_all.appraisal
    evaluation = evaluate(appraisal)
    # The whole evaluation (the exempt appendix's) has them.
    assert [rv.after.score for rv in evaluation.risks] == [2, 20]
    html = reports.render_html(evaluation=evaluation, draft=True)
    assert_no_ratings(html)
    text = " ".join(pdf_text(reports.write_pdf(html)).split())
    assert_no_ratings(text)
    assert "One risk is exempt and not shown: see exempt Appendix F." in text
    assert_no_ratings(docx_text(word.render_word(evaluation, draft=True)))
    # The main risk remaining is the open one, and the summary says one is left out.
    report = reports.build_report(evaluation)
    summary = json.dumps(
        next(s for s in report.sections if s.key == "summary").blocks,
        default=str,
        ensure_ascii=False,
    )
    assert "rated low (2 out of 25)" in summary
    assert "One risk is exempt and not counted: see exempt Appendix F." in summary
    # No high risk is counted from it in the body.
    body = json.dumps(
        next(s for s in report.sections if s.key == "risk").blocks, default=str, ensure_ascii=False
    )
    assert "No risk is rated high or very high" in body


def test_the_open_heat_maps_leave_an_exempt_risk_out_and_say_so(marked):
    from appraisals import charts

    opened = exempt.open_evaluation(evaluate(marked.appraisal))
    for residual in (False, True):
        chart = charts.risk_heat_map(opened, residual=residual)
        assert [row[0] for row in chart.rows] == ["R1"]
        assert "R2" not in chart.svg
        assert "one risk, rated low. One risk is exempt and not shown." in chart.description
    # The exempt appendix still gives it in full.
    paper = exempt_appendix(marked.appraisal, evaluate(marked.appraisal))
    text = json.dumps([s.blocks for s in paper.sections], default=str, ensure_ascii=False)
    assert "5 × 5 = 25, very high" in text and "4 × 5 = 20, very high" in text


def test_the_heat_map_words_its_withheld_risks_as_the_exempt_note_does(marked):
    """One sentence, worded in one place (`exempt.withheld_note`): under the heat map it
    simply stops before "see …", which the page says once beside both maps."""
    from appraisals import charts

    opened = exempt.open_evaluation(evaluate(marked.appraisal))
    chart = charts.risk_heat_map(opened, residual=False)
    assert exempt.withheld_note(1) == "One risk is exempt and not shown."
    assert exempt.withheld_note(2, what="not counted") == "2 risks are exempt and not counted."
    assert exempt.withheld_note(0) == ""
    assert chart.description.endswith(" " + exempt.withheld_note(1))


def test_a_partners_officer_never_sees_an_exempt_risks_ratings(client, exempt_risk_to_all):
    appraisal = exempt_risk_to_all.appraisal
    client.force_login(exempt_risk_to_all.partner_officer)
    got = _downloads(client, appraisal)
    for name, text in got.items():
        assert_no_ratings(text, name)
    (_, risk) = json.loads(got["json"])["risks"]
    assert [risk[k] for k in exempt.RATINGS] == [None] * 4
    # Said once under the two heat maps, not under each.
    assert got["results"].count("One risk is exempt and not shown: see exempt Appendix F.") == 1
    assert got["risks"].count("One risk is exempt and not shown: see exempt Appendix F.") == 1
    # The lead council's officer sees them.
    client.force_login(exempt_risk_to_all.officer)
    assert "5 × 5" in client.get(_url(appraisal, "risks")).content.decode()
