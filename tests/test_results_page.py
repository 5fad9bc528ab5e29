"""The results page: who sees it, what it shows (all from the engine), and its query count."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from appraisals import actions
from appraisals.models import Criterion, Option, Risk, Score
from appraisals.results import evaluate
from tests.factories import make_appraisal


def url(reference: str = "test-appraisal") -> str:
    return reverse("appraisals:results", args=[reference])


def page(client, user, reference: str = "test-appraisal") -> str:
    client.force_login(user)
    response = client.get(url(reference))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, tab: str) -> str:
    """The HTML of one tab panel."""
    start = html.index(f'id="{tab}"')
    end = html.find('<div class="govuk-tabs__panel', start + 1)
    return html[start : end if end != -1 else len(html)]


def table_rows(html: str, table_id: str) -> list[list[str]]:
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody") :]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# --------------------------------------------------------------------------------------------
# Who sees it


@pytest.mark.parametrize("who", ["officer", "member", "admin", "partner_officer"])
def test_officers_members_and_partners_see_the_results(client, personas, who):
    html = page(client, getattr(personas, who))
    assert html.count("<h1") == 1
    assert "<title>Results – Appraisal test-appraisal" in html


def test_officer_of_another_council_gets_404(client, personas):
    client.force_login(personas.outsider)
    assert client.get(url()).status_code == 404


def test_the_page_only_reads(client, personas):
    client.force_login(personas.officer)
    assert client.post(url()).status_code == 405


def test_signed_out_visitor_is_sent_to_sign_in(client, personas):
    response = client.get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------------------------
# Ranking


def test_ranking_table_shows_the_engines_ranking_values_and_difference_from_baseline(
    client, personas
):
    html = page(client, personas.member)
    result = evaluate(personas.appraisal).result
    rows = table_rows(html, "ranking-table")
    expected = [
        [str(o.rank), o.name, f"{o.value:.1f}", f"{o.vs_baseline:+.1f}", "Complete"]
        for o in result.ranking
    ]
    assert rows[: len(expected)] == [
        [r[0], r[1], r[2], r[3] if r[3] != "+0.0" else "0.0", r[4]] for r in expected
    ]
    assert rows[-1] == [
        "–",
        "Do nothing",
        f"{result.option('do-nothing').value:.1f}",
        "–",
        "Baseline",
    ]


def test_every_explanation_is_on_the_page_once(client, personas):
    html = page(client, personas.member)
    said = evaluate(personas.appraisal).explained
    assert said.switching and said.disagreement and said.acceptability  # worth checking
    for sentence in said.all():
        assert html.count(sentence.replace("'", "&#x27;")) == 1, sentence


def test_the_page_opens_with_a_plain_english_summary_before_the_tabs(client, personas):
    html = page(client, personas.member)
    summary = html[html.index('id="results-summary"') : html.index('class="govuk-tabs"')]
    said = evaluate(personas.appraisal).explained
    assert said.robustness
    for sentence in (*said.leader, said.robustness, said.would_change):
        assert sentence.replace("'", "&#x27;") in summary
    assert "A committee report is being prepared." in summary


def test_every_technical_figure_has_what_this_means(client, personas):
    html = page(client, personas.member)
    for figure, meaning in (
        ('id="ranking-table"', 'id="ranking-meaning"'),
        ('id="switching-table"', 'id="switching-meaning"'),
        ("Share of 10,000 simulations", 'id="simulations-meaning"'),
        ('id="disagreement-table"', 'id="disagreement-meaning"'),
    ):
        assert html.index(figure) < html.index(meaning), figure
        assert "What this means" in html[html.index(meaning) :][:200]


def test_members_see_the_draft_recommendations_once_an_officer_marks_them_ready(client, personas):
    appraisal = personas.appraisal
    appraisal.narrative = {"recommendations": "That the Council approves Option 1."}
    appraisal.save()
    html = page(client, personas.member)
    assert "A committee report is being prepared." in html
    assert "That the Council approves Option 1." not in html
    client.force_login(personas.officer)
    report_page = client.get(reverse("appraisals:report", args=[appraisal.reference])).text
    assert "Mark the draft ready for members" in report_page
    response = client.post(
        reverse("appraisals:report-ready", args=[appraisal.reference]), {"ready": "yes"}
    )
    assert response.status_code == 302
    html = page(client, personas.member)
    drafted = html[html.index('id="draft-recommendations"') :]
    assert "Draft" in drafted and "That the Council approves Option 1." in drafted
    assert "A committee report is being prepared." not in html
    assert appraisal.changes.filter(field="draft_ready_for_members").exists()  # audit trail
    client.force_login(personas.officer)
    client.post(reverse("appraisals:report-ready", args=[appraisal.reference]), {"ready": "no"})
    assert "A committee report is being prepared." in page(client, personas.member)


def test_only_an_officer_of_the_appraisal_may_show_members_the_draft(client, personas):
    url = reverse("appraisals:report-ready", args=[personas.appraisal.reference])
    client.force_login(personas.member)
    assert client.post(url, {"ready": "yes"}).status_code == 403
    client.force_login(personas.outsider)
    assert client.post(url, {"ready": "yes"}).status_code == 404
    client.force_login(personas.officer)
    assert client.get(url).status_code == 405
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.draft_ready_for_members is False


def test_with_one_option_ranked_no_simulation_is_shown(client, personas):
    personas.appraisal.options.exclude(key__in=["option-1", "do-nothing"]).update(
        status=Option.Status.REJECTED, rejection_reason="Too slow"
    )
    html = page(client, personas.member)
    assert "simulations" not in html
    assert "can be tested once two or more options can be ranked" in html


def test_tabs_are_anchored_sections_that_work_without_javascript(client, personas):
    html = page(client, personas.member)
    for tab in ("ranking", "panels", "sensitivity", "finance", "risks"):
        assert f'<a class="govuk-tabs__tab" href="#{tab}">' in html
        assert re.search(f'<div class="govuk-tabs__panel[^"]*" id="{tab}">', html)


def test_every_computed_section_says_how_it_is_calculated(client, personas):
    add_finance_and_risks(personas.appraisal, personas.officer, personas.partner)
    html = page(client, personas.member)
    for tab in ("ranking", "panels", "sensitivity", "finance", "risks"):
        assert "How is this calculated?" in section(html, tab), tab


def test_contribution_chart_has_its_text_alternative_and_data_table(client, personas):
    html = section(page(client, personas.member), "ranking")
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert 'aria-labelledby="chart-contribution-title chart-contribution-desc"' in html
    assert "Data: Weighted value of each option, by criterion" in html


def test_provisional_options_are_flagged_not_counted_as_zero(client, personas):
    Score.objects.filter(
        panel__appraisal=personas.appraisal, option__key="option-3", criterion__key="criterion-2"
    ).delete()
    html = section(page(client, personas.member), "ranking")
    assert "Option 3 is provisional" in html
    row = next(r for r in table_rows(html, "ranking-table") if r[1] == "Option 3")
    assert row == ["–", "Option 3", "–", "–", "Provisional"]


def close_call_appraisal(personas):
    """Two options a hair apart: the engine calls it a close call."""
    appraisal = make_appraisal(personas.lead, reference="close", options=2, criteria=2, panels=1)
    Score.objects.filter(panel__appraisal=appraisal).update(score=3)
    Score.objects.filter(
        panel__appraisal=appraisal, option__key="option-1", criterion__key="criterion-2"
    ).update(score=4)
    Score.objects.filter(
        panel__appraisal=appraisal, option__key="option-2", criterion__key="criterion-1"
    ).update(score=5)
    return appraisal


def test_close_call_is_a_warning(client, personas):
    appraisal = close_call_appraisal(personas)
    cc = evaluate(appraisal).result.close_call
    assert cc is not None and (cc.within_margin or cc.flips)
    html = section(page(client, personas.member, "close"), "ranking")
    warning = html[html.index("govuk-warning-text") :]
    assert "This is a close call" in warning[: warning.index("</strong>")]


def test_no_close_call_warning_when_the_leader_is_clear(client, personas):
    appraisal = make_appraisal(personas.lead, reference="clear", options=2, criteria=2, panels=1)
    Score.objects.filter(panel__appraisal=appraisal).update(score=1)
    Score.objects.filter(panel__appraisal=appraisal, option__key="option-1").update(score=5)
    html = section(page(client, personas.member, "clear"), "ranking")
    assert "This is a close call" not in html


# --------------------------------------------------------------------------------------------
# Panels and sensitivity


def test_panels_are_ranked_side_by_side(client, personas):
    html = section(page(client, personas.member), "panels")
    result = evaluate(personas.appraisal).result
    rows = {r[0]: r[1:] for r in table_rows(html, "panel-table")}
    for panel_index, panel in enumerate(result.panels, start=1):
        for o in panel.options:
            if o.rank is not None:
                name = result.option_names[o.option]
                assert rows[name][panel_index] == f"{o.value:.1f} (rank {o.rank})"
    assert rows["Leading option"][0] == result.option_names[result.leader]


def test_disagreements_list_scores_where_panels_differ_by_forty_points(client, personas):
    html = section(page(client, personas.member), "panels")
    result = evaluate(personas.appraisal).result
    assert result.disagreements  # the factory's panels disagree somewhere
    rows = table_rows(html, "disagreement-table")
    assert len(rows) == len(result.disagreements)
    d = result.disagreements[0]
    assert rows[0][0] == result.option_names[d.option]
    assert rows[0][1] == result.criterion_names[d.criterion]
    assert rows[0][3] == f"{d.spread:.1f}"


def test_switching_values_in_a_table_and_plain_english(client, personas):
    html = section(page(client, personas.member), "sensitivity")
    result = evaluate(personas.appraisal).result
    rows = table_rows(html, "switching-table")
    assert [r[0] for r in rows] == [result.criterion_names[s.criterion] for s in result.switching]
    moving = next(s for s in result.switching if s.upper or s.lower)
    point = moving.upper or moving.lower
    assert f"would lose the lead to {result.option_names[point.new_leader]} only if" in html
    assert result.criterion_names[moving.criterion] in html[html.index("switching-sentences") :]
    assert "chart-acceptability-title" in html


# --------------------------------------------------------------------------------------------
# Finance and risks


def add_finance_and_risks(appraisal, user, partner):
    option = appraisal.options.get(key="option-1")
    actions.save_financial_case(
        appraisal=appraisal,
        user=user,
        option=option,
        flows={
            "costs": [250000, 100000, 0],
            "savings_low": [0, 450000, 900000],
            "savings_central": [0, 600000, 1200000],
            "savings_high": [0, 750000, 1500000],
        },
        shares={appraisal.lead_authority: 0.5, partner: 0.5},
    )
    Risk.objects.create(
        appraisal=appraisal,
        risk="Targets <missed>",
        likelihood=4,
        impact=5,
        residual_likelihood=3,
        residual_impact=4,
        controls="Programme board",
    )
    Risk.objects.create(
        appraisal=appraisal,
        option=option,
        risk="Staff leave",
        likelihood=2,
        impact=3,
        residual_likelihood=1,
        residual_impact=3,
    )


def test_finance_table_and_value_for_money_map(client, personas):
    add_finance_and_risks(personas.appraisal, personas.officer, personas.partner)
    html = section(page(client, personas.member), "finance")
    money = evaluate(personas.appraisal).finance["option-1"]
    row = table_rows(html, "finance-table")[0]
    assert row[0] == "Option 1"
    assert row[2] == f"£{round(money.npv_central):,}"
    assert row[4] == f"{money.payback_years:.1f} years"
    shares = table_rows(html, "partner-share-table")
    assert [r[1] for r in shares] == ["Lead District Council", "Partner Borough Council"]
    assert shares[0][2] == "50%"
    assert "chart-value-for-money-title" in html


def test_risk_heat_maps_before_and_after_controls(client, personas):
    add_finance_and_risks(personas.appraisal, personas.officer, personas.partner)
    html = section(page(client, personas.member), "risks")
    assert "Before controls: number of risks by likelihood and impact" in html
    assert "After controls: number of risks by likelihood and impact" in html
    rows = table_rows(html, "risk-table")
    assert rows[0][:3] == ["R1", "Targets &lt;missed&gt;", "Whole appraisal"]
    assert rows[0][3] == "20 very high" and rows[0][5] == "12 high"
    assert rows[1][2] == "Option 1"


def test_option_names_are_escaped(client, personas):
    personas.appraisal.options.filter(key="option-1").update(name="<b>Bold</b> & co")
    html = page(client, personas.member)
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html


def test_an_appraisal_with_nothing_scored_still_renders(client, personas):
    make_appraisal(personas.lead, reference="blank", scored=False)
    html = page(client, personas.member, "blank")
    assert "No option can be ranked yet" in html
    assert "No option has a financial case yet." in html and "No risks are recorded yet." in html


def test_rejected_options_are_left_out_of_the_ranking(client, personas):
    personas.appraisal.options.filter(key="option-2").update(
        status=Option.Status.REJECTED, rejection_reason="Too slow"
    )
    rows = table_rows(page(client, personas.member), "ranking-table")
    assert "Option 2" not in [r[1] for r in rows]


# --------------------------------------------------------------------------------------------
# Query counts

# Session, user; the appraisal (visibility through memberships, one query); results.evaluate's
# ten (appraisal with its lead authority, partners, services, options with delivery models and
# financial cases, criteria, panels, risks, options' partners, partner shares, scores) and
# the declarations of interest (none here: one query); the user's memberships (can_edit); the
# latest issued report (for the recommendations); the council named in the header.
RESULTS_QUERIES = 17


def test_results_query_count_is_pinned(client, personas, django_assert_num_queries):
    add_finance_and_risks(personas.appraisal, personas.officer, personas.partner)
    client.force_login(personas.member)
    with django_assert_num_queries(RESULTS_QUERIES):
        assert client.get(url()).status_code == 200


def test_results_query_count_does_not_grow_with_options_criteria_and_panels(
    client, personas, django_assert_num_queries
):
    big = make_appraisal(personas.lead, reference="big", options=8, criteria=10, panels=4)
    add_finance_and_risks(big, personas.officer, personas.partner)
    Criterion.objects.filter(appraisal=big, key="criterion-3").update(guidance="0 = none")
    client.force_login(personas.member)
    with django_assert_num_queries(RESULTS_QUERIES):
        assert client.get(url("big")).status_code == 200
