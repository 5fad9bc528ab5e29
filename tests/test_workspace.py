"""The appraisal page (task list) and the scope form."""

from django.urls import reverse

from appraisals.models import Appraisal, Change, FinancialCase, Option, Question, Risk, Service
from tests.factories import make_appraisal


def _url(appraisal: Appraisal, name: str = "appraisal") -> str:
    return reverse(f"appraisals:{name}", args=[appraisal.reference])


def _statuses(response) -> dict[str, str]:
    return {task.name: task.status for task in response.context["tasks"]}


def test_task_list_shows_each_tasks_status(client, personas):
    client.force_login(personas.officer)
    statuses = _statuses(client.get(_url(personas.appraisal)))
    assert statuses["Options"] == "Completed"  # baseline + three short-listed
    assert statuses["Criteria and weights"] == "Completed"
    assert statuses["Panels and scoring"] == "Completed"  # every cell scored
    assert statuses["Risks"] == "Not started"
    assert statuses["Finance"] == "Not started"
    assert statuses["Scope"] == "In progress"  # no services or meeting yet


def test_task_status_moves_as_work_is_done(client, personas):
    appraisal = personas.appraisal
    option = appraisal.options.get(key="option-1")
    option.scores.all().delete()
    Risk.objects.create(
        appraisal=appraisal, risk="Delay", likelihood=3, impact=4,
        residual_likelihood=2, residual_impact=2,
    )  # fmt: skip
    FinancialCase.objects.create(option=option, costs=[1], savings_central=[2])
    client.force_login(personas.officer)
    statuses = _statuses(client.get(_url(appraisal)))
    assert statuses["Panels and scoring"] == "In progress"
    assert statuses["Risks"] == "Completed"
    assert statuses["Finance"] == "In progress"  # one of three short-listed options


def test_new_appraisal_tasks_are_not_started(client, personas):
    bare = make_appraisal(personas.lead, reference="bare", options=0, criteria=0, panels=0)
    bare.options.all().delete()
    client.force_login(personas.officer)
    statuses = _statuses(client.get(_url(bare)))
    assert statuses["Options"] == statuses["Panels and scoring"] == "Not started"
    assert statuses["Criteria and weights"] == "Not started"


def _whys(response) -> dict[str, str]:
    return {task.name: task.why for task in response.context["tasks"]}


def test_each_task_says_what_is_left_to_do(client, personas):
    appraisal = personas.appraisal
    option = appraisal.options.get(key="option-1")
    option.scores.filter(panel__key="panel-1").delete()  # 3 of 24 cells
    appraisal.options.filter(key__in=["option-2", "option-3"]).delete()
    FinancialCase.objects.create(option=option, costs=[1], savings_central=[2])
    client.force_login(personas.officer)
    response = client.get(_url(appraisal))
    whys = _whys(response)
    assert whys["Options"] == "Short-list at least two options besides the baseline."
    assert whys["Scope"] == "Choose the services, name the committee and set the meeting date."
    assert whys["Panels and scoring"] == "Give the 3 scores left."
    assert whys["Risks"] == "Record at least one risk."
    assert whys["Criteria and weights"] == "" and whys["Finance"] == ""  # completed
    page = response.text
    assert "Still to do: </span>Short-list at least two options besides the baseline." in page
    appraisal.options.filter(baseline=True).update(baseline=False)  # now one of two
    assert _whys(client.get(_url(appraisal)))["Options"] == "Mark the baseline."
    appraisal.options.filter(key="do-nothing").update(status="rejected", rejection_reason="No")
    assert _whys(client.get(_url(appraisal)))["Options"] == (
        "Short-list at least two options besides the baseline and mark the baseline."
    )


def test_a_new_appraisal_says_where_to_start(client, personas):
    bare = make_appraisal(personas.lead, reference="bare", options=0, criteria=0, panels=0)
    bare.options.all().delete()
    client.force_login(personas.officer)
    whys = _whys(client.get(_url(bare)))
    assert whys["Criteria and weights"] == "Add at least two criteria."
    assert whys["Panels and scoring"] == "Add a panel."
    assert whys["Finance"] == "Short-list the options to cost."
    assert whys["Committee report"] == "Write the report."


def test_members_see_the_appraisal_without_change_links(client, personas):
    client.force_login(personas.member)
    response = client.get(_url(personas.appraisal))
    page = response.text
    assert "tasks" not in response.context  # the members' view (tests/test_members_view.py)
    assert _url(personas.appraisal, "scope-edit") not in page
    assert "Ask a question" in page
    client.force_login(personas.officer)
    assert _url(personas.appraisal, "scope-edit") + "#" in client.get(_url(personas.appraisal)).text


def test_options_hint_counts_the_baseline_apart(client, personas):
    # The options page lists the baseline among the short-listed: "3 short-listed" read as
    # if one were missing.
    client.force_login(personas.officer)
    page = client.get(_url(personas.appraisal)).text
    assert "3 options short-listed and a baseline" in page
    personas.appraisal.options.filter(key__in=["option-2", "option-3"]).delete()
    personas.appraisal.options.filter(baseline=True).update(baseline=False)
    page = client.get(_url(personas.appraisal)).text
    # the former baseline is now an ordinary short-listed option
    assert "2 options short-listed, no baseline yet" in page
    personas.appraisal.options.filter(key="do-nothing").delete()
    assert "1 option short-listed, no baseline yet" in client.get(_url(personas.appraisal)).text


def test_officers_see_how_many_questions_are_unanswered(client, personas):
    appraisal = personas.appraisal
    for text in ("Why?", "When?"):
        Question.objects.create(appraisal=appraisal, asked_by=personas.member, text=text)
    Question.objects.create(
        appraisal=appraisal, asked_by=personas.member, text="Who?", answer="Us",
        answered_by=personas.officer,
    )  # fmt: skip
    other = make_appraisal(personas.lead, reference="other", options=1, criteria=1, panels=1)
    Question.objects.create(appraisal=other, asked_by=personas.member, text="Elsewhere?")
    client.force_login(personas.officer)
    assert "Questions (2 unanswered)" in client.get(_url(appraisal)).text
    assert "Questions (1 unanswered)" in client.get(_url(other)).text
    Question.objects.filter(answer="").update(answer="Done")
    page = client.get(_url(appraisal)).text
    assert "unanswered" not in page and ">Questions</a>" in page


def test_appraisal_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)

    def count(appraisal) -> None:
        # session, user, appraisal (with lead council), partners (prefetched), memberships,
        # the task list's counts and unanswered questions (one query of subqueries),
        # services, the header's council
        with django_assert_num_queries(8):
            assert client.get(_url(appraisal)).status_code == 200

    count(personas.appraisal)
    count(make_appraisal(personas.lead, reference="big", options=8, criteria=12, panels=4))


def _scope(client, appraisal, **data):
    fields = {
        "title": appraisal.title,
        "scale_min": "0",
        "scale_max": "5",
        "status": "draft",
        "committee_name": "",
    }
    return client.post(_url(appraisal, "scope-edit"), fields | data)


def test_scope_changes_are_saved_and_recorded(client, personas):
    appraisal = personas.appraisal
    Service.objects.create(name="Payroll")
    client.force_login(personas.officer)
    response = _scope(
        client,
        appraisal,
        title="Shared payroll",
        committee_name="Cabinet",
        services=[Service.objects.get(name="Payroll").pk],
        other_services="HR",
        meeting_day="1",
        meeting_month="12",
        meeting_year="2025",
        status="scoring",
        objectives="Save money\nKeep jobs local",
    )
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.title == "Shared payroll"
    assert appraisal.status == Appraisal.Status.SCORING
    assert appraisal.objective_list() == ["Save money", "Keep jobs local"]
    assert {s.name for s in appraisal.services.all()} == {"Payroll", "HR"}
    title = Change.objects.get(appraisal=appraisal, field="title")
    assert (title.old, title.new, title.user) == (
        "Appraisal test-appraisal",
        "Shared payroll",
        personas.officer,
    )
    assert Change.objects.filter(appraisal=appraisal, field="services", new="HR, Payroll").exists()
    assert Change.objects.filter(appraisal=appraisal, field="partners").count() == 1


def test_scale_must_still_hold_the_recorded_scores(client, personas):
    client.force_login(personas.officer)
    response = _scope(client, personas.appraisal, scale_max="3")
    assert response.status_code == 200
    assert "already recorded" in response.text
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.scale_max == 5


def test_lead_council_cannot_also_be_a_partner(client, personas):
    client.force_login(personas.officer)
    response = _scope(client, personas.appraisal, partners=[personas.lead.pk])
    assert "cannot also be a partner" in response.text


def test_scope_form_escapes_what_people_typed(client, personas):
    client.force_login(personas.officer)
    _scope(client, personas.appraisal, title="<script>alert(1)</script>")
    page = client.get(_url(personas.appraisal)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_rejected_options_are_not_counted_as_scoring_cells(client, personas):
    option = personas.appraisal.options.get(key="option-3")
    option.status, option.rejection_reason = Option.Status.REJECTED, "Too costly"
    option.save()
    option.scores.all().delete()
    client.force_login(personas.officer)
    assert _statuses(client.get(_url(personas.appraisal)))["Panels and scoring"] == "Completed"


def test_savings_target_accepts_pounds_typed_the_usual_way(client, personas):
    client.force_login(personas.officer)
    assert _scope(client, personas.appraisal, savings_target="£3,000,000").status_code == 302
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.savings_target == 3_000_000
    page = client.get(_url(personas.appraisal, "scope-edit")).text
    assert 'value="3,000,000"' in page  # shown as typed, not "3000000.0"


def test_savings_target_keeps_negatives_and_pence(client, personas):
    client.force_login(personas.officer)
    _scope(client, personas.appraisal, savings_target="-£1 250.50")
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.savings_target == -1250.5


def test_savings_target_in_words_names_the_field(client, personas):
    client.force_login(personas.officer)
    page = _scope(client, personas.appraisal, savings_target="three million").text
    assert '<a href="#id_savings_target">Enter the savings target as a number</a>' in page
    assert "Enter a number." not in page


def test_scope_errors_name_the_field(client, personas):
    client.force_login(personas.officer)
    page = _scope(client, personas.appraisal, title="", scale_min="low").text
    assert '<a href="#id_title">Enter the title</a>' in page
    assert '<a href="#id_scale_min">Enter the lowest score as a number</a>' in page


def test_a_meeting_day_off_the_calendar_gets_one_message(client, personas):
    client.force_login(personas.officer)
    page = _scope(
        client, personas.appraisal, meeting_day="40", meeting_month="1", meeting_year="2026"
    ).text
    assert '<a href="#id_meeting_day">The day of the meeting must be 31 or less</a>' in page
    assert "must include a day, month and year" not in page
