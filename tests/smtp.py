"""A real SMTP server on loopback for the tests: aiosmtpd collects every message that
reaches it, and Django sends to it through its SMTP backend, as in production.

Use the `smtp_server` fixture (tests/conftest.py): it points EMAIL_BACKEND/EMAIL_HOST/
EMAIL_PORT at the server for the test and gives the `Mailbox`. Tasks run inline in the tests
(TASKS_IMMEDIATE), so a message is there once the transaction that queued it has committed:
in a client test, wrap the request in `django_capture_on_commit_callbacks(execute=True)`.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class Mailbox:
    """What the server received: each message parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refused: list[str] = []  # the addresses of messages the server did not take
        self._refusals: list[str] = []
        self._lock = threading.Lock()

    def refuse(self, times: int = 1, reply: str = "451 4.3.0 Mailbox busy, try again later"):
        """Refuse the next `times` messages with `reply` (a 4xx reply says try again later,
        a 5xx one never)."""
        with self._lock:
            self._refusals += [reply] * times

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            if self._refusals:
                self.refused.append(message["To"])
                return self._refusals.pop(0)
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        """The messages to `address`, once `count` have arrived (for a live server's thread)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.to(address)) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no e-mail to {address} within {timeout} s: {self.summary()}")

    def summary(self) -> list[str]:
        return [f"{m['To']}: {m['Subject']}" for m in self.messages]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://\S+", text_of(message))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start() -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    for attempt in range(5):
        controller = Controller(mailbox, hostname=HOST, port=_free_port())
        try:
            controller.start()
        except OSError:  # the port was taken between choosing and binding it
            if attempt == 4:
                raise
            continue
        return controller, mailbox
    raise AssertionError("unreachable")
