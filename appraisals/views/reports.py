"""The committee report: write it, render drafts in the background, check and issue it, and
download issued versions byte for byte."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .. import exempt, reports
from ..access import can_edit, get_appraisal_for
from ..actions import (
    Conflict,
    NotIssued,
    ReportAlreadyIssued,
    ReportIncomplete,
    issue_report,
    reopen_appraisal,
    set_draft_ready_for_members,
    update_report_text,
)
from ..forms_reports import NARRATIVE_MAX, ReopenForm, ReportForm
from ..history import history_mark
from ..models import Appraisal, DraftReport, ExemptAppendix, ReportVersion
from ..results import evaluate
from ..tasks import STALLED, recover_stalled_renders, render_draft_report
from .allow import allow
from .edit import click, edit, stamp, stamped


def report(request: HttpRequest, reference: str) -> HttpResponse:
    """Write the report. "Save and render the draft" saves first, as "Save the report" does,
    then asks for the draft: the form is the only way to render from this page, so what
    was typed is never left out of a draft, nor lost."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    changed: list[str] = []

    def build(data) -> ReportForm:
        return ReportForm(data, initial=None if data else ReportForm.initial_for(appraisal))

    def save(form: ReportForm) -> None:
        changed[:] = update_report_text(
            appraisal=appraisal,
            user=request.user,
            header=form.header(),
            narrative=form.narrative(),
        )

    form = edit(request, appraisal, build=build, save=save, kinds=["report"])
    if form.saved:
        # Unchanged is no success to announce; when rendering, the draft's status says
        # what happens next.
        if changed:
            messages.success(request, "Report saved.")
        elif not form.cleaned_data["render"]:
            messages.info(request, "There were no changes to save.")
        if not form.cleaned_data["render"]:
            return redirect("appraisals:report", appraisal.reference)
        _request_draft(request, appraisal)
        return redirect(_status_url(appraisal))
    current = reports.content_hash(appraisal)
    draft = _latest_draft(appraisal)
    return render(
        request,
        "appraisals/report.html",
        {
            "appraisal": appraisal,
            "section": "report",
            "form": form,
            "draft": draft,
            "stuck": _stuck(draft),
            "current_hash": current,
            "versions": appraisal.report_versions.count(),
            "members_state": _members_buttons(request, appraisal, form),
        },
    )


def _members_buttons(request: HttpRequest, appraisal: Appraisal, form: ReportForm) -> ReportForm:
    """The members buttons' state with its stamp. Opening the page, from the report form's
    own values and newest history row, so the page makes no more queries than before."""
    if request.method == "POST":  # the form holds what was typed: read what is stored
        return stamped(appraisal, _members_state(appraisal))
    state = _members_state(appraisal, initial=form.initial)
    mark = history_mark(appraisal)
    form.stamp = stamp(appraisal, form, mark=mark)
    state.stamp = stamp(appraisal, state, mark=mark)
    return state


def _members_state(appraisal: Appraisal, initial: dict | None = None) -> ReportForm:
    """What "show members the draft" (or "stop showing") is pressed against: the report's
    words as the page showed them (`initial`, if already read), and whether members see
    the draft."""
    form = ReportForm(initial=dict(initial or ReportForm.initial_for(appraisal)))
    form.fields["draft_ready_for_members"] = forms.BooleanField(
        label="Members can read the draft", required=False
    )
    form.initial["draft_ready_for_members"] = appraisal.draft_ready_for_members
    return form


def _latest_draft(appraisal: Appraisal) -> DraftReport | None:
    """The draft asked for last; if its render stalled (its worker stopped), it is started
    again first, so that a page showing "Rendering…" is always telling the truth."""
    draft = _last_requested(appraisal)
    if _stuck(draft) and recover_stalled_renders(appraisal.pk):
        draft = _last_requested(appraisal)
    return draft


def _last_requested(appraisal: Appraisal) -> DraftReport | None:
    return (
        DraftReport.objects.filter(appraisal=appraisal)
        .defer("pdf", "docx")
        .annotate(size=Length("pdf"), docx_size=Length("docx"))
        .order_by("-requested_at", "-pk")
        .first()
    )


@allow("POST")
def report_render(request: HttpRequest, reference: str) -> HttpResponse:
    """Render the draft of the report as saved (the report page saves first, through
    `report`: this stays for htmx callers and scripts)."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    _request_draft(request, appraisal)
    if request.htmx:
        return _status(request, appraisal)
    return redirect(_status_url(appraisal))


def _status_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:report", args=[appraisal.reference]) + "#report-status"


def _request_draft(request: HttpRequest, appraisal: Appraisal) -> None:
    """Ask for a draft of the report as saved: enqueue a render unless one of the same
    content is ready, or rendering and not yet stale."""
    content = reports.content_hash(appraisal)
    draft, created = DraftReport.objects.get_or_create(
        appraisal=appraisal, content_hash=content, defaults={"requested_by": request.user}
    )
    stale = draft.state == DraftReport.State.PENDING and (
        timezone.now() - draft.requested_at > STALLED
    )
    if created or draft.state == DraftReport.State.FAILED or stale:
        if not created:
            DraftReport.objects.filter(pk=draft.pk).update(
                state=DraftReport.State.PENDING,
                error="",
                requested_by=request.user,
                requested_at=timezone.now(),
            )
        result = render_draft_report.enqueue(appraisal.pk, content, request.user.pk)
        DraftReport.objects.filter(pk=draft.pk).update(task_id=str(result.id)[:64])
    elif draft.state == DraftReport.State.READY:
        # Nothing changed since this draft: serve it again rather than render it again.
        DraftReport.objects.filter(pk=draft.pk).update(requested_at=timezone.now())
        messages.info(request, "Nothing has changed since the last draft: it is ready below.")


@allow("POST")
def report_ready(request: HttpRequest, reference: str) -> HttpResponse:
    """Show members the draft recommendations ("ready": "yes"), or stop showing them."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    ready = request.POST.get("ready") == "yes"
    # Refused if the report's words, or what members see, changed since the page was read:
    # an officer shows members only the draft they read.
    refused = click(
        request,
        appraisal,
        shown=lambda: _members_state(appraisal),
        act=lambda: set_draft_ready_for_members(
            appraisal=appraisal, user=request.user, ready=ready
        ),
        kinds=["report"],
    )
    if refused is not None:
        for line in refused:
            messages.error(request, line)
        return redirect(reverse("appraisals:report", args=[appraisal.reference]) + "#members")
    messages.success(
        request,
        "Members can now read the draft recommendations."
        if ready
        else "Members no longer see the draft: they see that a report is being prepared.",
    )
    return redirect(reverse("appraisals:report", args=[appraisal.reference]) + "#members")


@allow("GET")
def report_status(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    return _status(request, appraisal)


def _status(request: HttpRequest, appraisal: Appraisal) -> HttpResponse:
    draft = _latest_draft(appraisal)
    # While rendering, the fragment polls: keep it cheap. Once done, say whether it is current.
    current = None
    if draft is not None and draft.state != DraftReport.State.PENDING:
        current = reports.content_hash(appraisal)
    return render(
        request,
        "appraisals/report.html#status",
        {
            "appraisal": appraisal,
            "draft": draft,
            "current_hash": current,
            "stuck": _stuck(draft),
        },
    )


def _stuck(draft: DraftReport | None) -> bool:
    """Still "rendering" long after it was asked for, though stalled renders are retried by
    themselves (`tasks.recover_stalled_renders`): no worker is taking tasks; offer to retry."""
    return (
        draft is not None
        and draft.state == DraftReport.State.PENDING
        and timezone.now() - draft.requested_at > STALLED
    )


@allow("GET")
def report_draft(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    draft = (
        DraftReport.objects.filter(appraisal=appraisal, state=DraftReport.State.READY)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if draft is None or draft.pdf is None:
        raise Http404("No draft has been rendered yet")
    return _pdf_response(
        request,
        bytes(draft.pdf),
        etag=draft.content_hash,
        filename=f"{appraisal.reference}-draft.pdf",
        immutable=False,
    )


@allow("GET")
def report_draft_docx(request: HttpRequest, reference: str) -> HttpResponse:
    """The latest rendered draft as Word: the same state as the draft PDF beside it."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    draft = (
        DraftReport.objects.filter(appraisal=appraisal, state=DraftReport.State.READY)
        .order_by("-finished_at", "-pk")
        .only("docx", "content_hash")
        .first()
    )
    if draft is None or not draft.docx:
        raise Http404("No Word draft has been rendered yet")
    return _file_response(
        request,
        bytes(draft.docx),
        etag=f"{draft.content_hash}-docx",
        filename=f"{appraisal.reference}-draft.docx",
        immutable=False,
        content_type=reports.word.CONTENT_TYPE,
    )


@allow("POST")
def report_section_preview(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """One narrative section as it would print with the text being typed (htmx, nothing
    saved): its numbered paragraphs and lists, and what is added from the appraisal."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    if key not in reports.NARRATIVE_KEYS:
        raise Http404("No such section")
    text = request.POST.get(f"narrative_{key}", "")
    too_long = len(text) > NARRATIVE_MAX
    section = None if too_long else reports.preview_section(evaluate(appraisal), key, text)
    return render(
        request,
        "appraisals/_narrative_preview.html",
        {"preview": section, "too_long": too_long, "limit": NARRATIVE_MAX},
    )


@allow("GET")
def report_preview(request: HttpRequest, reference: str) -> HttpResponse:
    """The draft as a web page, rendered now from the appraisal as it stands: to read the
    report while writing it, and for readers who find HTML easier than a PDF."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    response = HttpResponse(reports.draft_page(appraisal))
    response["Cache-Control"] = "private, no-cache"
    return response


def _pdf_response(
    request: HttpRequest, pdf: bytes, *, etag: str, filename: str, immutable: bool
) -> HttpResponse:
    return _file_response(request, pdf, etag=etag, filename=filename, immutable=immutable)


def _file_response(
    request: HttpRequest,
    content: bytes,
    *,
    etag: str,
    filename: str,
    immutable: bool,
    content_type: str = "application/pdf",
) -> HttpResponse:
    quoted = f'"{etag}"'
    if quoted in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Content-Length"] = str(len(content))
    response["ETag"] = quoted
    response["Cache-Control"] = (
        "private, max-age=31536000, immutable" if immutable else "private, no-cache"
    )
    return response


def report_check(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    evaluation = evaluate(appraisal)
    return render(
        request,
        "appraisals/report_check.html",
        {
            "appraisal": appraisal,
            "section": "report",
            "evaluation": evaluation,
            "leader": evaluation.option_name(evaluation.leader) if evaluation.leader else "",
            "recommended": (
                evaluation.option_name(evaluation.recommended) if evaluation.recommended else ""
            ),
            "warnings": [
                *(x for x in evaluation.explanations if x.startswith("This is a close")),
                *reports.issue_warnings(evaluation),
            ],
            "problems": reports.issue_problems(appraisal, evaluation),
            "unwritten": reports.unwritten_sections(appraisal.narrative or {}),
            "sections": reports.NARRATIVE_SECTIONS,
            "recommendations": reports.parse_narrative(
                (appraisal.narrative or {}).get("recommendations", ""), one_per_line=True
            ),
            "content_hash": reports.document_hash(evaluation.document),
            "next_version": (appraisal.report_versions.count() + 1),
        },
    )


@allow("POST")
def report_issue(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    try:
        version = _issue_written_report(
            appraisal, request.user, request.POST.get("content_hash") or None
        )
    except ReportIncomplete as incomplete:
        # One banner, not one a problem: the page's error summary lists each, with its link.
        count = len(incomplete.problems)
        messages.error(
            request,
            "The report has not been issued: "
            + ("1 thing needs" if count == 1 else f"{count} things need")
            + " putting right first, listed below.",
        )
        return redirect("appraisals:report-check", appraisal.reference)
    except Conflict as conflict:
        messages.error(request, str(conflict))
        return redirect("appraisals:report-check", appraisal.reference)
    except ReportAlreadyIssued as issued:
        messages.info(request, f"{issued} Change the appraisal or the report to issue another.")
        return redirect("appraisals:versions", appraisal.reference)
    messages.success(request, f"Version {version.number} of the report has been issued.")
    return redirect("appraisals:versions", appraisal.reference)


@transaction.atomic
def _issue_written_report(
    appraisal: Appraisal, user: AbstractBaseUser | AnonymousUser, expected_hash: str | None
) -> ReportVersion:
    """`issue_report`, refused (`ReportIncomplete`) while the check page would refuse it:
    checked under the row lock the action takes too, so nothing is emptied in between."""
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    problems = reports.issue_problems(locked)
    if problems:
        raise ReportIncomplete(problems)
    return issue_report(appraisal=appraisal, user=user, expected_hash=expected_hash)


@allow("GET")
def versions(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    issued = list(
        appraisal.report_versions.defer("pdf", "snapshot", "html", "docx")
        .select_related("issued_by")
        .annotate(size=Length("pdf"), html_size=Length("html"), docx_size=Length("docx"))
        .order_by("-number")
    )
    for version in issued:  # a break opportunity every 16 hex digits
        version.hash_parts = [version.sha256[i : i + 16] for i in range(0, 64, 16)]
    return render(
        request,
        "appraisals/versions.html",
        {
            "appraisal": appraisal,
            "section": "versions",
            "versions": issued,
            "can_edit": can_edit(request.user, appraisal),
            # The issued exempt appendices, for those who may read them (appraisals.exempt).
            "exempt_kept": set(
                ExemptAppendix.objects.filter(report_version__appraisal=appraisal).values_list(
                    "report_version__number", flat=True
                )
            )
            if appraisal.has_exempt_parts and exempt.may_see(request.user, appraisal)
            else set(),
        },
    )


@allow("GET")
def version_download(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    try:
        version = appraisal.report_versions.only("pdf", "sha256", "number").get(number=number)
    except ReportVersion.DoesNotExist:
        raise Http404("No such version") from None
    response = _pdf_response(
        request,
        bytes(version.pdf),
        etag=version.sha256,
        filename=f"{appraisal.reference}-report-v{version.number}.pdf",
        immutable=True,
    )
    digest = base64.b64encode(bytes.fromhex(version.sha256)).decode("ascii")
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


@allow("GET")
def version_docx(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """An issued version as Word, written when it was issued from the same state as its PDF."""
    appraisal = get_appraisal_for(request.user, reference)
    version = appraisal.report_versions.filter(number=number).only("docx", "sha256").first()
    if version is None or not version.docx:
        raise Http404("No Word file was kept for this version")
    return _file_response(
        request,
        bytes(version.docx),
        etag=f"{version.sha256}-docx",
        filename=f"{appraisal.reference}-report-v{number}.docx",
        immutable=True,
        content_type=reports.word.CONTENT_TYPE,
    )


@allow("GET")
def version_html(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """An issued version as a web page, exactly as kept when it was issued."""
    appraisal = get_appraisal_for(request.user, reference)
    version = appraisal.report_versions.filter(number=number).only("html").first()
    if version is None or not version.html:
        raise Http404("No web page was kept for this version")
    response = HttpResponse(version.html)
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


@allow("GET", "POST")
def report_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    """Reopen an issued appraisal for a new version, with the reason for the history."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    if appraisal.status != Appraisal.Status.ISSUED:
        if appraisal.is_frozen:
            messages.error(
                request,
                "A decision has been recorded on the issued report, so the appraisal cannot be "
                "reopened.",
            )
        else:
            messages.info(request, "This appraisal is open for changes already.")
        return redirect(appraisal)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_appraisal(
                appraisal=appraisal, user=request.user, reason=form.cleaned_data["reason"]
            )
        except NotIssued:
            messages.info(request, "This appraisal is open for changes already.")
        else:
            messages.success(
                request,
                f"The appraisal is open for changes. They will be issued as version "
                f"{appraisal.last_issued_number + 1}.",
            )
        return redirect(appraisal)
    return render(
        request,
        "appraisals/report_reopen.html",
        {"appraisal": appraisal, "section": "versions", "form": form},
    )
