"""The e-mail foundation: queued in the request, sent by the task through a real SMTP server
on loopback, rendered from templates, and only to those who want it."""

import pytest
from django.contrib.auth import get_user_model

from appraisals import emails
from appraisals.models import EmailOptOut
from tests.smtp import html_of, text_of

pytestmark = pytest.mark.django_db

INVITATION = {
    "council_name": "Harborough District Council",
    "role": "an officer",
    "inviter_name": "Alex Admin",
    "accept_url": "http://testserver/council/invitations/abc/",
    "expires": "9 December 2026",
}


@pytest.fixture
def nudge_kind():
    """A kind people can turn off, registered for the test only."""
    kind = emails.register("test-nudge", name="Test nudges", description="For tests.")
    yield kind
    del emails.KINDS["test-nudge"]


def _user(username: str, email: str = ""):
    return get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.gov.uk", first_name=username.title()
    )


def test_an_invitation_reaches_the_smtp_server_as_text_and_html(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = emails.queue_email(
            "invitation", to=["new.person@example.gov.uk"], context=INVITATION
        )
    assert queued == ["new.person@example.gov.uk"]
    [message] = smtp_server.to("new.person@example.gov.uk")
    assert message["Subject"] == (
        "You are invited to join Harborough District Council on the options appraisal service"
    )
    assert message["From"] == "Options appraisal <noreply@localhost>"
    assert "http://testserver/council/invitations/abc/" in text_of(message)
    assert 'href="http://testserver/council/invitations/abc/"' in html_of(message)
    assert "until 9 December 2026" in text_of(message)


def test_nothing_is_sent_until_the_transaction_commits(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails.queue_email("invitation", to=["a@example.gov.uk"], context=INVITATION)
    assert smtp_server.messages == []
    assert len(callbacks) == 1


def test_each_recipient_gets_their_own_message(smtp_server, django_capture_on_commit_callbacks):
    alice, bob = _user("alice"), _user("bob")
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue_email("invitation", to=[alice, bob], context=INVITATION)
    assert smtp_server.recipients == [["alice@example.gov.uk"], ["bob@example.gov.uk"]]
    assert "Dear Alice," in text_of(smtp_server.to("alice@example.gov.uk")[0])


def test_a_user_who_turned_a_kind_off_does_not_get_it(
    smtp_server, django_capture_on_commit_callbacks, nudge_kind
):
    alice, bob = _user("alice"), _user("bob")
    EmailOptOut.objects.create(user=bob, kind="test-nudge")
    context = {"council_name": "x"}
    with django_capture_on_commit_callbacks(execute=True):
        queued = emails.queue_email("test-nudge", to=[alice, bob], context=context)
    assert queued == ["alice@example.gov.uk"]
    assert emails.wants(alice, "test-nudge") and not emails.wants(bob, "test-nudge")


def test_turning_off_after_queueing_still_stops_the_message(
    smtp_server, django_capture_on_commit_callbacks, nudge_kind
):
    alice = _user("alice")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emails.queue_email("test-nudge", to=[alice], context={})
    EmailOptOut.objects.create(user=alice, kind="test-nudge")
    for callback in callbacks:
        callback()
    assert smtp_server.messages == []


def test_invitations_and_security_messages_cannot_be_turned_off(
    smtp_server, django_capture_on_commit_callbacks
):
    alice = _user("alice")
    EmailOptOut.objects.create(user=alice, kind="security")
    context = {"headline": "Your password was changed", "detail": "On 2 December 2026."}
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue_email("security", to=[alice], context=context)
    [message] = smtp_server.to("alice@example.gov.uk")
    assert message["Subject"] == "Your password was changed"
    assert "You cannot turn off security messages" in text_of(message)
    assert {k for k, kind in emails.KINDS.items() if kind.always} >= {"invitation", "security"}


def test_users_without_an_address_or_inactive_are_skipped(django_capture_on_commit_callbacks):
    nobody = get_user_model().objects.create_user(username="nobody")
    gone = _user("gone")
    gone.is_active = False
    gone.save()
    assert emails.queue_email("invitation", to=[nobody, gone], context=INVITATION) == []


@pytest.mark.parametrize("value", ["x" * 301, 1.5, ["a list"], {"a": "dict"}, True])
def test_an_email_carries_titles_and_links_only(value):
    with pytest.raises(emails.EmailContextError):
        emails.queue_email("invitation", to=["a@example.gov.uk"], context={"detail": value})


def test_an_unknown_kind_is_refused():
    with pytest.raises(KeyError, match="register it"):
        emails.queue_email("no-such-kind", to=["a@example.gov.uk"], context={})


def test_html_escapes_what_it_is_given(smtp_server, django_capture_on_commit_callbacks):
    context = {**INVITATION, "council_name": "<b>Harborough</b> & Co"}
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue_email("invitation", to=["a@example.gov.uk"], context=context)
    [message] = smtp_server.messages
    assert "&lt;b&gt;Harborough&lt;/b&gt; &amp; Co" in html_of(message)
    assert "<b>Harborough</b> & Co" in text_of(message)
