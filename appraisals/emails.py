"""E-mail: one way to send any message the service sends, in the background.

`queue_email(kind, to=[...], context={...})` is the only entry point. It:

1. looks the kind up in `KINDS` (register new kinds with `register` below, at import time of
   this module, so every process knows them);
2. drops the users who turned that kind off (`EmailOptOut`), unless the kind cannot be turned
   off (`always=True`: invitations and security messages), and anyone without an address;
3. enqueues `send_email` when the transaction commits (a change that is rolled back sends
   nothing), and returns the addresses it will write to.

The task renders `emails/<kind>.subject.txt`, `emails/<kind>.txt` (plain text) and
`emails/<kind>.html`, once per recipient (`recipient_name` is in the context), checks the
opt-outs again (a user may have changed their mind since), and sends each recipient their
own message: nobody sees another's address. Requests never talk to the mail server.

What an e-mail may hold: titles, names and links, never scores, finance or the content of
exempt reports. The context is checked for that shape (short strings and numbers only), so a
report section cannot slip in. Links are absolute: build them with `link(path)`.

The footer of a kind that can be turned off links to the page named "email-preferences"
once a URL of that name exists.

A message the mail server does not take is tried again by a new task, later each time
(`RETRY_DELAYS`: 1, 5, 30 minutes, then 2 hours), only for the recipients it failed for; a
permanent refusal (a 5xx reply, such as "no such user") is not tried again. Each failure is
logged (a warning, an error once it is given up). `queue_email(..., tag=...)` names what the
message is about ("invitation:42"): the `delivery` signal then tells its owner, after each
attempt, whether the message was sent, is to be tried again or was given up.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.dispatch import Signal
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .history import person_name
from .models import EmailOptOut

logger = logging.getLogger(__name__)
LONGEST_VALUE = 300  # characters: a title or a link, not a report section
# How long to wait before each new attempt at a message the mail server did not take: five
# attempts over about 2 hours 36 minutes, then it is given up.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
ATTEMPTS = len(RETRY_DELAYS) + 1

# Sent after each attempt at a tagged message, for each recipient: tag, kind, address,
# outcome ("sent", "retrying" or "failed"), attempt (1, 2, …), error ("" once sent) and
# retry_at (when the next attempt is due, or None).
delivery = Signal()


@dataclass(frozen=True)
class Kind:
    key: str
    name: str  # as the preferences page lists it, sentence case
    description: str  # when it is sent, in one sentence
    always: bool = False  # cannot be turned off


KINDS: dict[str, Kind] = {}


def register(key: str, *, name: str, description: str, always: bool = False) -> Kind:
    """Add a kind of e-mail; its templates are emails/<key>.subject.txt, .txt and .html."""
    if key in KINDS:
        raise ValueError(f"The e-mail kind {key!r} is registered twice")
    KINDS[key] = Kind(key=key, name=name, description=description, always=always)
    return KINDS[key]


register(
    "invitation",
    name="Invitations to join a council",
    description="When a council's administrator invites you to use the service.",
    always=True,
)
register(
    "security",
    name="Security messages",
    description="When your password, sign-in or second factor changes.",
    always=True,
)
register(
    "password-reset",
    name="Password reset links",
    description="When you ask for a link to set a new password.",
    always=True,
)
# An appraisal's work (sent by appraisals/notifications.py, which says who gets which).
register(
    "scoring-requested",
    name="Requests to score",
    description="When an officer puts you on a panel to score an appraisal's options.",
)
register(
    "scoring-complete",
    name="Scoring complete",
    description="When a panel has scored every option of an appraisal you work on.",
)
register(
    "question-asked",
    name="Questions asked",
    description="When someone asks a question about an appraisal you work on.",
)
register(
    "question-answered",
    name="Answers to your questions",
    description="When an officer answers a question you asked.",
)
register(
    "report-ready",
    name="Draft reports ready for members",
    description="When officers make a draft committee report's recommendations available "
    "to councillors.",
)
register(
    "report-issued",
    name="Reports issued",
    description="When a committee report is issued on an appraisal your council is part of.",
)


class EmailContextError(ValueError):
    """A context value an e-mail must not carry (not a short string or a number)."""


def link(path: str) -> str:
    """An absolute link to a path of this site, for an e-mail (tasks have no request)."""
    return f"{settings.SITE_URL}{path}"


def wants(user, kind: str) -> bool:
    """Whether the user gets e-mails of this kind: always for kinds that cannot be turned
    off, otherwise unless they turned it off."""
    if KINDS[kind].always:
        return True
    return not EmailOptOut.objects.filter(user=user, kind=kind).exists()


def _check_context(context: dict) -> None:
    for key, value in context.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise EmailContextError(f"E-mail context {key!r} is not a string or whole number")
        if isinstance(value, str) and len(value) > LONGEST_VALUE:
            raise EmailContextError(
                f"E-mail context {key!r} is {len(value):,} characters: e-mails carry titles "
                "and links only"
            )


def queue_email(kind: str, *, to: Iterable, context: dict, tag: str = "") -> list[str]:
    """Queue one e-mail of `kind` to each of `to` (users, or addresses of people without an
    account yet), rendered from its templates with `context`. Returns the addresses. With a
    `tag`, the `delivery` signal reports how each attempt went."""
    if kind not in KINDS:
        raise KeyError(f"No e-mail kind {kind!r}: register it in appraisals/emails.py")
    _check_context(context)
    recipients: list[dict] = []
    users = [r for r in to if not isinstance(r, str)]
    opted_out = (
        set()
        if KINDS[kind].always or not users
        else set(
            EmailOptOut.objects.filter(user__in=users, kind=kind).values_list("user_id", flat=True)
        )
    )
    for r in to:
        if isinstance(r, str):
            recipients.append({"address": r, "name": "", "user": None})
        elif r.email and r.is_active and r.pk not in opted_out:
            recipients.append({"address": r.email, "name": person_name(r), "user": r.pk})
    if recipients:
        transaction.on_commit(
            lambda: send_email.enqueue(kind=kind, recipients=recipients, context=context, tag=tag)
        )
    return [r["address"] for r in recipients]


def render(kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one message."""
    context = {
        **context,
        "kind": KINDS[kind],
        "service_url": link("/"),
        "preferences_url": "" if KINDS[kind].always else _preferences_url(),
    }
    subject = " ".join(render_to_string(f"emails/{kind}.subject.txt", context).split())
    text = render_to_string(f"emails/{kind}.txt", context)
    html = render_to_string(f"emails/{kind}.html", context)
    return subject, text, html


def _preferences_url() -> str:
    try:
        return link(reverse("email-preferences"))
    except NoReverseMatch:
        return ""


def _permanent(error: Exception) -> bool:
    """A refusal that trying again will not change (the server's 5xx replies)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (0, b""))
        return f"{code} {reply.decode(errors='replace')}"[:300]
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


@task
def send_email(
    *, kind: str, recipients: list[dict], context: dict, tag: str = "", attempt: int = 1
) -> int:
    """Render and send one message to each recipient, over one connection. Returns how many
    were sent. A recipient who turned the kind off since it was queued is skipped; those the
    server did not take are tried again later (RETRY_DELAYS), by a new task."""
    still = [r for r in recipients if r["user"] is None]
    user_ids = [r["user"] for r in recipients if r["user"] is not None]
    if user_ids:
        wanted = {u.pk for u in get_user_model().objects.filter(pk__in=user_ids) if wants(u, kind)}
        still += [r for r in recipients if r["user"] in wanted]
    messages = []
    for r in still:
        subject, text, html = render(kind, {**context, "recipient_name": r["name"]})
        message = EmailMultiAlternatives(subject, text, to=[r["address"]])
        message.attach_alternative(html, "text/html")
        messages.append((r, message))
    if not messages:
        return 0
    sent, failed = [], []  # failed: (recipient, error)
    try:
        with mailers.default as connection:
            for r, message in messages:
                try:
                    connection.send_messages([message])
                except (smtplib.SMTPException, OSError) as error:
                    failed.append((r, error))
                else:
                    sent.append(r)
    except (smtplib.SMTPException, OSError) as error:  # no connection, or it broke
        done = {id(r) for r in sent} | {id(r) for r, _ in failed}
        failed += [(r, error) for r, _ in messages if id(r) not in done]
    if sent:
        logger.info("sent %s %s e-mail(s)", len(sent), kind, extra={"event": "email", "kind": kind})
    for r in sent:
        _report(tag, kind, r["address"], "sent", attempt, "", None)
    again = [(r, e) for r, e in failed if attempt < ATTEMPTS and not _permanent(e)]
    retry_at = timezone.now() + RETRY_DELAYS[attempt - 1] if again else None
    for r, error in failed:
        retrying = any(r is x for x, _ in again)
        (logger.warning if retrying else logger.error)(
            "%s e-mail to %s not sent (attempt %s of %s): %s%s",
            kind,
            r["address"],
            attempt,
            ATTEMPTS,
            _describe(error),
            f"; trying again at {retry_at:%H:%M:%S}" if retrying else "; given up",
            extra={
                "event": "email_failed",
                "kind": kind,
                "address": r["address"],
                "attempt": attempt,
                "retrying": retrying,
            },
        )
        _report(
            tag,
            kind,
            r["address"],
            "retrying" if retrying else "failed",
            attempt,
            _describe(error),
            retry_at if retrying else None,
        )
    if again:
        retry = send_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=retry_at)
        retry.enqueue(
            kind=kind,
            recipients=[r for r, _ in again],
            context=context,
            tag=tag,
            attempt=attempt + 1,
        )
    return len(sent)


def _report(tag, kind, address, outcome, attempt, error, retry_at) -> None:
    if tag:
        delivery.send(
            sender=send_email,
            tag=tag,
            kind=kind,
            address=address,
            outcome=outcome,
            attempt=attempt,
            error=error,
            retry_at=retry_at,
        )
