"""The parts a council report has, and nothing unfinished reaching a reader unmarked: the
header block and sections a draft marks as missing, what issuing refuses without, the powers
and TUPE from the catalogue, the list of appendices with exempt ones apart, background
papers, the contact officer, and the demo reports with nothing unset."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from appraisals import reports
from appraisals.interchange import import_document
from appraisals.models import Appraisal, DeliveryModel
from appraisals.reports.structure import Para
from appraisals.results import evaluate
from tests.test_reports_data import ensure_delivery_models, meeting_ahead, report_document

pytestmark = pytest.mark.django_db

NEVER_ISSUED = (
    "Not set",
    "None recorded",
    "[Not yet written.]",
    "Not yet written",
    "Not yet entered",
)
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def imported(**report_changes) -> Appraisal:
    ensure_delivery_models()
    doc = report_document(options=3, panels=2, risks=2)
    narrative = report_changes.pop("narrative", None)
    doc["report"].update(report_changes)
    if narrative is not None:
        doc["report"]["narrative"] = narrative
    return import_document(document=doc).appraisal


def built(appraisal: Appraisal, *, draft: bool = True) -> reports.Report:
    return reports.build_report(evaluate(appraisal, samples=200), draft=draft)


def text_of(section) -> str:
    return " ".join(
        line if isinstance(part_or_line, str) else ""
        for block in section.blocks
        if isinstance(block, Para)
        for part in block.parts
        for part_or_line in (part.lines + part.items)
        for line in [part_or_line]
    )


def appendix_text(report, key):
    return text_of(next(a for a in report.appendices if a.key == key))


def section(report, key):
    return next(s for s in report.sections if s.key == key)


def header(report) -> dict[str, reports.HeaderRow]:
    return {row.label: row for row in report.header}


def test_a_draft_marks_every_missing_header_field_and_unwritten_section_in_a_box():
    appraisal = imported(
        author="", contact_telephone="", contact_email="", officers_consulted="", narrative={}
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(agenda_item="", meeting_date=None)
    report = built(appraisal)
    rows = header(report)
    for label in ("Date of meeting", "Agenda item", "Report author", "Officers consulted"):
        assert rows[label].missing == "Not yet entered" and rows[label].value == "", label
    assert rows["Contact officer"].lines == ["Jane Officer, Head of Transformation"]
    assert rows["Contact officer"].missing == "Not yet entered: telephone and email"
    unwritten = [s.key for s in report.sections if s.unwritten]
    for key in ("reasons", "previous", "equalities", "environmental", "crime_disorder"):
        assert key in unwritten
    # In the PDF's HTML and on the web page alike (one template): marked boxes, never a
    # bare "Not set".
    html = reports.render_html(appraisal)
    assert html.count('class="missing"') >= len(unwritten) + 5
    assert "Not set" not in html and "None recorded" not in html
    # The front sheet marks what the contact officer's details lack (above); a section of
    # its own at the end would only say it again, so there is none until the officer adds
    # something there (an address).
    assert "contact" not in [s.key for s in report.sections]


@pytest.mark.parametrize(
    ("field", "blank"),
    [
        ("agenda_item", ""),
        ("meeting_date", None),
        ("report_author", ""),
        ("portfolio_holder", ""),
        ("contact_name", ""),
        ("contact_telephone", ""),
        ("contact_email", ""),
    ],
)
def test_issuing_refuses_until_each_header_fact_is_set(field, blank):
    appraisal = imported()
    assert reports.report_problems(appraisal) == []
    Appraisal.objects.filter(pk=appraisal.pk).update(**{field: blank})
    appraisal.refresh_from_db()
    assert [p.field for p in reports.report_problems(appraisal)] == [field]


def test_a_council_without_portfolio_holders_is_not_asked_for_one():
    appraisal = imported(portfolio_holder="", uses_portfolio_holders=False)
    assert reports.report_problems(appraisal) == []
    assert "Portfolio holder" not in header(built(appraisal))


def test_an_issued_report_never_prints_a_placeholder():
    appraisal = meeting_ahead(imported(officers_consulted="", ward_members_consulted=""))
    assert reports.issue_problems(appraisal) == []
    html = reports.render_html(appraisal, draft=False)
    for words in NEVER_ISSUED:
        assert words not in html, words
    assert 'class="missing"' not in html
    # Optional facts left blank are left out, not printed as "None recorded".
    rows = header(built(appraisal, draft=False))
    assert "Officers consulted" not in rows and "Ward members consulted" not in rows


def test_the_legal_section_states_the_powers_expected_to_be_relied_on():
    appraisal = imported()
    narrative = dict(appraisal.narrative)
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=dict(narrative, legal=""))
    unwritten = section(built(Appraisal.objects.get(pk=appraisal.pk)), "legal")
    assert "The powers expected to be relied on for " in text_of(unwritten)
    # Beside the Monitoring Officer's own words, the catalogue's are starting points.
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    report = built(Appraisal.objects.get(pk=appraisal.pk))
    legal = section(report, "legal")
    assert "the powers usually relied on for such an arrangement are below" in text_of(legal)
    # The leading option's powers in the body; every option's beside its delivery model in
    # Appendix E, which the body points to.
    assert "Appendix E gives the powers expected to be relied on" in text_of(legal)
    said = text_of(legal) + " " + appendix_text(report, "delivery-models")
    assert "Local Government Act 1972 ss.101–102: joint arrangements" in said
    # The meeting is in October 2011: the paper cites the law of the day, never an Act of
    # 2023 (the catalogue's line for today).
    assert "Public Contracts Regulations 2006" in said
    assert "Procurement Act 2023" not in said
    assert "best value duty (Local Government Act 1999 s.3)" in said
    # No partner is an NHS body, so the NHS Act is not offered.
    assert "NHS Act 2006" not in said


def test_an_nhs_partner_brings_in_section_75():
    ensure_delivery_models()
    doc = report_document(options=3, panels=1, risks=0)
    doc["partners"] = ["Partner Borough Council", "Shire Community Health NHS Trust"]
    doc["options"][1]["partners"] = ["Shire Community Health NHS Trust"]
    doc["finance"]["options"]["option-1"]["partner_shares"] = {
        "Lead District Council": 0.5,
        "Shire Community Health NHS Trust": 0.5,
    }
    report = built(import_document(document=doc).appraisal)
    assert "NHS Act 2006 s.75" in appendix_text(report, "delivery-models")


def test_human_resources_says_tupe_applies_where_an_option_moves_staff():
    report = built(imported())
    said = text_of(section(report, "human_resources"))
    assert "Transfer of Undertakings (Protection of Employment) Regulations 2006" in said
    assert "Option 1 shared service" in said and "Option 2 outsourcing" in said
    assert "Option 3 company" in said


def test_human_resources_says_tupe_does_not_apply_when_no_option_moves_staff():
    ensure_delivery_models()
    DeliveryModel.objects.update(moves_staff=False)
    said = text_of(section(built(imported()), "human_resources"))
    assert "would not apply" in said


def test_appendices_are_listed_with_exempt_ones_apart():
    narrative = report_document()["report"]["narrative"]
    narrative["appendices"] = "Site plan\nBusiness case (exempt, paragraph 3)"
    report = built(imported(narrative=narrative))
    listed = section(report, "appendices")
    paras = [b for b in listed.blocks if isinstance(b, Para)]
    open_items = paras[0].parts[-1].items
    exempt_items = paras[1].parts[-1].items
    assert open_items[0] == "Appendix A: Scores by panel, with reasons"
    assert "Appendix F: Site plan" in open_items
    assert exempt_items == ("Appendix G: Business case (exempt under paragraph 3)",)
    assert "exempt" in " ".join(paras[1].parts[0].lines)
    status = header(report)["Status"].value
    assert status.startswith("Open, except 1 appendix listed as exempt")


def test_an_exempt_report_says_every_part_is_exempt():
    report = built(imported(status="exempt", exempt_paragraph="3"))
    said = text_of(section(report, "appendices"))
    assert "The whole report and every appendix are exempt" in said
    assert "paragraph 3 of Part 1 of Schedule 12A" in said


def test_background_papers_say_where_they_can_be_inspected():
    appraisal = imported()
    said = text_of(section(built(appraisal), "background_papers"))
    assert (
        "can be inspected by arrangement with the contact officer, Jane Officer "
        "(01632 960000, jane.officer@lead.example), for four years" in said
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(papers_inspection="at the Council Offices")
    said = text_of(section(built(appraisal), "background_papers"))
    assert "can be inspected at the Council Offices, for four years" in said
    # A place typed bare, as the form's question invites, still reads as a sentence.
    Appraisal.objects.filter(pk=appraisal.pk).update(
        papers_inspection="Democratic Services, Council Offices, High Street"
    )
    said = text_of(section(built(appraisal), "background_papers"))
    assert "inspected at Democratic Services, Council Offices, High Street, for four" in said
    Appraisal.objects.filter(pk=appraisal.pk).update(papers_inspection="On the council's website")
    said = text_of(section(built(appraisal), "background_papers"))
    assert "inspected on the council's website, for four" in said  # lower case mid-sentence


def test_the_contact_officer_is_printed_with_telephone_and_email():
    report = built(imported())
    assert header(report)["Contact officer"].lines == [
        "Jane Officer, Head of Transformation",
        "Telephone: 01632 960000",
        "Email: jane.officer@lead.example",
    ]
    # Said once, on the front sheet: no section at the end repeats it.
    assert "contact" not in [s.key for s in report.sections]


def test_a_contact_section_carries_what_the_officer_adds_beside_the_details():
    appraisal = imported()
    appraisal.narrative = {**appraisal.narrative, "contact": "Council Offices, Market Street."}
    appraisal.save()
    contact = section(built(appraisal), "contact")
    lines = [
        line for b in contact.blocks if isinstance(b, Para) for p in b.parts for line in p.lines
    ]
    assert lines == [
        "Jane Officer, Head of Transformation",
        "Telephone: 01632 960000",
        "Email: jane.officer@lead.example",
        "Council Offices, Market Street.",
    ]
    assert not contact.unwritten


def test_background_is_said_once():
    appraisal = imported()
    summary = appraisal.summary
    background = text_of(section(built(appraisal), "background"))
    assert "The background paragraph written by the officer." in background
    assert summary not in background  # the officer's background says it
    narrative = dict(appraisal.narrative)
    del narrative["background"]
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    appraisal.refresh_from_db()
    assert summary in text_of(section(built(appraisal), "background"))


def test_consultation_says_who_scored_and_when():
    ensure_delivery_models()
    doc = report_document(options=2, panels=2, risks=0)
    doc["panels"][0]["scored_when"] = "September 2011"
    appraisal = import_document(document=doc).appraisal
    said = text_of(section(built(appraisal), "consultation"))
    assert "The panels scored: Panel 1 in September 2011." in said
    appraisal.panels.update(scored_when="12 October 2011")
    said = text_of(section(built(appraisal), "consultation"))
    assert "Both panels scored on 12 October 2011." in said
    # What they said: the reasons given for the leading option.
    assert "Reason of Panel 1 for" in said


DEMOS = sorted((FIXTURES / "demo").glob("*.json"))


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.stem)
def test_each_demo_report_has_nothing_unset(path, django_db_setup):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    doc = json.loads(path.read_text(encoding="utf-8"))
    appraisal = Appraisal.objects.get(reference=doc["reference"])
    # The papers' meetings are long past: all that stops issuing, until the date moves.
    assert [p.field for p in reports.issue_problems(appraisal)] == ["meeting_date"]
    assert reports.issue_problems(meeting_ahead(appraisal)) == []
    report = built(appraisal)
    assert not [row.label for row in report.header if row.missing]
    assert not [s.key for s in report.sections if s.unwritten]
    html = reports.render_html(appraisal)
    for words in NEVER_ISSUED:
        assert words not in html, words
    # Notes about the demo data itself stay out of the body: the banner says it.
    body = html[html.index("<main>") :]
    for note in ("committee name is assumed", "scores and figures here are illustrative"):
        assert note not in body
    assert "partner council" not in re.sub(r"\s+", " ", body)


def test_every_catalogue_model_carries_its_legal_basis_and_whether_it_moves_staff():
    models = json.loads((FIXTURES / "delivery_models.json").read_text(encoding="utf-8"))
    by_key = {m["key"]: m for m in models}
    assert all(m["legal_basis"].strip() for m in models)
    assert "Local Government Act 1972 ss.101–102" in by_key["joint-service"]["legal_basis"]
    assert "s.113" in by_key["shared-management"]["legal_basis"]
    assert "NHS Act 2006 s.75" in by_key["shared-service"]["legal_basis"]
    assert {k for k, m in by_key.items() if m["moves_staff"]} >= {"outsourcing", "company"}
    assert not by_key["in-house"]["moves_staff"] and not by_key["joint-service"]["moves_staff"]
    for m in models:  # worded for any public body, not only councils
        for field in ("legal_entity", "employs_staff", "vat_position", "governance"):
            assert "partner council" not in m[field].lower(), (m["key"], field)


def test_a_catalogue_model_says_one_thing_in_its_summary_and_its_note():
    """The baseline's summary said "Seldom a real choice", its note "Never a real option"."""
    models = json.loads((FIXTURES / "delivery_models.json").read_text(encoding="utf-8"))
    for m in models:
        said = f"{m['summary']} {m['typical_note']}".lower()
        assert not ("seldom" in said and "never" in said), m["key"]


# A statistic: a percentage, a sum of money, or a count of years or times.
STATISTIC = re.compile(
    r"\d\s*%|£\s*\d|\d\s*(?:–|-|to)\s*\d+\s+years|\b(?:two|three|\d+) to \w+ years"
)
# Where the figure comes from, in brackets: a council's paper or website, or a body's report.
SOURCE = re.compile(r"\([^()]*\b(?:report|website|Reflections)\b[^()]*\)")


def test_every_statistic_in_the_catalogue_cites_its_source():
    """A monitoring officer accepts a figure only with where it comes from ("60–65% of
    shared services fail" had none): each clause with one names its source in brackets."""
    models = json.loads((FIXTURES / "delivery_models.json").read_text(encoding="utf-8"))
    for m in models:
        for field, text in m.items():
            if not isinstance(text, str) or field == "legal_basis":
                continue
            for clause in re.split(r"\n|; (?![^()]*\))", text):
                if STATISTIC.search(clause):
                    assert SOURCE.search(clause), (m["key"], field, clause)
    assert STATISTIC.search("60–65% of shared services fail to deliver what they set out to")
    assert not SOURCE.search("about 10% cashable efficiency a year reported")


def test_a_meeting_after_the_procurement_act_came_into_force_cites_it():
    appraisal = imported()
    appraisal.meeting_date = dt.date(2026, 3, 12)
    appraisal.save()
    report = built(appraisal)
    said = text_of(section(report, "legal")) + " " + appendix_text(report, "delivery-models")
    assert "Procurement Act 2023" in said
    assert "Public Contracts Regulations" not in said.replace(
        "replacing the Public Contracts Regulations 2015", ""
    )


IMPLICATIONS = (
    "financial",
    "legal",
    "risk",
    "equalities",
    "human_resources",
    "environmental",
    "crime_disorder",
)


def test_consultation_comes_before_the_implications_as_a_council_paper_orders_them():
    """committee-report.md: options, rejected options, consultation, then the implications;
    the officer writes them in the same order on the report page."""
    keys = [s.key for s in built(imported()).sections]
    assert keys.index("rejected") + 1 == keys.index("consultation")
    assert keys.index("consultation") + 1 == keys.index("financial")
    assert [k for k in keys if k in IMPLICATIONS] == list(IMPLICATIONS)
    written = [s.key for s in reports.NARRATIVE_SECTIONS]
    assert written.index("rejected") + 1 == written.index("consultation")
    assert written.index("consultation") < min(written.index(k) for k in IMPLICATIONS)


def next_steps_of(appraisal: Appraisal) -> tuple[str, reports.Section]:
    steps = section(built(appraisal), "next_steps")
    return text_of(steps), steps


def test_next_steps_come_after_the_implications_and_before_the_appendices():
    keys = [s.key for s in built(imported()).sections]
    assert keys.index("crime_disorder") + 1 == keys.index("next_steps")
    assert keys.index("next_steps") + 1 == keys.index("appendices")
    assert "next_steps" in [s.key for s in reports.NARRATIVE_SECTIONS]


def test_the_officers_next_steps_are_printed_as_written():
    appraisal = imported()
    said, steps = next_steps_of(appraisal)
    assert said == "The next steps paragraph written by the officer."
    assert not steps.unwritten


def test_unwritten_next_steps_say_what_follows_the_drafted_recommendation():
    """No recommendations and no next steps written: the drafted recommendation brings a
    business case back, so the report says so, with the record of decision and the council's
    own call-in period."""
    appraisal = imported()
    narrative = {k: v for k, v in appraisal.narrative.items() if k not in ("next_steps",)}
    narrative["recommendations"] = ""
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    appraisal.lead_authority.call_in_working_days = 7
    appraisal.lead_authority.save()
    appraisal = Appraisal.objects.get(pk=appraisal.pk)
    said, steps = next_steps_of(appraisal)
    preferred = evaluate(appraisal, samples=0).result.leader
    name = appraisal.options.get(key=preferred).name
    assert (
        f"officers will prepare the full business case for {name}, with a plan for putting it "
        "into effect, and bring it back to Full Council before any decision to implement."
    ) in said
    assert "published in a record of decision" in said
    assert "called in for scrutiny within 7 working days of its publication" in said
    assert not steps.unwritten


def test_next_steps_are_marked_unwritten_where_only_the_officer_knows_them():
    """The officer's own recommendations: the report cannot say how they are put into
    effect or when members hear again, so a draft marks it, and issuing waits for it."""
    appraisal = imported()
    narrative = {k: v for k, v in appraisal.narrative.items() if k != "next_steps"}
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    appraisal.refresh_from_db()
    said, steps = next_steps_of(appraisal)
    assert "published in a record of decision" in said
    assert "business case" not in said  # the officer's recommendations say what comes back
    (box,) = [b for b in steps.blocks if b.kind == "missing"]
    assert box.text == (
        "Not yet written: how the recommendations will be put into effect and communicated, "
        "and when members will hear again."
    )
    assert steps.blocks[-1] is box  # after what the appraisal already says
    assert "Write the section “Next steps”" in [p.text for p in reports.issue_problems(appraisal)]


def test_unwritten_human_resources_gives_the_tupe_facts_then_what_is_still_to_write():
    """The box once sat above the TUPE paragraph, saying only "write this section"."""
    narrative = {k: v for k, v in report_document()["report"]["narrative"].items()}
    del narrative["human_resources"]
    hr = section(built(imported(narrative=narrative)), "human_resources")
    kinds = [b.kind for b in hr.blocks]
    assert kinds == ["para", "missing"]
    assert "TUPE" in text_of(hr)
    assert hr.blocks[-1].text == (
        "Not yet written: what the options mean for staff, and what staff and their trade "
        "unions have said."
    )


def legal_with(text: str) -> str:
    narrative = dict(report_document()["report"]["narrative"], legal=text)
    return text_of(section(built(imported(narrative=narrative)), "legal"))


def test_the_legal_section_never_repeats_what_the_officer_cites():
    said = legal_with(
        "The council would rely on the Local Government Act 1972 and its best value duty "
        "under the Local Government Act 1999."
    )
    # The leading option's one line cites the Act the officer cites: no list repeats it.
    assert "Local Government Act 1972 ss.101–102" not in said
    assert "are below" not in said
    assert "best value duty (Local Government Act 1999 s.3)" not in said


def test_beside_the_officers_text_the_catalogues_powers_cannot_contradict_it():
    """The officer says no new powers are needed: the catalogue's lines are offered as
    starting points the Monitoring Officer confirms or sets aside, not as the powers the
    council relies on."""
    said = legal_with("Existing powers are sufficient; no new powers are needed.")
    assert "The powers expected to be relied on for" not in said
    assert "as starting points for the Monitoring Officer to confirm or set aside" in said
    assert "best value duty (Local Government Act 1999 s.3)" in said  # not cited: said
