"""The record of decision and the benefits realisation report as PDFs (issue 13, points 3 and
7): rendered through the committee report's pipeline, downloaded from their pages and read
back for what a clerk and a screen reader meet, with the same PDF/UA checks as the report."""

from __future__ import annotations

import datetime as dt
import io

import pdfua
import pikepdf
import pytest
from pypdf import PdfReader

from appraisals import actions
from appraisals.benefits import Actual, benefits, trajectory
from appraisals.models import Appraisal
from tests.test_decision import appraisal as appraisal  # noqa: F401 - the fixture
from tests.test_decision import issue, url
from tests.test_report_pdf_structure import BOTTOM_MARGIN, TOP_MARGIN, text_positions, tree, walk


def read(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_ua_findings(pdf: bytes, tmp_path) -> list:
    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf)
    return [(f.rule_id, f.message) for f in pdfua.validate(str(path)).findings]


@pytest.fixture
def decided(personas, appraisal):
    version = issue(appraisal)
    actions.record_decision(
        appraisal=appraisal,
        user=personas.officer,
        fields={
            "maker": "cabinet",
            "maker_name": "Cabinet",
            "decided_on": dt.date(2026, 12, 14),
            "minute_reference": "CAB 26/101",
            "reasons": "Option 1 has the highest weighted value.",
            "alternatives_rejected": "Option 2: it costs more to set up.",
            "interests_declared": "Councillor Ellis declared an other registrable interest.",
            "chosen_option": "option-1",
            "published_on": dt.date(2026, 12, 21),
            "call_in_status": "upheld",
        },
        outcomes=[
            actions.Outcome(1, "That Option 1 is taken forward as the preferred option.", "agreed"),
            actions.Outcome(
                2,
                "That officers report progress to this committee in six months.",
                "amended",
                "That officers report progress to this committee in three months.",
            ),
        ],
    )
    assert version
    actions.start_implementation(appraisal=appraisal, user=personas.officer)
    actions.save_actual_year(
        appraisal=appraisal,
        user=personas.officer,
        year=1,
        fields={"costs": 20_000.0, "savings": 45_000.0},
    )
    actions.save_milestone(
        appraisal=appraisal,
        user=personas.officer,
        fields={"name": "Staff consultation ends", "due_on": dt.date(2027, 3, 31)},
    )
    return appraisal


def download(client, personas, name: str) -> bytes:
    client.force_login(personas.member)  # members read both papers
    response = client.get(url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_record_of_decision_says_what_was_decided(client, personas, decided):
    text = read(download(client, personas, "decision-pdf"))
    flat = " ".join(text.split())
    assert "Record of decision: Cabinet" in flat
    assert "CAB 26/101" in flat
    assert "Recommendation 2 was agreed as amended" in flat
    assert "in three months" in flat and "in six months" in flat
    assert "Councillor Ellis declared an other registrable interest." in flat
    assert "until the end of 30 December 2026" in flat
    assert "The option to be implemented is Option 1" in flat


@pytest.mark.parametrize("name", ["decision-pdf", "benefits-pdf"])
def test_each_paper_passes_the_pdf_ua_checks_the_report_does(
    client, personas, decided, tmp_path, name
):
    pdf = download(client, personas, name)
    assert pdf_ua_findings(pdf, tmp_path) == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert doc.Root.PageMode == "/UseOutlines"
        assert str(doc.Root.Lang) == "en-GB"
        kinds = [e.kind for e in walk(tree(doc))]
        assert kinds.count("/H1") == 1 and kinds.count("/H2") >= 4
        assert "/Table" in kinds
        # the running heads and page numbers are pagination artifacts, not content
        height = float(doc.pages[0].mediabox[3])
        for page in doc.pages:
            margins = [
                tagged
                for y, tagged in text_positions(page)
                if y < TOP_MARGIN or y > height - BOTTOM_MARGIN
            ]
            assert margins and not any(margins)


def test_the_benefits_report_shows_actuals_against_the_plan_and_the_chart(
    client, personas, decided
):
    pdf = download(client, personas, "benefits-pdf")
    flat = " ".join(read(pdf).split())
    assert "Benefits realisation report to" in flat
    assert "Staff consultation ends" in flat
    assert "£45,000" in flat  # the actual savings of year 1
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        alts = [str(e.node.Alt) for e in walk(tree(doc)) if e.kind == "/Figure"]
    assert len(alts) == 1
    assert alts[0].startswith("Savings a year from Option 1")
    assert "In year 1 the actual savings were £45,000" in alts[0]


def test_a_paper_with_nothing_recorded_is_404(client, personas, appraisal):
    client.force_login(personas.officer)
    assert client.get(url("decision-pdf")).status_code == 404
    assert client.get(url("benefits-pdf")).status_code == 404


# The figures: the plan, the target's trajectory -------------------------------------------


def test_wellingboroughs_target_rises_to_three_million_in_four_years():
    assert [trajectory(3_000_000, 4, t) for t in range(6)] == [
        0,
        750_000,
        1_500_000,
        2_250_000,
        3_000_000,
        3_000_000,
    ]


def test_a_percentage_target_is_that_share_of_the_net_revenue_budget(personas):
    personas.lead.net_revenue_budget = 12_000_000
    personas.lead.save()
    appraisal = Appraisal(lead_authority=personas.lead, savings_target_percent=25)
    assert appraisal.target_pounds == 3_000_000
    appraisal.savings_target = 2_000_000  # pounds, where given, stand
    assert appraisal.target_pounds == 2_000_000


def test_the_plan_is_the_lead_councils_share_with_the_optimism_bias():
    snapshot = {
        "lead_authority": "Lead",
        "options": [{"key": "a", "name": "Shared"}],
        "finance": {
            "optimism_bias": 0.5,
            "options": {
                "a": {
                    "costs": [100, 0],
                    "savings": {"low": [0, 80], "central": [0, 100], "high": [0, 120]},
                    "partner_shares": {"Lead": 0.5, "Other": 0.5},
                }
            },
        },
    }
    plan = benefits(snapshot, "a", [Actual(1, 0, 70)], target=None, target_year=None)
    first, second = plan.rows
    assert first.planned_costs == 75  # half of 100, uplifted by half
    assert (second.savings_low, second.savings_central, second.savings_high) == (40, 50, 60)
    assert second.actual.savings == 70 and second.variance == 20
    assert second.against_range == "Above the high case"


def test_the_trajectory_chart_draws_each_series_and_tabulates_every_year():
    from xml.etree import ElementTree

    from appraisals.charts import trajectory_chart

    snapshot = {
        "lead_authority": "Borough Council of Wellingborough",
        "options": [{"key": "shared", "name": "Shared management"}],
        "finance": {
            "options": {
                "shared": {
                    "costs": [100_000, 50_000, 0, 0, 0],
                    "savings": {
                        "low": [0, 225_000, 450_000, 675_000, 675_000],
                        "central": [0, 300_000, 600_000, 900_000, 900_000],
                        "high": [0, 375_000, 750_000, 1_125_000, 1_125_000],
                    },
                }
            }
        },
    }
    actuals = [Actual(1, 60_000, 280_000), Actual(2, 0, 640_000)]
    plan = benefits(snapshot, "shared", actuals, target=3_000_000, target_year=4)
    chart = trajectory_chart(plan)
    svg = ElementTree.fromstring(str(chart.svg))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.find(f"{ns}title").text == chart.title
    lines = svg.findall(f"{ns}polyline")
    assert len(lines) == 3  # central, target, actual
    assert [row[0] for row in chart.rows] == [f"Year {t}" for t in range(5)]
    assert chart.rows[2] == ("Year 2", "£1,500,000", "£450,000", "£600,000", "£750,000", "£640,000")
    assert chart.rows[3][-1] == "Not entered"
    assert "In year 2 the actual savings were £640,000" in chart.description
    assert "£1,500,000 on the target's trajectory" in chart.description


@pytest.mark.parametrize(("typed", "ok"), [("25", True), ("0", False), ("120", False)])
def test_the_scope_form_takes_the_target_as_a_percentage(personas, typed, ok):
    from appraisals.forms import ScopeForm

    stored = personas.appraisal
    form = ScopeForm(instance=stored)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["partners"] = [a.pk for a in stored.partners.all()]
    data["services"] = []
    data["savings_target_percent"] = typed
    bound = ScopeForm(data, instance=Appraisal.objects.get(pk=stored.pk))
    assert bound.is_valid() is ok or "savings_target_percent" in bound.errors
    if ok:
        assert bound.scope_changes()["savings_target_percent"] == 25
    else:
        assert "at most 100%" in str(bound.errors["savings_target_percent"])


def test_the_record_of_decision_lists_the_interests_declared_for_the_appraisal(
    client, personas, decided
):
    """Besides what was said at the meeting, the declarations made by those who scored."""
    from appraisals import interests

    option = decided.options.get(key="option-2")
    interests.declare(
        appraisal=decided,
        user=personas.member,
        kind="disclosable_pecuniary",
        options=[option],
        description="Director of a company that is bidding",
    )
    interests.declare(appraisal=decided, user=personas.officer, kind="none")
    # The record was published before these were made: it stays as it was published...
    published = " ".join(read(download(client, personas, "decision-pdf")).split())
    assert "Director of a company" not in published
    # ...until a correction publishes it again, with the declarations as they now stand.
    record = decided.decision
    actions.record_decision(
        appraisal=decided,
        user=personas.officer,
        fields={
            **{f: getattr(record, f) for f in actions.decision.DECISION_FIELDS},
            "reasons": "Option 1 has the highest weighted value, and the lowest risk.",
        },
        outcomes=[
            actions.Outcome(r.number, r.text, r.outcome, r.amended_text)
            for r in record.recommendations.all()
        ],
        reason="Councillor Bob's declaration of interest was left out.",
    )
    flat = " ".join(read(download(client, personas, "decision-pdf")).split())
    assert "Those who scored the options declared these interests" in flat
    assert (
        f"bob declared a disclosable pecuniary interest in {option.name}: Director of a company "
        "that is bidding." in flat
    )
    assert "Councillor Ellis declared an other registrable interest." in flat
    assert "alice declared no interests" not in flat  # a declaration of none is not listed
    client.force_login(personas.member)
    page = client.get(url("decision")).text
    assert "Director of a company that is bidding" in page
