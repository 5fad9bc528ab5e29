"""Invitations that do not go: the mail server on loopback (tests/smtp.py) refuses, the task
tries again later (appraisals/emails.py, RETRY_DELAYS) and logs each failure, and the
administrator sees "Not delivered" on the invitations page. And a council's daily limit on
invitations, with a message that says when the next can go."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from appraisals import emails
from appraisals.models import Membership
from councils import actions
from councils.models import CouncilChange, Invitation

pytestmark = pytest.mark.django_db
ADDRESS = "new.officer@example.gov.uk"


def _invite(client, personas, commit, email=ADDRESS):
    client.force_login(personas.admin)
    with commit(execute=True):
        return client.post(
            reverse("councils:invite", args=[personas.lead.pk]),
            {"email": email, "role": Membership.Role.OFFICER},
        )


def _invitations_page(client, personas) -> str:
    return client.get(reverse("councils:invitations", args=[personas.lead.pk])).text


def _status_of(page: str, email: str) -> str:
    [row] = [
        r
        for r in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S)
        if email in r
    ]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_a_refused_invitation_is_tried_again_and_arrives(
    client, personas, smtp_server, django_capture_on_commit_callbacks, caplog
):
    smtp_server.refuse(2)  # "451 try again later", twice
    with caplog.at_level(logging.WARNING, logger="appraisals.emails"):
        assert _invite(client, personas, django_capture_on_commit_callbacks).status_code == 302
    # Refused twice, then taken: the third attempt (tasks run inline in the tests).
    assert smtp_server.refused == [ADDRESS, ADDRESS]
    [message] = smtp_server.to(ADDRESS)
    invitation = Invitation.objects.get()
    assert (invitation.delivery, invitation.delivery_attempts) == ("sent", 3)
    assert invitation.delivery_error == "" and invitation.delivery_retry_at is None
    failures = [r for r in caplog.records if getattr(r, "event", "") == "email_failed"]
    assert [(r.levelname, r.attempt, r.retrying) for r in failures] == [
        ("WARNING", 1, True),
        ("WARNING", 2, True),
    ]
    assert "451" in failures[0].getMessage() and ADDRESS in failures[0].getMessage()
    status = _status_of(_invitations_page(client, personas), ADDRESS)
    assert "Waiting" in status and "not delivered" not in status.lower()


def test_an_invitation_refused_every_time_is_not_delivered_and_the_administrator_sees_it(
    client, personas, smtp_server, django_capture_on_commit_callbacks, caplog
):
    smtp_server.refuse(emails.ATTEMPTS)
    with caplog.at_level(logging.WARNING, logger="appraisals.emails"):
        _invite(client, personas, django_capture_on_commit_callbacks)
    assert smtp_server.refused == [ADDRESS] * emails.ATTEMPTS
    assert smtp_server.to(ADDRESS) == []
    invitation = Invitation.objects.get()
    assert (invitation.delivery, invitation.delivery_attempts) == ("failed", emails.ATTEMPTS)
    assert invitation.delivery_error.startswith("451")
    [given_up] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "given up" in given_up.getMessage()
    status = _status_of(_invitations_page(client, personas), ADDRESS)
    assert status.startswith(f"{ADDRESS} Officer")
    assert "Not delivered" in status and "Waiting" not in status
    assert f"not delivered after {emails.ATTEMPTS} tries" in status
    assert "Mailbox busy, try again later" in status and "send it again" in status
    change = CouncilChange.objects.get(kind="not-delivered")
    assert (change.subject, change.user) == (ADDRESS, None)
    # Sending again makes a new invitation that goes this time.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("councils:invitation-resend", args=[personas.lead.pk, invitation.pk]))
    assert len(smtp_server.to(ADDRESS)) == 1
    assert Invitation.objects.order_by("-pk").first().delivery == "sent"


def test_a_permanent_refusal_is_not_tried_again(
    client, personas, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse(1, "550 5.1.1 No such mailbox")
    _invite(client, personas, django_capture_on_commit_callbacks)
    assert smtp_server.refused == [ADDRESS]
    invitation = Invitation.objects.get()
    assert (invitation.delivery, invitation.delivery_attempts) == ("failed", 1)
    status = _status_of(_invitations_page(client, personas), ADDRESS)
    assert "not delivered after 1 try." in status and "550 5.1.1 No such mailbox" in status


def test_with_no_mail_server_the_invitation_waits_to_be_tried_again_later(
    client, personas, settings, django_capture_on_commit_callbacks
):
    """Under the worker (the database queue) a retry is a new task due later, each time later
    than the last; the page says when."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MAILERS = {  # nothing listens on this port
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "use_tls": False, "timeout": 2},
        }
    }
    _invite(client, personas, django_capture_on_commit_callbacks)
    [queued] = DBTaskResult.objects.filter(task_path="appraisals.emails.send_email")
    waits = []
    for attempt in range(1, emails.ATTEMPTS + 1):
        before = timezone.now()
        emails.send_email.call(**queued.args_kwargs["kwargs"])
        invitation = Invitation.objects.get()
        assert invitation.delivery_attempts == attempt
        if attempt == emails.ATTEMPTS:
            assert invitation.delivery == "failed"
            # the first and a retry after each attempt but the last: none after that
            assert DBTaskResult.objects.count() == emails.ATTEMPTS
            break
        assert invitation.delivery == "retrying"
        queued = DBTaskResult.objects.filter(task_path="appraisals.emails.send_email").latest(
            "enqueued_at"
        )
        assert queued.args_kwargs["kwargs"]["attempt"] == attempt + 1
        assert queued.run_after == invitation.delivery_retry_at
        waits.append(queued.run_after - before)
        if attempt == 1:
            status = _status_of(_invitations_page(client, personas), ADDRESS)
            assert "The email has not been delivered yet" in status
            assert "ConnectionRefusedError" in status and "1 of 5 tries so far" in status
    assert [round(w / dt.timedelta(minutes=1)) for w in waits] == [1, 5, 30, 120]


def test_a_council_sends_at_most_its_daily_number_of_invitations(
    client, personas, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_DAY = 3
    now = timezone.now()
    # Two yesterday, long enough ago not to count; three in the last 24 hours.
    for n, hours_ago in enumerate((30, 25, 23, 5, 1)):
        Invitation.objects.create(
            authority=personas.lead,
            email=f"earlier{n}@example.gov.uk",
            role="officer",
            token_hash=f"{n}".ljust(64, "x"),
            created_at=now - dt.timedelta(hours=hours_ago),
            expires_at=now + dt.timedelta(days=3),
        )
    response = _invite(client, personas, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert (
        "Lead District Council has sent 3 invitations in the last 24 hours, the most a "
        "council can send in a day. You can send the next one from "
        # when the oldest of the three counted, sent 23 hours ago, leaves the 24 hours
        f"{actions._expiry_text(now + dt.timedelta(hours=1))}"
    ) in response.text
    assert not Invitation.objects.filter(email=ADDRESS).exists()
    assert smtp_server.messages == []
    # Sending one again counts too.
    response = client.post(
        reverse(
            "councils:invitation-resend",
            args=[personas.lead.pk, Invitation.objects.get(email="earlier0@example.gov.uk").pk],
        ),
        follow=True,
    )
    assert "The invitation was not sent again. Lead District Council has sent 3" in response.text
    # Another council's invitations do not count against this one.
    Invitation.objects.filter(created_at__gt=now - actions.DAY).update(authority=personas.partner)
    assert _invite(client, personas, django_capture_on_commit_callbacks).status_code == 302
    assert len(smtp_server.to(ADDRESS)) == 1
