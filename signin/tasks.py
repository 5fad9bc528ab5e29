"""Sign-in e-mails (password reset, "your password was changed", …), sent by the worker.

The request renders the message (it has the request's context); this task only sends it,
so no SMTP conversation happens inside a request. Once the e-mail foundation (issue 12,
point 5) lands, these go through it as security messages that cannot be turned off."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def send_email(*, subject: str, body: str, html: str, to: list[str], from_email: str) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
