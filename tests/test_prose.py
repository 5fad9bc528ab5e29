"""The generated prose read as a councillor reads it, on appraisals of several shapes.

Each appraisal is built in code (two options, five, a close call, one panel, several, no
financial case, options rejected after scoring) and its words are gathered from where a
member meets them: the committee report's paragraphs, warnings and table cells, and the
explanations on the results page. The checks are the faults a clerk would send back:
a sentence said twice, a paragraph that opens with a bare numeral, a figure without its
unit, placeholders such as "Not set", and words spelled two ways.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from appraisals import reports
from appraisals.interchange import import_document
from appraisals.models import Appraisal, Authority
from appraisals.reports import Cell, Column, Figure, Para, Row, Table, WarningText
from appraisals.results import evaluate
from tests.test_reports_data import ensure_delivery_models

pytestmark = pytest.mark.django_db

MODELS = ("in-house", "shared-service", "outsourcing", "company")
NAMES = (
    "In-house transformation",
    "Shared service with Partner Borough Council",
    "Outsource corporate services",
    "Council-owned company",
    "Second in-house review",
)
# What only the officer writes; the rest (summary, options, rejected, consultation, ...) the
# report drafts or fills itself, and that is what these tests read.
OFFICER_ONLY = (
    "purpose",
    "reasons",
    "background",
    "legal",
    "equalities",
    "human_resources",
    "environmental",
    "crime_disorder",
    "background_papers",
    "contact",
)


def document(
    reference: str,
    *,
    options: int = 3,
    panels: int = 2,
    criteria: int = 4,
    close: bool = False,
    finance: bool = True,
    rejected_scored: bool = False,
    scale: tuple[int, int] = (0, 5),
    target: float | None = None,
) -> dict[str, Any]:
    """An appraisal of the given shape. Scores rise with the option's number, so option 1
    leads clearly; with `close` options 1 and 2 differ by a single step on one criterion."""
    low, high = scale
    opts: list[dict[str, Any]] = [
        {
            "key": "base",
            "name": "Carry on as now",
            "delivery_model": "do-nothing",
            "baseline": True,
            "status": "shortlisted",
        }
    ]
    for i in range(1, options + 1):
        opts.append(
            {
                "key": f"o{i}",
                "name": NAMES[i - 1],
                "delivery_model": MODELS[(i - 1) % len(MODELS)],
                "status": "shortlisted",
                "description": f"How {NAMES[i - 1].lower()} would work.",
            }
        )
    opts.append(
        {
            "key": "dropped",
            "name": "Joint venture with a private partner",
            "delivery_model": "company",
            "status": "rejected",
            "rejection_reason": "No private partner has shown interest.",
        }
    )
    opts.append(
        {
            "key": "later",
            "name": "Pooled procurement",
            "delivery_model": "outsourcing",
            "status": "longlisted",
        }
    )
    crits = [
        {"key": f"c{j}", "name": f"Criterion {chr(64 + j)}", "weight": 10 + 5 * j}
        for j in range(1, criteria + 1)
    ]
    pans = [{"key": f"p{k}", "name": ("Staff", "Unison", "Members")[k]} for k in range(panels)]

    def score(option: int, j: int, k: int) -> int:
        if option == 0:  # the baseline
            return low + 1
        if close and option in (1, 2):
            return high - 1 - (1 if (option == 2 and j == 1) else 0)
        value = high - option + (j + k) % 2
        if k == 1 and option == 1 and j == 1:
            value = low + 1  # one wide disagreement between panels
        return max(low, min(high, value))

    scored = opts[:-2] + ([opts[-2]] if rejected_scored else [])
    scores = [
        {
            "panel": p["key"],
            "option": o["key"],
            "criterion": c["key"],
            "score": score(i if o["key"] != "dropped" else 3, j, k),
            "reason": f"{p['name']} on {c['name']} for {o['name']}: seen at first hand.",
        }
        for k, p in enumerate(pans)
        for i, o in enumerate(scored)
        for j, c in enumerate(crits, start=1)
    ]
    money = {}
    if finance:
        for i, o in enumerate(opts[1 : options + 1], start=1):
            central = [0.0] + [80_000.0 * (options + 1 - i)] * 4
            money[o["key"]] = {
                "costs": [60_000.0 * i, 0, 0, 0, 0],
                "savings": {
                    "low": [x * 0.8 for x in central],
                    "central": central,
                    "high": [x * 1.2 for x in central],
                },
            }
    narrative = {key: f"The officer's {key.replace('_', ' ')}." for key in OFFICER_ONLY}
    return {
        "format": "councilopts.appraisal/1",
        "reference": reference,
        "title": "Future of corporate services",
        "lead_authority": "Lead District Council",
        "partners": [],
        "services": ["Payroll"],
        "summary": "",
        "objectives": [],
        "savings_target": None if target is None else {"amount": target, "year": 3},
        "committee": {"name": "Cabinet", "meeting_date": "2026-03-12", "agenda_item": "5"},
        "scale": {"min": low, "max": high},
        "criteria": crits,
        "weighting": {"method": "direct"},
        "options": opts,
        "panels": pans,
        "scores": scores,
        "risks": [
            {
                "option": None,
                "risk": "Savings arrive later than planned",
                "consequences": "Reserves are drawn on.",
                "likelihood": 3,
                "impact": 4,
                "controls": "Monthly monitoring by the programme board.",
                "residual_likelihood": 2,
                "residual_impact": 3,
                "owner": "Chief Finance Officer",
            }
        ],
        "finance": {"discount_rate": 0.035, "optimism_bias": 0.0, "options": money},
        "report": {
            "author": "Jane Officer, Head of Transformation",
            "portfolio_holder": "Councillor Sam Leader",
            "officers_consulted": "Chief Finance Officer",
            "wards_affected": "All",
            "key_decision": False,
            "status": "open",
            "exempt_paragraph": "",
            "purpose": "decision",
            "narrative": narrative,
        },
    }


SHAPES = {
    "two-options": {"options": 2},
    "five-options": {"options": 5, "criteria": 6},
    "close-call": {"options": 3, "close": True},
    "single-panel": {"options": 3, "panels": 1},
    "three-panels": {"options": 3, "panels": 3},
    "no-finance": {"options": 3, "finance": False},
    "one-option": {"options": 1},
    "rejected-after-scoring": {"options": 2, "rejected_scored": True},
    "scale-one-to-ten": {"options": 3, "scale": (1, 10)},
    "savings-target": {"options": 3, "target": 500_000.0},
}


def build(shape: str) -> tuple[Appraisal, Any]:
    ensure_delivery_models()
    Authority.objects.get_or_create(name="Lead District Council")
    import_document(document=document(shape, **SHAPES[shape]))
    appraisal = Appraisal.objects.get(reference=shape)
    return appraisal, evaluate(appraisal, samples=2_000)


def generated(evaluation: Any, leave_out: Any = OFFICER_ONLY) -> tuple[list[str], list[str]]:
    """The paragraphs, warnings and chart descriptions the report writes itself (the officer's
    own sections left out) with the results page's explanations; and the report's table
    captions and cells."""
    report = reports.build_report(evaluation, draft=False, version=1)
    paragraphs: list[str] = []
    cells: list[str] = []
    for section in (*report.sections, *report.appendices):
        if section.key in leave_out:
            continue
        for block in section.blocks:
            if isinstance(block, Para):
                # Lists quote what officers and panels wrote (reasons, objectives): not ours.
                paragraphs.append(" ".join(x for part in block.parts for x in part.lines))
            elif isinstance(block, WarningText):
                paragraphs.append(block.text)
            elif isinstance(block, Figure):
                paragraphs.append(block.chart.description)
            elif isinstance(block, Table):
                cells.append(block.caption)
                cells += [cell.text for row in block.rows for cell in row.cells]
    return [*paragraphs, *evaluation.explanations], cells


def generated_paragraphs(evaluation: Any) -> list[str]:
    paragraphs, cells = generated(evaluation)
    return paragraphs + cells


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:;])\s+(?=[A-Z])", paragraph) if s]


@pytest.fixture(params=sorted(SHAPES))
def prose(request) -> tuple[str, list[str], list[str], Any]:
    _, evaluation = build(request.param)
    paragraphs, cells = generated(evaluation)
    return request.param, paragraphs, cells, evaluation


def test_no_sentence_is_said_twice(prose):
    shape, paragraphs, cells, evaluation = prose
    # The explanations reach the results page as well as the report: count them once.
    report = paragraphs[: len(paragraphs) - len(evaluation.explanations)] + cells
    said = Counter(
        s for p in report if len(p.split()) > 6 for s in sentences(p) if len(s.split()) > 6
    )
    assert said  # the report says something
    assert [s for s, n in said.items() if n > 1] == [], shape


def test_no_paragraph_opens_with_a_bare_numeral(prose):
    shape, paragraphs, _, _ = prose
    assert [p for p in paragraphs if re.match(r"\d", p)] == [], shape


# A figure with a decimal point is a weighted value, a difference, a share or years: it is
# followed by its unit, or by a list that ends with it ("Staff with 88.9 and Unison with
# 81.1, out of 100"). The consistency ratio (0.48, against 0.10) is a pure number.
UNIT = r"(?: or more)?\s*(?:out of \d+|on the scale of|points?|%|years?|times)"
FIGURE = re.compile(r"(?<![\d.£−-])(\d+\.\d+|(?<=with )\d+)(?!\d|\.\d)")
CLAUSE_END = re.compile(r"[;:(]|\.(?:\s|$)")


def unitless(paragraph: str) -> list[str]:
    found = []
    for match in FIGURE.finditer(paragraph):
        rest = paragraph[match.end() :]
        clause = rest[: (m.start() if (m := CLAUSE_END.search(rest)) else len(rest))]
        if re.match(UNIT, rest) or re.search(r", out of \d+$", clause):
            continue
        if "ratio is" in paragraph[max(0, match.start() - 25) : match.start()]:
            continue
        if paragraph[max(0, match.start() - 4) : match.start()] == "the ":  # "above the 0.10"
            continue
        found.append(match.group(1))
    return found


def test_every_figure_carries_its_unit(prose):
    shape, paragraphs, _, _ = prose
    assert [(unitless(p), p) for p in paragraphs if unitless(p)] == [], shape


def test_the_unit_check_finds_a_figure_without_its_unit():
    assert unitless("A leads with 73.9, ahead of B with 63.3.") == ["73.9", "63.3"]
    assert unitless("A leads with 71, ahead of B.") == ["71"]
    assert unitless("A leads with 73.9 out of 100, 10.6 points ahead of B.") == []
    assert unitless("Staff with 88.9 and Unison with 81.1, out of 100.") == []
    assert unitless("The ratio is 0.48, above the 0.10 usually accepted.") == []
    assert unitless("They differ by 3.6 or more on the scale of 1 to 10.") == []
    assert unitless("They differ by 3.6 or more.") == ["3.6"]


# A numeric column carries its unit: in its heading ("Against the baseline (points)",
# "Share", "Rank 1") or in each of its cells ("£60,000", "25%", "During year 2").
HEADING_UNIT = re.compile(
    r"out of \d+|\d+ to \d+|points|%|£|\brank\b|\byears?\b|\bweight\b|\bshare\b|^Point$",
    re.IGNORECASE,
)
CELL_UNIT = re.compile(r"£|%|\byears?\b|out of|points|×")


def columns_without_units(report: Any) -> list[tuple[str, str]]:
    """(table or figure, heading) of each numeric column of the report's tables and charts'
    data tables (Word prints those) whose heading and figures say no unit."""
    found = []
    for section in (*report.sections, *report.appendices):
        for block in section.blocks:
            if isinstance(block, Table):
                name = block.caption
                headings = [c.label for c in block.columns]
                numeric = ["num" in c.cls.split() for c in block.columns]
                rows = [[r.header, *(c.text for c in r.cells)] for r in block.rows]
            elif isinstance(block, Figure) and block.chart.rows:
                name = block.chart.title
                headings = list(block.chart.headers)
                numeric = list(block.chart._numeric())
                rows = [list(r) for r in block.chart.rows]
            else:
                continue
            for i, (heading, figures) in enumerate(zip(headings, numeric, strict=True)):
                cells = [r[i] for r in rows if i < len(r) and re.search(r"\d", r[i])]
                if not figures or not cells or HEADING_UNIT.search(heading):
                    continue
                if not all(CELL_UNIT.search(c) for c in cells):
                    found.append((name, heading))
    return found


def test_every_numeric_table_column_carries_its_unit(prose):
    shape, _, _, evaluation = prose
    report = reports.build_report(evaluation, draft=False, version=1)
    assert columns_without_units(report) == [], shape


# Money and ranks written one way (`explain.format_money`, `ordinal`, `rank_label`): never
# "£1m", "£1M" or "£250k", and never "1st" beside "Rank 1".
OTHER_MONEY = re.compile(r"£\d[\d,.]*\s?(?:m|M|k|K|bn)\b")
OTHER_RANK = re.compile(r"\b\d(?:st|nd|rd|th)\b")


def every_word(report: Any) -> list[str]:
    """All the report prints: paragraphs and lists, captions, headings and cells, and each
    chart's words (its title, description, data table and the text drawn in it)."""
    said = []
    for section in (*report.sections, *report.appendices):
        for block in section.blocks:
            if isinstance(block, Para):
                said += [x for part in block.parts for x in (*part.lines, *part.items)]
            elif isinstance(block, WarningText):
                said.append(block.text)
            elif isinstance(block, Table):
                said += [block.label, *(c.label for c in block.columns)]
                said += [c.text for row in block.rows for c in row.cells]
            elif isinstance(block, Figure):
                chart = block.chart
                said += [block.label, chart.description, *chart.headers]
                said += [x for row in chart.rows for x in row]
                said += re.findall(r">([^<>]+)</text>", str(chart.svg))
    return said


def test_money_and_ranks_are_written_one_way(prose):
    shape, _, _, evaluation = prose
    said = every_word(reports.build_report(evaluation, draft=False, version=1))
    said += list(evaluation.explanations)
    assert [x for x in said if OTHER_MONEY.search(x) or OTHER_RANK.search(x)] == [], shape


def test_the_checks_find_money_ranks_and_columns_written_another_way():
    assert OTHER_MONEY.search("up to £1M to go to market")
    assert OTHER_MONEY.search("£1.5m") and OTHER_MONEY.search("−£250k")
    assert not OTHER_MONEY.search("£1.5 million") and not OTHER_MONEY.search("£250,000")
    assert OTHER_RANK.search("1st") and not OTHER_RANK.search("Rank 1")
    table = Table("Ranked", (Column("Option"), Column("Against the baseline", "num")), ())
    table = replace(table, rows=(Row("A", (Cell("+65.0", "num"),)),))
    report = type("R", (), {"sections": [type("S", (), {"blocks": [table]})], "appendices": []})
    assert columns_without_units(report) == [("Ranked", "Against the baseline")]
    units = replace(
        table, columns=(Column("Option"), Column("Against the baseline (points)", "num"))
    )
    report.sections[0].blocks = [units]
    assert columns_without_units(report) == []


@pytest.mark.parametrize(
    "placeholder",
    ["Not set", "None recorded", "no reason recorded", "[Not yet written.]", "shortlisted"],
)
def test_no_placeholder_or_second_spelling_is_printed(prose, placeholder):
    shape, paragraphs, cells, _ = prose
    assert [p for p in paragraphs + cells if placeholder in p] == [], shape


def test_in_house_is_hyphenated_everywhere(prose):
    shape, paragraphs, cells, _ = prose
    assert [p for p in paragraphs + cells if re.search(r"\b[Ii]n house\b", p)] == [], shape


def test_the_simulations_are_reported_only_when_two_options_are_ranked(db):
    _, evaluation = build("one-option")
    assert not any("simulations" in p for p in generated_paragraphs(evaluation))
    _, evaluation = build("two-options")
    assert any("simulations" in p for p in generated_paragraphs(evaluation))


def test_disagreement_is_given_in_the_panels_scale_and_out_of_100(db):
    _, evaluation = build("two-options")
    (sentence,) = evaluation.explained.disagreement
    assert "Staff gave 5 and Unison 1, out of 5 (a gap of 80.0 points out of 100)" in sentence
    _, evaluation = build("scale-one-to-ten")
    (sentence,) = evaluation.explained.disagreement
    assert "on the scale of 1 to 10" in sentence


def test_equal_switching_findings_are_said_once_naming_every_criterion(db):
    _, evaluation = build("five-options")
    switching = evaluation.explained.switching
    findings = [re.sub(r"the weight on .*? (fell|rose)", r"\1", s) for s in switching]
    assert len(findings) == len(set(findings))  # no two say the same but for the criterion


def test_rejected_options_are_told_with_their_reasons_and_scores(db):
    _, evaluation = build("rejected-after-scoring")
    report = reports.build_report(evaluation)
    rejected = next(s for s in report.sections if s.key == "rejected")
    text = [" ".join(x for part in b.parts for x in part.lines) for b in rejected.blocks]
    assert text[0].startswith(
        "Joint venture with a private partner was rejected: no private partner has shown "
        "interest. Before it was rejected it was scored "
    )
    assert "out of 100; Appendix A gives its scores." in text[0]
    assert (
        text[1] == "Pooled procurement was long-listed but not short-listed, so it was not scored."
    )
    # The baseline is neither rejected nor put forward: the options section says so, once.
    assert len(text) == 2 and not any("baseline" in t for t in text)
    assert not any("No option was rejected" in t for t in text)
    appendix = next(s for s in report.appendices if s.key == "scores")
    captions = [b.caption for b in appendix.blocks if isinstance(b, Table)]
    assert any("Joint venture with a private partner" in c for c in captions)


def test_no_option_rejected_is_said_only_when_true(db):
    appraisal, _ = build("two-options")
    appraisal.options.exclude(status="shortlisted").delete()
    report = reports.build_report(evaluate(appraisal, samples=0))
    rejected = next(s for s in report.sections if s.key == "rejected")
    text = [" ".join(x for part in b.parts for x in part.lines) for b in rejected.blocks]
    options = next(s for s in report.sections if s.key == "options")
    assert text[0] == (
        "No option was rejected: every option recorded in the appraisal was short-listed and "
        f"is set out in section {options.number}."
    )


def summary_of(evaluation: Any) -> str:
    report = reports.build_report(evaluation)
    section = next(s for s in report.sections if s.key == "summary")
    return " ".join(
        x for b in section.blocks if isinstance(b, Para) for part in b.parts for x in part.lines
    )


def test_the_drafted_summary_gives_what_a_member_acts_on(db):
    _, evaluation = build("three-panels")
    text = summary_of(evaluation)
    assert 90 <= len(text.split()) <= 160, len(text.split())
    assert text.startswith("Cabinet is asked to decide how payroll should be delivered in future.")
    assert "The recommended option is In-house transformation, with " in text
    assert " points ahead of Shared service with Partner Borough Council." in text
    assert "The lead is " in text  # how secure, in one sentence
    assert "For Lead District Council, the net present value is £" in text
    assert ", and it pays back during year " in text
    assert "“Savings arrive later than planned”" in text


def test_the_summary_gives_the_leaders_share_of_the_savings_target_within_150_words(db):
    _, evaluation = build("savings-target")
    text = summary_of(evaluation)
    assert len(text.split()) <= 150, len(text.split())
    leader = evaluation.finance[evaluation.result.leader]
    # Central savings of £240,000 a year to the lead council in year 3: 48% of £500,000.
    assert leader.target_share == pytest.approx(0.48)
    assert (
        "; by year 3 it would save £240,000 a year, 48% of the £500,000 savings target."
    ) in text
    # Without a target the summary says nothing of one.
    _, evaluation = build("three-panels")
    assert "savings target" not in summary_of(evaluation)


def test_a_close_call_is_said_as_such_in_the_summary(db):
    _, evaluation = build("close-call")
    assert "This is a close call" in summary_of(evaluation)


def test_the_officers_summary_replaces_the_draft_but_a_close_call_stays(db):
    appraisal, _ = build("close-call")
    appraisal.narrative = {**appraisal.narrative, "summary": "Our own summary."}
    appraisal.save()
    report = reports.build_report(evaluate(appraisal, samples=500))
    section = next(s for s in report.sections if s.key == "summary")
    paras = [b for b in section.blocks if isinstance(b, Para)]
    assert [" ".join(p.parts[0].lines) for p in paras] == ["Our own summary."]
    assert any(
        isinstance(b, WarningText) and b.text.startswith("This is a close call")
        for b in section.blocks
    )


def test_without_a_financial_case_the_summary_says_so(db):
    _, evaluation = build("no-finance")
    summary = summary_of(evaluation)
    # Said as an issued paper can say it: no "yet" that only a draft can promise.
    assert "No financial case has been recorded for In-house transformation." in summary
    assert " yet" not in summary


DEMOS = ("hdc-future-options-2011", "wellingborough-asd", "darlington-stockton-support-services")


@pytest.fixture(scope="module")
def demo_prose(django_db_setup, django_db_blocker) -> dict[str, tuple[list[str], ...]]:
    """The three demo appraisals' generated words, loaded once for the module; what their
    officers wrote is left out, as it is theirs."""
    from django.core.management import call_command
    from django.db import transaction

    found = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        for reference in DEMOS:
            appraisal = Appraisal.objects.get(reference=reference)
            evaluation = evaluate(appraisal, samples=2_000)
            written = {k for k, v in (appraisal.narrative or {}).items() if v.strip()}
            paragraphs, cells = generated(evaluation, leave_out=written)
            # The explanations close the list (they reach the results page too): the report's
            # own words are the rest.
            # Tables hold data (a risk in the body's table and the register; a reason two
            # panels gave): the sentences the report writes are its paragraphs.
            report = paragraphs[: len(paragraphs) - len(evaluation.explanations)]
            found[reference] = (paragraphs, cells, report)
        transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("reference", DEMOS)
def test_the_demo_reports_pass_the_same_checks(demo_prose, reference):
    paragraphs, cells, report = demo_prose[reference]
    said = Counter(
        s for p in report if len(p.split()) > 6 for s in sentences(p) if len(s.split()) > 6
    )
    assert said
    assert [s for s, n in said.items() if n > 1] == []
    assert [p for p in paragraphs if re.match(r"\d", p)] == []
    assert [(unitless(p), p) for p in paragraphs if unitless(p)] == []
    for placeholder in ("Not set", "None recorded", "no reason recorded", "shortlisted"):
        assert [p for p in paragraphs + cells if placeholder in p] == [], placeholder
    assert [p for p in paragraphs + cells if re.search(r"\b[Ii]n house\b", p)] == []


@pytest.fixture(scope="module")
def demo_checked(django_db_setup, django_db_blocker) -> dict[str, tuple[list, list]]:
    """The demo reports' words written another way, and their columns without a unit."""
    from django.core.management import call_command
    from django.db import transaction

    found = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        for reference in DEMOS:
            evaluation = evaluate(Appraisal.objects.get(reference=reference), samples=500)
            report = reports.build_report(evaluation, draft=False, version=1)
            said = [*every_word(report), *evaluation.explanations]
            other = [x for x in said if OTHER_MONEY.search(x) or OTHER_RANK.search(x)]
            found[reference] = (other, columns_without_units(report))
        transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("reference", DEMOS)
def test_the_demo_reports_write_money_ranks_and_units_one_way(demo_checked, reference):
    assert demo_checked[reference] == ([], []), reference


def _repeated_findings(paragraphs: list[str]) -> list[str]:
    """Findings that must be said once for the options alike, found said again: a second
    "A would lose the lead to B … if" for the same A and B, or a second sentence on how far
    savings could fall (once an option, it read as a list of near-identical paragraphs)."""
    seen: Counter = Counter()
    for p in paragraphs:
        for s in sentences(p):
            if m := re.match(r"(.+?) would lose the lead to (.+?) (?:only )?if ", s):
                seen[("lose", m.group(1), m.group(2))] += 1
            if re.search(r"savings (?:could|would have to) fall by", s):
                seen[("fall",)] += 1
            if re.search(r"\bpays? back during year \d+;", s):
                seen[("payback",)] += 1
    return [str(k) for k, n in seen.items() if n > 1]


def test_findings_alike_are_said_once(prose):
    shape, paragraphs, _, evaluation = prose
    # The explanations close the list: the results page says them too, so each part alone.
    report = paragraphs[: len(paragraphs) - len(evaluation.explanations)]
    assert _repeated_findings(report) == [], shape
    assert _repeated_findings(list(evaluation.explanations)) == [], shape


@pytest.mark.parametrize("reference", DEMOS)
def test_the_demo_reports_say_findings_alike_once(demo_prose, reference):
    _, _, report = demo_prose[reference]
    assert _repeated_findings(report) == [], reference


@pytest.mark.parametrize(
    ("fraction", "said"),
    [
        (0.0, "0%"),
        (0.0004, "less than 1%"),
        (0.0049, "less than 1%"),
        (0.045, "5%"),
        (0.955, "96%"),
        (0.9951, "more than 99%"),
        (1.0, "100%"),
    ],
)
def test_simulation_shares_are_whole_percentages(fraction, said):
    from appraisals.explain import format_chance

    assert format_chance(fraction) == said


WHOLE_SHARE = re.compile(r"^(?:\d{1,3}%|less than 1%|more than 99%)$")


@pytest.mark.parametrize("shape", ["two-options", "scale-one-to-ten"])
def test_the_rank_acceptability_table_and_sentences_keep_one_precision(db, shape):
    """Every share of the simulations is a whole percentage, so "96%" never sits beside
    "4.5%" in the table, the chart or the sentences about it."""
    from appraisals.explain import format_percent

    _, evaluation = build(shape)
    ra = evaluation.result.rank_acceptability
    # The shape has shares the weights' rule prints with a decimal, or the test could not fail.
    assert any("." in format_percent(s) for v in ra.options.values() for s in v)
    report = reports.build_report(evaluation, draft=False, version=1)
    tables = [
        block
        for section in (*report.sections, *report.appendices)
        for block in section.blocks
        if isinstance(block, Table) and block.caption.startswith("Rank acceptability")
    ]
    assert tables
    shares = [cell.text for t in tables for row in t.rows for cell in row.cells[1:]]
    assert shares and all(WHOLE_SHARE.match(s) for s in shares), shares
    figures = [
        block.chart
        for section in (*report.sections, *report.appendices)
        for block in section.blocks
        if isinstance(block, Figure) and "simulations" in block.chart.description
    ]
    assert figures
    chart_shares = [s for chart in figures for row in chart.rows for s in row[1:]]
    assert chart_shares and all(WHOLE_SHARE.match(s) for s in chart_shares), chart_shares
    paragraphs, _ = generated(evaluation)
    about = [p for p in paragraphs if "simulations" in p]
    assert about
    assert not [p for p in about if re.search(r"\d\.\d+%", p)]


@pytest.mark.parametrize(
    ("option", "model"),
    [
        ("Outsource to a private provider", "Outsourcing"),
        ("Outsourced payroll", "Outsourcing"),
        ("Share a service with Partner Borough", "Shared service"),
        ("In house transformation of services", "In-house transformation"),
    ],
)
def test_the_delivery_model_is_not_repeated_in_another_word_form(option, model):
    from appraisals.reports.formatting import _model_label

    assert _model_label(option, model) == ""


def test_an_option_named_for_its_model_has_no_bracketed_model_in_the_report(db):
    ensure_delivery_models()
    Authority.objects.get_or_create(name="Lead District Council")
    doc = document("outsource-named", options=3)
    doc["options"][3]["name"] = "Outsource to a private provider"  # model "outsourcing"
    import_document(document=doc)
    evaluation = evaluate(Appraisal.objects.get(reference="outsource-named"), samples=500)
    paragraphs, cells = generated(evaluation)
    text = "\n".join(paragraphs + cells)
    assert "Outsource to a private provider" in text
    assert "Outsource to a private provider (Outsourcing" not in text


def scratch_built() -> tuple[Appraisal, Any]:
    """An appraisal as an officer builds it in the browser: options, criteria and panels under
    their plain default names ("Option 1", "Panel 1"), every cell scored, nothing written."""
    from tests.factories import make_appraisal

    lead, _ = Authority.objects.get_or_create(name="Lead District Council")
    appraisal = make_appraisal(lead, reference="scratch", options=3, criteria=4, panels=2)
    return appraisal, evaluate(appraisal, samples=2_000)


def without_narrative() -> tuple[Appraisal, Any]:
    """An appraisal imported with no `report.narrative` at all, its services named as officers
    name them (a capital first, an initialism)."""
    ensure_delivery_models()
    Authority.objects.get_or_create(name="Lead District Council")
    doc = document("no-narrative", options=3)
    del doc["report"]["narrative"]
    doc["services"] = ["Support services", "ICT"]
    import_document(document=doc)
    appraisal = Appraisal.objects.get(reference="no-narrative")
    return appraisal, evaluate(appraisal, samples=2_000)


@pytest.fixture(params=["scratch", "no-narrative"])
def bare(request) -> tuple[str, list[str], list[str], Any]:
    _, evaluation = (scratch_built if request.param == "scratch" else without_narrative)()
    paragraphs, cells = generated(evaluation)
    return request.param, paragraphs, cells, evaluation


def test_a_scratch_built_or_unnarrated_appraisal_passes_the_same_checks(bare):
    shape, paragraphs, cells, evaluation = bare
    report = paragraphs[: len(paragraphs) - len(evaluation.explanations)]
    said = Counter(
        s for p in report + cells if len(p.split()) > 6 for s in sentences(p) if len(s.split()) > 6
    )
    assert said, shape
    assert [s for s, n in said.items() if n > 1] == [], shape
    assert [p for p in paragraphs if re.match(r"\d", p)] == [], shape
    assert [(unitless(p), p) for p in paragraphs if unitless(p)] == [], shape
    for placeholder in ("Not set", "None recorded", "no reason recorded", "shortlisted"):
        assert [p for p in paragraphs + cells if placeholder in p] == [], (shape, placeholder)
    assert [p for p in paragraphs + cells if re.search(r"\b[Ii]n house\b", p)] == [], shape
    assert _repeated_findings(report) == [], shape


def test_an_option_with_no_description_is_told_in_a_sentence(bare):
    """Not "Option 1 (In-house transformation)." alone: a name and a bracket is no sentence."""
    shape, _, _, evaluation = bare
    report = reports.build_report(evaluation, draft=False, version=1)
    options = next(s for s in report.sections if s.key == "options")
    text = [
        " ".join(x for part in b.parts for x in part.lines)
        for b in options.blocks
        if isinstance(b, Para)
    ]
    names = "|".join(re.escape(n) for n in evaluation.option_names.values())
    bare_name = re.compile(rf"(?:{names})(?: \([^)]*\))?\.")
    assert not [t for t in text if bare_name.fullmatch(t)], (shape, text)
    if shape == "scratch":
        assert (
            "Option 1 follows the in-house transformation delivery model; Appendix E describes it."
            in text
        )


def test_a_panel_named_with_a_number_reads_as_a_name(bare):
    """ "Scores given by Panel 1", never "by the Panel 1"; "(Panel 1 gave 5)", never the
    panel's number run into its score, "(Panel 1 5)"."""
    shape, paragraphs, cells, evaluation = bare
    report = reports.build_report(evaluation, draft=False, version=1)
    bullets = [
        item
        for section in report.sections
        for b in section.blocks
        if isinstance(b, Para)
        for part in b.parts
        for item in part.items
    ]
    text = paragraphs + cells + bullets
    assert not [t for t in text if re.search(r"\bthe Panel \d", t)], shape
    assert not [t for t in text if re.search(r"\bPanel \d+ \d", t)], shape
    if shape == "scratch":
        assert "Scores given by Panel 1" in cells
        assert any(re.search(r"\(Panel \d gave \d", t) for t in bullets), bullets


def test_the_services_are_named_in_sentence_case_in_the_purpose_and_summary(db):
    _, evaluation = without_narrative()
    report = reports.build_report(evaluation, draft=False, version=1)
    text = {
        s.key: " ".join(
            x for b in s.blocks if isinstance(b, Para) for p in b.parts for x in p.lines
        )
        for s in report.sections
        if s.key in ("purpose", "summary")
    }
    assert "how ICT and support services could be delivered in future" in text["purpose"]
    assert "how ICT and support services should be delivered in future" in text["summary"]


def test_a_negative_difference_takes_the_minus_sign_the_money_takes(db):
    """ "−16.0" beside "−£176,677", never a hyphen "-16.0" in one table and "−" in the next."""
    _, evaluation = scratch_built()
    report = reports.build_report(evaluation, draft=False, version=1)
    options = next(s for s in report.sections if s.key == "options")
    (table,) = [b for b in options.blocks if isinstance(b, Table)]
    against = [row.cells[2].text for row in table.rows]
    assert "−16.0" in against and not [t for t in against if t.startswith("-")], against


def test_a_table_cell_never_strings_two_facts_with_a_semicolon(prose):
    """The ranking table named the baseline in its scoring column ("Baseline; yes"): each
    column says its own fact, and the baseline is named where its difference would be."""
    shape, _, cells, evaluation = prose
    assert not [c for c in cells if re.match(r"^[A-Z][a-z]+; [a-z]", c)], shape
    if any(o.baseline and o.rank is not None for o in evaluation.result.options):
        assert "Baseline" in cells, shape


# A phrase said again in another section ------------------------------------------------------

PHRASE = 6  # words: shorter runs are the language's ("the leading option")


def _masked(text: str, names: list[str]) -> str:
    """`text` with each name said as "X", so that a phrase repeated about different options
    is caught, and names long enough to be phrases themselves are not."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), "X", text, flags=re.IGNORECASE)
    return text


def repeated_phrases(report: Any, narrative: dict[str, str], names: list[str]) -> list[str]:
    """Runs of `PHRASE` words, within a sentence, that the report's body writes in two
    sections (the summary and the options, the options and the rejected): each thing is
    said once, and referred back to. What the officer wrote is theirs and left out."""

    def own(key: str, text: str) -> bool:
        return " ".join(text.split()) in " ".join((narrative.get(key) or "").split())

    where: dict[tuple[str, ...], set[str]] = {}
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Para):
                text = " ".join(x for part in block.parts for x in part.lines)
            elif isinstance(block, WarningText):
                text = block.text
            else:
                continue
            if own(section.key, text):
                continue
            for sentence in re.split(r"(?<=[.;])\s+", _masked(text, names)):
                words = re.findall(r"[\w£%'’,.-]+", sentence.lower())
                words = [w.strip(",.") for w in words]
                for i in range(len(words) - PHRASE + 1):
                    where.setdefault(tuple(words[i : i + PHRASE]), set()).add(section.key)
    return sorted(" ".join(p) for p, keys in where.items() if len(keys) > 1)


def names_of(evaluation: Any) -> list[str]:
    doc = evaluation.document
    return [
        *(o["name"] for o in doc["options"]),
        *(c["name"] for c in doc["criteria"]),
        *(p["name"] for p in doc.get("panels") or []),
        doc["lead_authority"],
        *(doc.get("partners") or []),
    ]


def test_the_phrase_check_finds_the_summary_said_again_in_the_options():
    from types import SimpleNamespace

    said = SimpleNamespace(
        sections=[
            SimpleNamespace(key=key, blocks=[Para("1", (reports.Part(lines=(text,)),))])
            for key, text in (
                (
                    "summary",
                    "The recommended option is Alpha, with 73.9 out of 100: 10.6 "
                    "points ahead of Beta.",
                ),
                ("options", "Alpha leads with 73.9 out of 100, 10.6 points ahead of Beta."),
                ("rejected", "Gamma was rejected: too dear."),
            )
        ]
    )
    assert "73.9 out of 100 10.6 points" in repeated_phrases(said, {}, ["Alpha", "Beta"])
    assert (
        repeated_phrases(
            said,
            {"options": "Alpha leads with 73.9 out of 100, 10.6 points ahead of Beta."},
            ["Alpha", "Beta"],
        )
        == []
    )


@pytest.fixture(scope="module")
def demo_reports(django_db_setup, django_db_blocker) -> dict[str, tuple[Any, dict, list]]:
    from django.core.management import call_command
    from django.db import transaction

    found = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        for reference in DEMOS:
            appraisal = Appraisal.objects.get(reference=reference)
            evaluation = evaluate(appraisal, samples=2_000)
            found[reference] = (
                reports.build_report(evaluation, draft=False, version=1),
                dict(appraisal.narrative or {}),
                names_of(evaluation),
            )
        transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("reference", DEMOS)
def test_no_demo_report_says_a_phrase_again_in_another_section(demo_reports, reference):
    """The clerk found the summary's 2.2 said again in 7.6 to 7.8, and the baseline's
    standing said in the options and again in the rejected options."""
    report, narrative, names = demo_reports[reference]
    assert repeated_phrases(report, narrative, names) == []


def test_options_rejected_for_one_reason_are_told_together(demo_reports):
    """Wellingborough rejected the joint venture and the company for the same reason: two
    paragraphs said it word for word."""
    report, _, _ = demo_reports["wellingborough-asd"]
    rejected = next(s for s in report.sections if s.key == "rejected")
    (paragraph,) = [
        " ".join(x for part in b.parts for x in part.lines)
        for b in rejected.blocks
        if isinstance(b, Para)
    ]
    assert paragraph.startswith(
        "Joint venture and Wholly owned company were rejected: considered in the commissioned "
        "report but not chosen by Members for more detailed consideration. Before they were "
        "rejected they were scored: Joint venture 50.0 out of 100 and Wholly owned company "
        "40.0 out of 100."
    )
