"""After the meeting (issue 13, points 3, 7 and 8): the record of decision, the call-in
deadline in working days, the moves to decided, implementing and closed with each refusal,
milestones and actual figures, who may see and change each page, and the stale-save check."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals import actions, decisions, interchange
from appraisals.frozen import OPEN_WHEN_ISSUED
from appraisals.models import (
    ActualYear,
    Appraisal,
    Change,
    Decision,
    DecisionRecommendation,
    Milestone,
    ReportVersion,
)
from tests.test_reports_data import make_report_appraisal

REF = "report-test"
RECOMMENDATIONS = (
    "That Option 1 is taken forward as the preferred option.\n"
    "That officers report progress to this committee in six months."
)


def url(name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[REF, *args])


@pytest.fixture
def appraisal(personas) -> Appraisal:
    appraisal = make_report_appraisal(
        options=2,
        criteria=3,
        panels=2,
        risks=2,
        narrative_text={"recommendations": RECOMMENDATIONS},
    )
    appraisal.partners.add(personas.partner)
    return appraisal


def issue(appraisal: Appraisal, user=None) -> ReportVersion:
    """Issued as the next version, as `issue_report` leaves it (without rendering a PDF)."""
    number = appraisal.report_versions.count() + 1
    version = ReportVersion.objects.create(
        appraisal=appraisal,
        number=number,
        issued_by=user,
        snapshot=interchange.export_document(appraisal),
        pdf=b"%PDF-1.7 issued",
        sha256="0" * 64,
        html="<p>Issued</p>",
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.ISSUED)
    appraisal.refresh_from_db()
    return version


def fields(**changes) -> dict:
    return {
        "maker": "cabinet",
        "maker_name": "Cabinet",
        "decided_on": dt.date(2026, 12, 14),
        "minute_reference": "CAB 26/101",
        "reasons": "Option 1 has the highest weighted value and saves the most.",
        "alternatives_rejected": "Option 2: it costs more to set up.",
        "interests_declared": "",
        "chosen_option": "option-1",
        "published_on": dt.date(2026, 12, 21),
        "call_in_status": "none",
        **changes,
    }


def outcomes(version: ReportVersion, amended: str = "") -> list[actions.Outcome]:
    texts = decisions.issued_recommendations(version)
    return [
        actions.Outcome(
            number=n,
            text=text,
            outcome="amended" if amended and n == 2 else "agreed",
            amended_text=amended if n == 2 else "",
        )
        for n, text in enumerate(texts, start=1)
    ]


def decide(appraisal: Appraisal, user, **changes) -> Decision:
    version = appraisal.report_versions.order_by("-number").first()
    return actions.record_decision(
        appraisal=appraisal, user=user, fields=fields(**changes), outcomes=outcomes(version)
    )


def status(appraisal: Appraisal) -> str:
    return Appraisal.objects.get(pk=appraisal.pk).status


# The call-in deadline, in working days ------------------------------------------------------


def test_the_deadline_skips_weekends():
    # Published on Monday 7 December 2026: the fifth working day after is Monday 14th.
    assert decisions.call_in_deadline(dt.date(2026, 12, 7)) == dt.date(2026, 12, 14)


def test_the_deadline_skips_christmas_and_the_boxing_day_substitute():
    # Monday 21 December 2026: 22, 23, 24, then Christmas Day (Friday), the weekend and the
    # Boxing Day bank holiday moved to Monday 28th, then 29 and 30.
    assert decisions.call_in_deadline(dt.date(2026, 12, 21)) == dt.date(2026, 12, 30)


def test_the_deadline_skips_easter():
    # Thursday 25 March 2027, three working days: Good Friday (26th), the weekend and Easter
    # Monday (29th) are skipped, so 30 and 31 March and 1 April.
    assert decisions.call_in_deadline(dt.date(2027, 3, 25), 3) == dt.date(2027, 4, 1)


def test_the_number_of_working_days_is_the_councils(personas, appraisal):
    personas.lead.call_in_working_days = 3
    personas.lead.save()
    issue(appraisal)
    record = decide(appraisal, personas.officer, published_on=dt.date(2026, 12, 7))
    assert record.call_in_deadline == dt.date(2026, 12, 10)


def test_the_deadline_is_counted_again_when_the_publication_date_changes(personas, appraisal):
    issue(appraisal)
    record = decide(appraisal, personas.officer, published_on=None)
    assert record.call_in_deadline is None
    record = decide(appraisal, personas.officer, published_on=dt.date(2026, 12, 21))
    assert record.call_in_deadline == dt.date(2026, 12, 30)


# Recommendations come from the issued report ------------------------------------------------


def test_the_recommendations_are_the_issued_reports(personas, appraisal):
    version = issue(appraisal)
    assert decisions.issued_recommendations(version) == RECOMMENDATIONS.split("\n")


def test_with_none_written_the_drafted_recommendation_is_the_one_decided(personas, appraisal):
    appraisal.narrative = {}
    appraisal.save()
    version = issue(appraisal)
    version.snapshot["results"] = {"leader": "option-2"}
    texts = decisions.issued_recommendations(version)
    assert len(texts) == 1 and texts[0].startswith("That Option 2")


# State changes and refusals -----------------------------------------------------------------


def test_a_decision_cannot_be_recorded_before_the_report_is_issued(personas, appraisal):
    before = Change.objects.count()
    with pytest.raises(actions.NotAllowed, match="issue the report first"):
        actions.record_decision(
            appraisal=appraisal, user=personas.officer, fields=fields(), outcomes=[]
        )
    assert not Decision.objects.exists() and Change.objects.count() == before
    assert status(appraisal) == Appraisal.Status.DRAFT


def test_recording_the_decision_moves_the_appraisal_to_decided_with_history(personas, appraisal):
    version = issue(appraisal)
    record = actions.record_decision(
        appraisal=appraisal,
        user=personas.officer,
        fields=fields(),
        outcomes=outcomes(version, amended="That officers report progress in three months."),
    )
    assert status(appraisal) == Appraisal.Status.DECIDED
    assert record.report_version == version
    rows = list(record.recommendations.all())
    assert [r.outcome for r in rows] == ["agreed", "amended"]
    assert rows[1].amended_text == "That officers report progress in three months."
    assert rows[1].text == RECOMMENDATIONS.split("\n")[1]
    history = Change.objects.filter(appraisal=appraisal, kind="decision")
    assert history.filter(field="recorded").exists()
    assert history.filter(field="status", old="issued", new="decided").exists()
    assert history.filter(subject="Recommendation 2", new__contains="three months").exists()


def test_an_amended_outcome_without_its_text_is_refused_by_the_database(personas, appraisal):
    from django.db import IntegrityError, transaction

    issue(appraisal)
    record = decide(appraisal, personas.officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionRecommendation.objects.filter(decision=record, number=1).update(outcome="amended")


def test_the_decision_is_on_the_latest_issued_version(personas, appraisal):
    issue(appraisal)
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.REVIEW)
    second = issue(appraisal)
    assert decide(appraisal, personas.officer).report_version == second


def test_implementation_waits_for_the_call_in_period(personas, appraisal):
    issue(appraisal)
    record = decide(appraisal, personas.officer)  # published 21 December: until the 30th
    with pytest.raises(actions.NotAllowed, match="called in until 30 December 2026"):
        actions.start_implementation(
            appraisal=appraisal, user=personas.officer, today=dt.date(2026, 12, 30)
        )
    assert status(appraisal) == Appraisal.Status.DECIDED
    actions.start_implementation(
        appraisal=appraisal,
        user=personas.officer,
        today=record.call_in_deadline + dt.timedelta(days=1),
    )
    assert status(appraisal) == Appraisal.Status.IMPLEMENTING
    assert Change.objects.filter(
        appraisal=appraisal, kind="decision", field="status", new="implementing"
    ).exists()


def test_implementation_waits_for_the_publication_date(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, published_on=None)
    with pytest.raises(actions.NotAllowed, match="date the decision was published"):
        actions.start_implementation(
            appraisal=appraisal, user=personas.officer, today=dt.date(2027, 6, 1)
        )


@pytest.mark.parametrize("call_in", ["called-in", "referred-back"])
def test_a_called_in_decision_is_not_implemented(personas, appraisal, call_in):
    issue(appraisal)
    decide(appraisal, personas.officer, call_in_status=call_in)
    with pytest.raises(actions.NotAllowed, match="called in|referred back"):
        actions.start_implementation(
            appraisal=appraisal, user=personas.officer, today=dt.date(2027, 6, 1)
        )
    assert status(appraisal) == Appraisal.Status.DECIDED


def test_an_upheld_call_in_lets_implementation_start_at_once(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, call_in_status="upheld")
    actions.start_implementation(
        appraisal=appraisal, user=personas.officer, today=dt.date(2026, 12, 22)
    )
    assert status(appraisal) == Appraisal.Status.IMPLEMENTING


def test_a_call_in_recorded_during_implementation_pauses_it(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, call_in_status="upheld")
    actions.start_implementation(appraisal=appraisal, user=personas.officer)
    decide(appraisal, personas.officer, call_in_status="called-in")
    assert status(appraisal) == Appraisal.Status.DECIDED
    with pytest.raises(actions.NotAllowed, match="paused"):
        actions.save_actual_year(
            appraisal=appraisal, user=personas.officer, year=1, fields={"costs": 0, "savings": 1}
        )


def test_implementation_cannot_start_before_a_decision(personas, appraisal):
    issue(appraisal)
    with pytest.raises(actions.NotAllowed, match="once a decision is recorded"):
        actions.start_implementation(appraisal=appraisal, user=personas.officer)
    assert status(appraisal) == Appraisal.Status.ISSUED


def test_an_appraisal_cannot_be_closed_before_it_is_decided(personas, appraisal):
    issue(appraisal)
    before = Change.objects.count()
    with pytest.raises(actions.NotAllowed, match="only after its decision"):
        actions.close_appraisal(appraisal=appraisal, user=personas.officer, reason="Done")
    assert status(appraisal) == Appraisal.Status.ISSUED and Change.objects.count() == before


def test_closing_records_the_reason_and_then_nothing_more_can_be_recorded(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, call_in_status="upheld")
    actions.start_implementation(appraisal=appraisal, user=personas.officer)
    actions.close_appraisal(appraisal=appraisal, user=personas.officer, reason="Savings banked")
    assert status(appraisal) == Appraisal.Status.CLOSED
    assert Change.objects.filter(field="closed", new="Savings banked").exists()
    with pytest.raises(actions.NotAllowed, match="closed"):
        decide(appraisal, personas.officer)
    with pytest.raises(actions.NotAllowed, match="closed"):
        actions.save_milestone(
            appraisal=appraisal,
            user=personas.officer,
            fields={"name": "Late", "due_on": dt.date(2027, 1, 1)},
        )
    with pytest.raises(actions.NotAllowed, match="closed already"):
        actions.close_appraisal(appraisal=appraisal, user=personas.officer, reason="Again")


def test_milestones_wait_for_the_decision_and_actuals_for_implementation(personas, appraisal):
    issue(appraisal)
    milestone = {"name": "Consult staff", "due_on": dt.date(2027, 2, 1), "status": "not-started"}
    with pytest.raises(actions.NotAllowed):
        actions.save_milestone(appraisal=appraisal, user=personas.officer, fields=milestone)
    decide(appraisal, personas.officer, call_in_status="upheld")
    saved = actions.save_milestone(appraisal=appraisal, user=personas.officer, fields=milestone)
    assert Change.objects.filter(kind="benefits", field="milestone added").exists()
    with pytest.raises(actions.NotAllowed, match="Implementation has not started"):
        actions.save_actual_year(
            appraisal=appraisal, user=personas.officer, year=1, fields={"costs": 0, "savings": 1}
        )
    actions.start_implementation(appraisal=appraisal, user=personas.officer)
    actions.save_actual_year(
        appraisal=appraisal,
        user=personas.officer,
        year=1,
        fields={"costs": 10_000.0, "savings": 120_000.0},
    )
    actions.save_milestone(
        appraisal=appraisal, user=personas.officer, fields={"status": "done"}, milestone=saved
    )
    assert ActualYear.objects.get(appraisal=appraisal, year=1).savings == 120_000
    assert Milestone.objects.get(pk=saved.pk).status == "done"
    assert Change.objects.filter(kind="benefits", field="status", new="done").exists()


def test_a_decided_appraisal_cannot_be_reopened(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer)
    with pytest.raises(actions.NotIssued):
        actions.reopen_appraisal(appraisal=appraisal, user=personas.officer, reason="Try")


# Frozen after the meeting, but the decision and implementation endpoints stay open ----------


def test_the_decision_and_implementation_endpoints_are_open_when_issued():
    assert {
        "decision-edit",
        "decision-implement",
        "decision-close",
        "milestone-add",
        "milestone-edit",
        "actual-year",
    } <= OPEN_WHEN_ISSUED


@pytest.mark.parametrize("state", ["decided", "implementing", "closed"])
def test_a_decided_appraisal_refuses_every_other_change(client, personas, appraisal, state):
    issue(appraisal)
    Appraisal.objects.filter(pk=appraisal.pk).update(status=state)
    client.force_login(personas.officer)
    before = interchange.export_document(Appraisal.objects.get(pk=appraisal.pk))
    response = client.post(url("risk-add"), {"risk": "New", "likelihood": 2, "impact": 2})
    assert response.status_code == 302
    assert interchange.export_document(Appraisal.objects.get(pk=appraisal.pk)) == before
    page = client.get(url("appraisal"))
    assert "cannot be changed" in page.content.decode()


# Pages: who sees and changes what --------------------------------------------------------


def loaded_stamp(page) -> str:
    """The stamp the page's form carries (views/edit.py), as the browser would post it."""
    return re.search(r'name="loaded" value="([^"]*)"', page.content.decode()).group(1)


def decision_post(version: ReportVersion, loaded: str = "", **changes) -> dict:
    data = {
        "maker": "cabinet",
        "maker_name": "Cabinet",
        "decided_on_0": "14",
        "decided_on_1": "12",
        "decided_on_2": "2026",
        "minute_reference": "CAB 26/101",
        "reasons": "Best value.",
        "alternatives_rejected": "",
        "interests_declared": "Councillor Ellis declared an other registrable interest.",
        "chosen_option": "option-1",
        "published_on_0": "21",
        "published_on_1": "12",
        "published_on_2": "2026",
        "call_in_status": "none",
        "outcome_1": "agreed",
        "amended_1": "",
        "outcome_2": "amended",
        "amended_2": "That officers report progress in three months.",
        "loaded": loaded,
    }
    data.update(changes)
    return data


@pytest.fixture
def decided(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, call_in_status="upheld")
    actions.start_implementation(appraisal=appraisal, user=personas.officer)
    return appraisal


NEW_PAGES = [
    ("decision", ()),
    ("decision-edit", ()),
    ("decision-close", ()),
    ("decision-pdf", ()),
    ("benefits", ()),
    ("benefits-pdf", ()),
    ("milestone-add", ()),
    ("actual-year", (1,)),
]


@pytest.mark.parametrize(("name", "args"), NEW_PAGES)
def test_another_council_gets_404_on_every_new_page(client, personas, decided, name, args):
    client.force_login(personas.outsider)
    assert client.get(url(name, *args)).status_code == 404
    assert client.post(url(name, *args), {}).status_code == 404


@pytest.mark.parametrize("who", ["member", "partner_officer"])
@pytest.mark.parametrize("name", ["decision", "benefits"])
def test_members_and_partners_read_the_decision_and_benefits(client, personas, decided, who, name):
    client.force_login(getattr(personas, who))
    page = client.get(url(name))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Change the record of decision" not in body and "Add a milestone" not in body


@pytest.mark.parametrize("who", ["member", "partner_officer"])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("decision-edit", ()),
        ("decision-close", ()),
        ("decision-implement", ()),
        ("milestone-add", ()),
        ("actual-year", (1,)),
    ],
)
def test_members_and_partners_cannot_change_them(client, personas, decided, who, name, args):
    client.force_login(getattr(personas, who))
    before = Change.objects.count()
    assert client.post(url(name, *args), {"reason": "x", "name": "x"}).status_code == 403
    if name != "decision-implement":
        assert client.get(url(name, *args)).status_code == 403
    assert Change.objects.count() == before


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officers_of_the_lead_council_see_every_page(client, personas, decided, who):
    client.force_login(getattr(personas, who))
    for name, args in NEW_PAGES:
        if name.endswith("-pdf"):
            continue
        assert client.get(url(name, *args)).status_code == 200, name


def test_an_officer_records_the_decision_through_the_form(client, personas, appraisal):
    version = issue(appraisal)
    client.force_login(personas.officer)
    page = client.get(url("decision-edit"))
    assert page.status_code == 200
    body = page.content.decode()
    assert RECOMMENDATIONS.split("\n")[0] in body  # the issued text beside its choice
    response = client.post(url("decision-edit"), decision_post(version, loaded_stamp(page)))
    assert response.status_code == 302, response.context["form"].errors
    record = Decision.objects.get(appraisal=appraisal)
    assert record.call_in_deadline == dt.date(2026, 12, 30)
    assert record.interests_declared.startswith("Councillor Ellis")
    assert status(appraisal) == Appraisal.Status.DECIDED
    shown = client.get(url("decision")).content.decode()
    assert "That officers report progress in three months." in shown
    assert "Wednesday 30 December 2026" in shown


def test_an_amended_recommendation_needs_its_new_text(client, personas, appraisal):
    version = issue(appraisal)
    client.force_login(personas.officer)
    response = client.post(url("decision-edit"), decision_post(version, amended_2=""))
    assert response.status_code == 200
    assert "Enter recommendation 2 as amended" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_draft_appraisal_has_no_decision_form(client, personas, appraisal):
    client.force_login(personas.officer)
    response = client.get(url("decision-edit"))
    assert response.status_code == 302
    assert not Decision.objects.exists()


def test_a_stale_save_of_the_decision_is_refused_and_keeps_the_input(client, personas, appraisal):
    version = issue(appraisal)
    client.force_login(personas.officer)
    loaded = loaded_stamp(client.get(url("decision-edit")))
    unpublished = {"published_on_0": "", "published_on_1": "", "published_on_2": ""}
    first = decision_post(version, loaded, **unpublished)
    assert client.post(url("decision-edit"), first).status_code == 302
    # Someone else corrects the minute reference after the officer opened the form (before
    # publication: afterwards a correction needs its reason too)
    decide(appraisal, personas.admin, minute_reference="CAB 26/102", published_on=None)
    before = Change.objects.count()
    response = client.post(
        url("decision-edit"),
        decision_post(version, loaded, reasons="My own reasons.", **unpublished),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "after you opened the page" in body and "My own reasons." in body
    assert Change.objects.count() == before
    assert Decision.objects.get(appraisal=appraisal).minute_reference == "CAB 26/102"


def test_an_officer_enters_a_year_of_actual_savings_and_a_stale_save_is_refused(
    client, personas, decided
):
    client.force_login(personas.officer)
    loaded = loaded_stamp(client.get(url("actual-year", 1)))
    data = {"costs": "£12,000", "savings": "£150,000", "note": "", "loaded": loaded}
    assert client.post(url("actual-year", 1), data).status_code == 302
    assert ActualYear.objects.get(appraisal=decided, year=1).savings == 150_000
    # a second officer, with the form opened before the first save
    again = client.post(url("actual-year", 1), {**data, "savings": "£1"})
    assert again.status_code == 200 and "after you opened the page" in again.content.decode()
    assert ActualYear.objects.get(appraisal=decided, year=1).savings == 150_000
    page = client.get(url("benefits")).content.decode()
    assert "£150,000" in page


def test_a_milestone_is_added_through_the_form(client, personas, decided):
    client.force_login(personas.officer)
    loaded = loaded_stamp(client.get(url("milestone-add")))
    data = {
        "name": "Staff consultation ends",
        "due_on_0": "31",
        "due_on_1": "3",
        "due_on_2": "2027",
        "status": "on-track",
        "loaded": loaded,
    }
    assert client.post(url("milestone-add"), data).status_code == 302
    milestone = Milestone.objects.get(appraisal=decided)
    assert milestone.due_on == dt.date(2027, 3, 31)
    wrong = client.post(url("milestone-add"), {**data, "due_on_0": "31", "due_on_1": "2"})
    assert "The due date must be a real date" in wrong.content.decode()


def test_start_and_close_through_the_pages(client, personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, published_on=timezone.localdate())
    client.force_login(personas.officer)
    refused = client.post(url("decision-implement"), follow=True).content.decode()
    assert "Implementation has not started" in refused
    assert status(appraisal) == Appraisal.Status.DECIDED
    client.post(url("decision-close"), {"reason": "The committee chose to do nothing."})
    assert status(appraisal) == Appraisal.Status.CLOSED


def test_the_date_boxes_show_the_stored_date_day_month_and_year(client, personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer)
    client.force_login(personas.officer)
    body = client.get(url("decision-edit")).content.decode()
    for name, value in (("decided_on_0", "14"), ("decided_on_1", "12"), ("decided_on_2", "2026")):
        assert re.search(rf'id="id_{name}" name="{name}" [^>]*value="{value}"', body), name
    assert 'for="id_published_on_0">Day</label>' in body
