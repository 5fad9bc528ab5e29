"""Issued means frozen: once a version of the report is issued, the appraisal refuses every
change until an officer of the lead council reopens it for a new version, giving a reason.
Archived is read-only too, until an officer unarchives it.

One middleware, deny by default: every unsafe request to an appraisal's pages is refused
while the appraisal is issued, except the few that change nothing of it (`OPEN_WHEN_ISSUED`).
So a new edit view is covered without anyone remembering to add a check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from .access import visible_appraisals
from .models import FROZEN_STATUSES, Appraisal

# URL names (namespace "appraisals") that take a POST but change nothing in the appraisal.
OPEN_WHEN_ISSUED = frozenset(
    {
        "questions",  # members ask questions about what was issued
        "question-answer",
        "report-section-preview",  # previews text, saves nothing
        "report-render",  # renders a draft of the issued state
        "report-reopen",
        "appraisal-copy",  # writes a new appraisal; the issued one is only read
        "appraisal-archive",  # archiving a decided appraisal changes nothing of what it says
        # After the meeting the appraisal stays frozen, but its record of decision and the
        # chosen option's implementation are written: they change none of what was issued
        # (their own actions refuse them in states where they make no sense).
        "decision-edit",
        "decision-implement",
        "decision-close",
        "milestone-add",
        "milestone-edit",
        "actual-year",
        # Pages after the meeting that only show things: the view answers a POST with 405.
        "decision",
        "decision-pdf",
        "decision-published-pdf",
        "benefits",
        "benefits-pdf",
    }
)
# And those an archived appraisal still takes: unarchiving, copying, deleting a never-issued
# draft (deletion itself refuses an issued one), and rendering a draft of what it holds.
OPEN_WHEN_ARCHIVED = frozenset(
    {
        "appraisal-archive",
        "appraisal-copy",
        "appraisal-delete",
        "report-section-preview",
        "report-render",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def frozen_message(appraisal: Appraisal) -> str:
    issued = getattr(appraisal, "last_issued_at", None)
    when = f" on {issued:%-d %B %Y}" if issued else ""
    if appraisal.status != Appraisal.Status.ISSUED:
        return (
            f"This appraisal cannot be changed: a decision was taken on version "
            f"{appraisal.last_issued_number} of its report, issued{when}."
        )
    return (
        f"This appraisal cannot be changed: version {appraisal.last_issued_number} of its "
        f"report was issued{when}. To change it, reopen it for a new version."
    )


def archived_message(appraisal: Appraisal) -> str:
    return (
        "This appraisal cannot be changed: it is archived. To change it, unarchive it from "
        "its overview."
    )


def refusal(appraisal: Appraisal, url_name: str) -> str | None:
    """Why a POST to `url_name` is refused for this appraisal, or None if it is not."""
    if appraisal.archived and url_name not in OPEN_WHEN_ARCHIVED:
        return archived_message(appraisal)
    if appraisal.status in FROZEN_STATUSES and url_name not in OPEN_WHEN_ISSUED:
        return frozen_message(appraisal)
    return None


class FrozenWhenIssuedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        if (
            request.method in SAFE_METHODS
            or match is None
            or match.namespace != "appraisals"
            or "reference" not in view_kwargs
            or (match.url_name in OPEN_WHEN_ISSUED and match.url_name in OPEN_WHEN_ARCHIVED)
        ):
            return None
        # Only an appraisal the user may see: for anyone else the view answers 404 as usual.
        appraisal = (
            visible_appraisals(request.user)
            .filter(
                Q(status__in=FROZEN_STATUSES) | Q(archived=True),
                reference=view_kwargs["reference"],
            )
            .with_last_issue()
            .first()
        )
        message = appraisal and refusal(appraisal, match.url_name)
        if not message:
            return None
        messages.error(request, message)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = appraisal.get_absolute_url()
        if request.headers.get("HX-Request"):
            # htmx follows HX-Redirect with a full page load, which shows the message.
            response = HttpResponse(status=200)
            response["HX-Redirect"] = back
            return response
        return HttpResponseRedirect(back)
