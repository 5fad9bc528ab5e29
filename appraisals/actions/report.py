"""Committee reports: the narrative and header block, and issuing. Kind recorded: report.

(reports and results are imported inside the functions: they bring in WeasyPrint, which a
process that never renders a report should not pay for at start-up.)
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from .. import notifications
from ..history import Conflict, record_change, update_fields
from ..models import Appraisal

REPORT_HEADER_FIELDS = (
    "committee_name",
    "agenda_item",
    "report_status",
    "exempt_paragraph",
    "report_purpose",
    "report_author",
    "report_of",
    "portfolio_holder",
    "uses_portfolio_holders",
    "contact_name",
    "contact_job_title",
    "contact_telephone",
    "contact_email",
    "officers_consulted",
    "wards_affected",
    "ward_members_consulted",
    "papers_inspection",
    "key_decision",
    "forward_plan_reference",
)


class ReportAlreadyIssued(Exception):
    """Nothing in the report has changed since the version that was last issued."""

    def __init__(self, number: int) -> None:
        super().__init__(f"Version {number} of the report already holds exactly this content.")
        self.number = number


class NotIssued(Exception):
    """Only an issued appraisal can be reopened."""


class ReportIncomplete(Exception):
    """The report lacks something members need before it can be issued."""

    def __init__(self, problems: Sequence) -> None:
        super().__init__("; ".join(p.text for p in problems))
        self.problems = list(problems)


@transaction.atomic
def update_report_text(
    *,
    appraisal: Appraisal,
    user,
    header: dict,
    narrative: dict[str, str],
) -> list[str]:
    """Save the header block and narrative sections, recording each changed one; returns
    what changed. (The report page refuses a save made over newer text: views/edit.py.)"""
    from ..reports import NARRATIVE_SECTIONS

    current = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    changed = []
    old_narrative = dict(current.narrative or {})
    new_narrative = dict(old_narrative)
    titles = {s.key: s.title for s in NARRATIVE_SECTIONS}
    for key, text in narrative.items():
        text = (text or "").replace("\r\n", "\n").strip()
        if old_narrative.get(key, "") == text:
            continue
        record_change(
            appraisal=current,
            user=user,
            kind="report",
            subject=titles.get(key, key),
            field="narrative",
            old=old_narrative.get(key, ""),
            new=text,
        )
        if text:
            new_narrative[key] = text
        else:
            new_narrative.pop(key, None)
        changed.append(key)
    if changed:
        current.narrative = new_narrative
        current.save(update_fields=["narrative", "updated_at"])
    changes = {f: v for f, v in header.items() if f in REPORT_HEADER_FIELDS}
    if changes.get("report_status") == Appraisal.ReportStatus.OPEN:
        changes["exempt_paragraph"] = ""
    changed += update_fields(
        instance=current, user=user, appraisal=current, kind="report", changes=changes
    )
    appraisal.refresh_from_db()
    return changed


@transaction.atomic
def set_draft_ready_for_members(*, appraisal: Appraisal, user, ready: bool) -> bool:
    """Show members the officers' draft recommendations (`ready`), or stop showing them.
    Returns whether anything changed; the change is in the audit trail."""
    current = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    changed = update_fields(
        instance=current,
        user=user,
        appraisal=current,
        kind="report",
        changes={"draft_ready_for_members": ready},
    )
    appraisal.draft_ready_for_members = current.draft_ready_for_members
    if changed and ready:
        notifications.report_ready_for_members(appraisal=current, by=user)
    return bool(changed)


@transaction.atomic
def issue_report(*, appraisal: Appraisal, user, expected_hash: str | None = None):
    """Issue the committee report: freeze the interchange document with its results, and the
    PDF (with its SHA-256), web page and Word file rendered from that same state, as the next
    version.

    Refuses (`ReportIncomplete`) what members could not decide on, (`ReportAlreadyIssued`)
    a report identical to the last issued version, and (`Conflict`) an appraisal that
    changed since the officer checked their answers (`expected_hash`). Issued versions are
    never changed afterwards; a later change is issued as a new version.
    """
    import hashlib

    from .. import reports
    from ..models import ReportVersion
    from ..results import evaluate, snapshot_of

    # Lock the appraisal: two officers issuing at once get one version each, in turn.
    locked = (
        Appraisal.objects.select_for_update().select_related("lead_authority").get(pk=appraisal.pk)
    )
    problems = reports.report_problems(locked)
    if problems:
        raise ReportIncomplete(problems)
    evaluation = evaluate(locked)
    extras = reports.report_extras(locked)
    # Where the council requires it, its statutory officers have agreed their sections.
    unsigned = reports.sign_off_problems(evaluation, extras["sign_offs"])
    if unsigned:
        raise ReportIncomplete(unsigned)
    snapshot = snapshot_of(evaluation)
    content = reports.document_hash(snapshot)
    if expected_hash is not None and content != expected_hash:
        raise Conflict(
            "The appraisal changed after you checked your answers. Check them again before "
            "issuing.",
            current=content,
        )
    latest = extras["previous"]
    if latest is not None and reports.document_hash(latest.snapshot) == content:
        raise ReportAlreadyIssued(latest.number)
    number = 1 if latest is None else latest.number + 1
    issued_at = timezone.now()
    # A version after the first carries "Changes since version N" (`reports.previous`), and
    # the signed sections say who agreed them (`reports.signoff`).
    html = reports.render_html(
        evaluation=evaluation, draft=False, version=number, issued_at=issued_at, **extras
    )
    pdf = reports.write_pdf(html)  # the PDF and the web page are the same rendering
    word = reports.render_word(
        evaluation, draft=False, version=number, issued_at=issued_at, **extras
    )
    version = ReportVersion.objects.create(
        appraisal=locked,
        number=number,
        issued_at=issued_at,
        issued_by=user if user is not None and user.is_authenticated else None,
        snapshot=snapshot,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        html=html,
        docx=word,
    )
    _keep_exempt_appendix(locked, evaluation, version)
    record_change(
        appraisal=locked,
        user=user,
        kind="report",
        subject=f"Committee report version {number}",
        field="issued",
        new=f"SHA-256 {version.sha256}",
    )
    update_fields(
        instance=locked,
        user=user,
        appraisal=locked,
        kind="report",
        changes={"status": Appraisal.Status.ISSUED},
    )
    appraisal.status = locked.status
    notifications.report_issued(appraisal=locked, version=version, by=user)
    return version


@transaction.atomic
def reopen_appraisal(*, appraisal: Appraisal, user, reason: str) -> None:
    """Reopen an issued appraisal for a new version, recording who, when and why. The issued
    versions stay as they were; the next one issued is the next number."""
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if locked.status != Appraisal.Status.ISSUED:
        raise NotIssued()
    number = locked.report_versions.order_by("-number").values_list("number", flat=True).first()
    record_change(
        appraisal=locked,
        user=user,
        kind="report",
        subject=f"Committee report version {number}",
        field="reopened",
        new=reason,
    )
    update_fields(
        instance=locked,
        user=user,
        appraisal=locked,
        kind="report",
        changes={"status": Appraisal.Status.REVIEW},
    )
    appraisal.status = locked.status


def _keep_exempt_appendix(appraisal: Appraisal, evaluation, version) -> None:
    """With a version that has exempt parts, its exempt appendix as issued (appraisals.exempt):
    members decide on that, whatever is marked after a reopening."""
    import hashlib

    from ..exempt import marks_of
    from ..models import ExemptAppendix
    from ..reports.exempt_appendix import render_exempt_appendix

    if not marks_of(evaluation.document):
        return
    pdf = render_exempt_appendix(appraisal, evaluation, version=version.number)
    ExemptAppendix.objects.create(
        report_version=version, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
    )
