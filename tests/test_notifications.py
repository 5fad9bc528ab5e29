"""The e-mails an appraisal's work sends, read from a real SMTP server on loopback: who gets
which, that each links to the right page, that the person who did the thing is not told,
that turning a kind off stops it, and that none carries a score, a figure, a question's or an
answer's words or an exempt report's text."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from appraisals import actions, emails
from appraisals.models import Appraisal, EmailOptOut, Membership, Panel, Question, Score
from tests.factories import make_appraisal, make_user
from tests.smtp import html_of, links_in, text_of
from tests.test_report_views import issue
from tests.test_reports_data import make_report_appraisal, meeting_ahead
from tests.test_scoring import HTMX, cell_url

SECRET = "Zebra-Confidential-7731"  # in every score reason, question, answer and the report


@pytest.fixture
def people(personas):
    """Every persona with an e-mail address, and a councillor of the partner council."""
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@example.gov.uk"
        user.save(update_fields=["email"])
    for who in ("officer", "member", "admin", "partner_officer", "outsider"):
        getattr(personas, who).refresh_from_db()
    personas.partner_member = make_user(
        "penny", personas.partner, Membership.Role.MEMBER, email="penny@example.gov.uk"
    )
    return personas


def addresses(mailbox, subject_start: str) -> set[str]:
    return {
        m["To"].split("@")[0]
        for m in mailbox.messages
        if m["Subject"].strip().startswith(subject_start)
    }


def path_of(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url.removeprefix(settings.SITE_URL)


def assert_nothing_secret(mailbox) -> None:
    for message in mailbox.messages:
        whole = message.as_string()
        assert SECRET not in whole, message["Subject"]
        assert "£" not in text_of(message) and "&pound;" not in html_of(message)


# --------------------------------------------------------------------------------------------
# "You are asked to score"


def test_people_put_on_a_panel_are_asked_to_score_with_a_link_that_opens_the_grid(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(people.officer)
    panels_url = reverse("appraisals:panels", args=[people.appraisal.reference])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            panels_url,
            {
                "name": "Partner Borough officers",
                "members": [people.partner_officer.pk, people.officer.pk],
            },
        )
    assert response.status_code == 302
    # The partner's officer is asked; the officer who made the panel is not told.
    assert addresses(smtp_server, "You are asked to score") == {"pat"}
    [message] = smtp_server.to("pat@example.gov.uk")
    assert message["Subject"] == "You are asked to score: Appraisal test-appraisal"
    assert "alice has asked you to score" in text_of(message)  # no full name: her username
    assert "as a member of the Partner Borough officers panel" in text_of(message)
    grid = reverse(
        "appraisals:scoring", args=[people.appraisal.reference, "partner-borough-officers"]
    )
    assert f"{settings.SITE_URL}{grid}" in links_in(message)
    assert f'href="{settings.SITE_URL}{grid}"' in html_of(message)
    client.force_login(people.partner_officer)
    [link] = [u for u in links_in(message) if "/scoring/" in u]
    assert client.get(path_of(link)).status_code == 200


def test_editing_a_panel_asks_only_the_people_just_added(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    panel = people.appraisal.panels.get(key="panel-1")
    panel.members.add(people.member)
    client.force_login(people.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("appraisals:panel-edit", args=[people.appraisal.reference, "panel-1"]),
            {"name": "Panel 1", "members": [people.member.pk, people.partner_member.pk]},
        )
    assert addresses(smtp_server, "You are asked to score") == {"penny"}


def test_a_person_who_turned_requests_off_is_not_asked_and_invitations_still_arrive(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    EmailOptOut.objects.create(user=people.member, kind="scoring-requested")
    EmailOptOut.objects.create(user=people.member, kind="invitation")  # cannot be turned off
    client.force_login(people.officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("appraisals:panels", args=[people.appraisal.reference]),
            {"name": "Councillors", "members": [people.member.pk]},
        )
        emails.queue_email(
            "invitation",
            to=[people.member],
            context={
                "council_name": "Lead District Council",
                "role": "a member",
                "inviter_name": "Ada",
                "accept_url": "http://testserver/council/invitations/x/",
                "expires": "9 December 2026",
            },
        )
    assert [m["Subject"].split(" ")[0] for m in smtp_server.to("bob@example.gov.uk")] == ["You"]
    assert smtp_server.to("bob@example.gov.uk")[0]["Subject"].startswith("You are invited")


# --------------------------------------------------------------------------------------------
# "Scoring is complete"


def test_the_cell_that_fills_a_panels_grid_tells_the_working_officers_once(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    appraisal = make_appraisal(
        people.lead,
        reference="fresh",
        options=1,
        criteria=2,
        panels=1,
        scored=False,
        partners=(people.partner,),
    )
    panel = appraisal.panels.get()
    panel.members.add(people.partner_officer)
    actions.record_change(  # alice works on it; the other officer (ada) has not touched it
        appraisal=appraisal, user=people.officer, kind="appraisal", subject="x", new="y"
    )
    client.force_login(people.partner_officer)
    cells = [(o, c) for o in ("do-nothing", "option-1") for c in ("criterion-1", "criterion-2")]
    for n, (option, criterion) in enumerate(cells, start=1):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                cell_url(option, criterion, panel=panel.key, reference="fresh"),
                _panel_cell(appraisal, panel, option, criterion),
                headers=HTMX,
            )
        assert response.status_code == 200
        expected = set() if n < len(cells) else {"alice"}
        assert addresses(smtp_server, "Scoring complete") == expected, n
    [message] = smtp_server.to("alice@example.gov.uk")
    assert message["Subject"] == "Scoring complete: Panel 1 panel, Appraisal fresh"
    assert f"{settings.SITE_URL}{reverse('appraisals:results', args=['fresh'])}" in links_in(
        message
    )
    # Changing a score afterwards fills nothing new: no second message.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            cell_url("option-1", "criterion-1", panel=panel.key, reference="fresh"),
            _panel_cell(appraisal, panel, "option-1", "criterion-1", score="4"),
            headers=HTMX,
        )
    assert len(smtp_server.to("alice@example.gov.uk")) == 1
    assert_nothing_secret(smtp_server)


def _panel_cell(appraisal: Appraisal, panel: Panel, option: str, criterion: str, score="3"):
    o = appraisal.options.get(key=option)
    c = appraisal.criteria.get(key=criterion)
    stored = panel.scores.filter(option=o, criterion=c).first()
    prefix = f"c{o.pk}-{c.pk}"
    return {
        f"{prefix}-score": score,
        f"{prefix}-reason": SECRET,
        f"{prefix}-version": stored.version if stored else 0,
    }


# --------------------------------------------------------------------------------------------
# Questions


def test_a_question_tells_the_officers_and_its_answer_tells_the_asker_without_the_words(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    questions = reverse("appraisals:questions", args=[people.appraisal.reference])
    client.force_login(people.member)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(questions, {"text": f"What about {SECRET}?"}).status_code == 302
    # No officer has worked on the factory-made appraisal: all the lead's officers are told.
    assert addresses(smtp_server, "A question was asked") == {"alice", "ada"}
    [asked] = smtp_server.to("alice@example.gov.uk")
    assert "bob has asked a question about “Appraisal test-appraisal”" in text_of(asked)
    assert f"{settings.SITE_URL}{questions}" in links_in(asked)

    question = Question.objects.get()
    client.force_login(people.officer)
    answer_url = reverse(
        "appraisals:question-answer", args=[people.appraisal.reference, question.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url, {"answer": f"Because {SECRET}."})
    assert response.status_code == 302
    [answered] = smtp_server.to("bob@example.gov.uk")
    assert answered["Subject"] == "Your question was answered: Appraisal test-appraisal"
    assert "alice has answered your question" in text_of(answered)
    assert_nothing_secret(smtp_server)


# --------------------------------------------------------------------------------------------
# The report


@pytest.fixture
def report_appraisal(people):
    appraisal = meeting_ahead(make_report_appraisal(options=2, criteria=3, panels=2, risks=2))
    appraisal.partners.add(people.partner)
    Appraisal.objects.filter(pk=appraisal.pk).update(
        report_status=Appraisal.ReportStatus.EXEMPT,
        exempt_paragraph="3",
        narrative={**appraisal.narrative, "background": f"Exempt: {SECRET}."},
    )
    appraisal.panels.first().members.add(people.partner_officer)
    Score.objects.filter(panel__appraisal=appraisal).update(reason=SECRET)
    return appraisal


def test_a_draft_ready_for_members_tells_the_councillors_and_the_panels(
    client, people, report_appraisal, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(people.officer)
    url = reverse("appraisals:report-ready", args=[report_appraisal.reference])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"ready": "yes"}).status_code == 302
    assert addresses(smtp_server, "The report is ready for members") == {"bob", "penny", "pat"}
    [message] = smtp_server.to("penny@example.gov.uk")
    assert f"{settings.SITE_URL}{report_appraisal.get_absolute_url()}" in links_in(message)
    assert_nothing_secret(smtp_server)


def test_an_issued_report_tells_councillors_panels_and_officers_but_not_its_issuer(
    client, people, report_appraisal, smtp_server, django_capture_on_commit_callbacks
):
    actions.record_change(  # ada works on it too; alice issues it
        appraisal=report_appraisal, user=people.admin, kind="report", subject="x", new="y"
    )
    client.force_login(people.officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert issue(client, report_appraisal).status_code == 302
    assert report_appraisal.report_versions.count() == 1
    assert addresses(smtp_server, "A report was issued") == {"bob", "penny", "pat", "ada"}
    [message] = smtp_server.to("pat@example.gov.uk")
    assert "Version 1 of the committee report on" in text_of(message)
    versions = reverse("appraisals:versions", args=[report_appraisal.reference])
    assert f"{settings.SITE_URL}{versions}" in links_in(message)
    assert_nothing_secret(smtp_server)


def test_nobody_outside_the_appraisals_councils_gets_anything(
    client, people, report_appraisal, smtp_server, django_capture_on_commit_callbacks
):
    # Charlie, of an unrelated council, was put on a panel by hand: he is told nothing.
    report_appraisal.panels.first().members.add(people.outsider)
    client.force_login(people.officer)
    with django_capture_on_commit_callbacks(execute=True):
        issue(client, report_appraisal)
    assert smtp_server.to("charlie@example.gov.uk") == []
