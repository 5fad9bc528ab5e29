"""The report's financial case compares options like with like: every option's figures to the
lead council (its share of a partnership's), the whole arrangement and each partner's share
in a table of their own, payback in words, and rounding that adds up."""

from __future__ import annotations

import re

import pytest

from appraisals import charts, reports
from appraisals.models import Authority
from appraisals.reports.structure import Table
from appraisals.results import evaluate
from tests.test_reports_data import ensure_delivery_models, report_document

pytestmark = pytest.mark.django_db

LEAD = "Lead District Council"
NHS = "Shire Community Health NHS Trust"
COUNTY = "Shire County Council"


def three_partner_document() -> dict:
    """Option 1 shared three ways, with an NHS trust taking half; the others the lead's."""
    doc = report_document(options=3, panels=1, risks=2)
    doc["partners"] = sorted([NHS, COUNTY])
    doc["options"][1]["partners"] = sorted([NHS, COUNTY])
    doc["finance"]["options"]["option-1"] = {
        "costs": [300_000, 0, 0, 0, 0],
        "savings": {
            "low": [0, 300_000, 600_000, 600_000, 600_000],
            "central": [0, 450_000, 900_000, 900_000, 900_000],
            "high": [0, 600_000, 1_200_000, 1_200_000, 1_200_000],
        },
        "partner_shares": {LEAD: 0.2, NHS: 0.5, COUNTY: 0.3},
    }
    return doc


@pytest.fixture
def report():
    from appraisals.interchange import import_document

    ensure_delivery_models()
    doc = three_partner_document()
    appraisal = import_document(document=doc).appraisal
    evaluation = evaluate(appraisal, samples=200)
    return evaluation, reports.build_report(evaluation)


def tables(report) -> dict[str, Table]:
    return {
        b.caption: b
        for s in report.sections
        for b in s.blocks
        if isinstance(b, Table)  # numbered in printed order when rendered, not here
    }


def row(table: Table, header: str) -> list[str]:
    return next([c.text for c in r.cells] for r in table.rows if r.header == header)


def money(text: str) -> int:
    return int(text.replace("£", "").replace(",", "").replace("−", "-"))


def test_the_comparison_table_puts_a_partnership_at_the_lead_councils_share(report):
    evaluation, built = report
    money_ = evaluation.finance["option-1"]
    assert money_.lead_share == 0.2
    comparison = next(t for c, t in tables(built).items() if "financial case for each" in c)
    assert comparison.caption.endswith(f"to {LEAD}")
    shared = row(comparison, evaluation.option_name("option-1"))
    # One-off costs 20% of 300,000; savings in full 20% of 600,000 to 1,200,000.
    assert shared[0] == "£60,000"
    assert shared[1] == "£120,000 to £240,000"
    assert money(shared[3]) == round(money_.whole.npv_central * 0.2)
    # The value-for-money chart plots the same figures, and says whose they are.
    chart = charts.value_for_money_chart(evaluation)
    plotted = next(r for r in chart.rows if r[1] == evaluation.option_name("option-1"))
    assert plotted[4] == shared[3]
    assert LEAD in chart.description


def test_the_partnership_has_its_own_table_whose_shares_add_up_to_the_whole(report):
    evaluation, built = report
    name = evaluation.option_name("option-1")
    table = next(t for c, t in tables(built).items() if c.endswith("each partner's share"))
    assert name in table.caption
    headers = [r.header for r in table.rows]
    assert headers == [LEAD, NHS, COUNTY, "Whole arrangement"]
    assert [row(table, h)[0] for h in headers] == ["20%", "50%", "30%", "100%"]
    for column in range(1, 5):
        parts = [money(row(table, h)[column]) for h in headers[:-1]]
        assert sum(parts) == money(row(table, "Whole arrangement")[column])
    # The lead council's row says what the comparison table says.
    comparison = next(t for c, t in tables(built).items() if "financial case for each" in c)
    assert row(table, LEAD)[1:5] == [row(comparison, name)[i] for i in (0, 2, 3, 4)]
    # The NHS trust is a partner, not a "partner council".
    text = " ".join(
        " ".join(line for part in b.parts for line in part.lines)
        for s in built.sections
        for b in s.blocks
        if getattr(b, "kind", "") == "para"
    )
    assert "partner council" not in text


def test_payback_is_said_in_words_in_the_years_of_the_financial_case(report):
    evaluation, built = report
    comparison = next(t for c, t in tables(built).items() if "financial case for each" in c)
    # Whole net -300,000 then 450,000: the running total turns during year 1.
    assert row(comparison, evaluation.option_name("option-1"))[5] == "During year 1"
    financial = next(s for s in built.sections if s.key == "financial")
    said = " ".join(
        line for b in financial.blocks if b.kind == "para" for p in b.parts for line in p.lines
    )
    # Said once for the options alike: "On central savings, A and B pay back during year 1,
    # and C during year 3."
    assert re.search(
        rf"On central savings, [^.;]*{re.escape(evaluation.option_name('option-1'))}"
        r"[^.;]*? pays? back during year 1\b",
        said,
    ), said
    assert not re.search(r"\d\.\d years", said)


def test_the_difference_from_the_baseline_is_the_difference_of_the_values_shown(report):
    evaluation, built = report
    ranking = next(t for c, t in tables(built).items() if "ranked by weighted value" in c)
    base = float(row(ranking, "Do nothing")[1])
    for r in ranking.rows:
        if r.header != "Do nothing":
            value, against = float(r.cells[1].text), float(r.cells[2].text)
            assert against == pytest.approx(value - base, abs=1e-9)


def test_a_partner_that_is_not_a_council_is_imported_as_its_kind(report):
    assert Authority.objects.get(name=NHS).kind == Authority.Kind.NHS_TRUST


def test_partners_percentages_add_up_to_the_whole_as_printed():
    """A third each is printed 34%, 33%, 33% beside the whole's 100%, never 33% three times."""
    from appraisals.interchange import import_document

    ensure_delivery_models()
    doc = three_partner_document()
    doc["finance"]["options"]["option-1"]["partner_shares"] = {
        LEAD: 1 / 3,
        NHS: 1 / 3,
        COUNTY: 1 / 3,
    }
    built = reports.build_report(evaluate(import_document(document=doc).appraisal, samples=200))
    table = next(t for c, t in tables(built).items() if c.endswith("each partner's share"))
    shares = [row(table, h)[0] for h in (LEAD, NHS, COUNTY)]
    assert sorted(shares) == ["33%", "33%", "34%"]
    assert row(table, "Whole arrangement")[0] == "100%"


@pytest.mark.parametrize(
    ("fractions", "printed"),
    [
        ([1 / 3, 1 / 3, 1 / 3], ["34%", "33%", "33%"]),
        ([0.2, 0.5, 0.3], ["20%", "50%", "30%"]),
        ([0.125, 0.125, 0.75], ["13%", "12%", "75%"]),
        ([0.05, 0.95], ["5%", "95%"]),  # a share under 10% keeps its decimal place
        # ... and then every share keeps one, by the same rule: 7.5% + 43% + 50% is 100.5%
        ([0.0749, 0.4251, 0.5], ["7.5%", "42.5%", "50%"]),
        ([0.0333, 0.3333, 0.6334], ["3.3%", "33.3%", "63.4%"]),
        ([0.4, 0.4], ["40%", "40%"]),  # not a whole: each as it is
    ],
)
def test_format_percents_adds_up_to_100(fractions, printed):
    from appraisals.explain import format_percents

    assert format_percents(fractions) == printed


def _financial_text(built) -> str:
    financial = next(s for s in built.sections if s.key == "financial")
    return " ".join(
        line for b in financial.blocks if b.kind == "para" for p in b.parts for line in p.lines
    )


@pytest.mark.parametrize(
    ("meeting", "said"),
    [
        ("2011-10-31", "Year 0 is 2011/12, the financial year of the decision."),
        ("2027-03-31", "Year 0 is 2026/27, the financial year of the decision."),
        ("2026-04-01", "Year 0 is 2026/27, the financial year of the decision."),
        (None, "Year 0 is the financial year in which the decision is taken."),
    ],
)
def test_year_0_is_named_as_the_financial_year_of_the_meeting(meeting, said):
    """A council's financial year runs from 1 April to 31 March: "this year" named none."""
    from appraisals.interchange import import_document

    ensure_delivery_models()
    doc = three_partner_document()
    doc["committee"]["meeting_date"] = meeting
    appraisal = import_document(document=doc).appraisal
    text = _financial_text(reports.build_report(evaluate(appraisal, samples=0)))
    assert said in text
    assert "this year" not in text
