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
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from .history import person_name
from .models import EmailOptOut

logger = logging.getLogger(__name__)
LONGEST_VALUE = 300  # characters: a title or a link, not a report section


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


def queue_email(kind: str, *, to: Iterable, context: dict) -> list[str]:
    """Queue one e-mail of `kind` to each of `to` (users, or addresses of people without an
    account yet), rendered from its templates with `context`. Returns the addresses."""
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
            lambda: send_email.enqueue(kind=kind, recipients=recipients, context=context)
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


@task
def send_email(*, kind: str, recipients: list[dict], context: dict) -> int:
    """Render and send one message to each recipient, over one connection. Returns how many
    were sent. A recipient who turned the kind off since it was queued is skipped."""
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
        messages.append(message)
    if not messages:
        return 0
    with mailers.default as connection:
        sent = connection.send_messages(messages) or 0
    logger.info("sent %s %s e-mail(s)", sent, kind, extra={"event": "email", "kind": kind})
    return sent
