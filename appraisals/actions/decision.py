"""After the meeting: the record of decision and the appraisal's moves from issued to decided,
implementing and closed. Kind recorded: decision.

Each move is refused (`NotAllowed`, with the reason in words) where `decisions` says it may
not happen: a decision before a report is issued, implementation while the decision may
still be called in or has been, closing before a decision. A refused write leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .. import decisions, interests
from ..history import record_change, update_fields
from ..models import Appraisal, Decision, DecisionRecommendation, PublishedDecision

# What the published record says, and the call-in status (never a correction of it).
DECISION_FIELDS = (*decisions.PUBLISHED_FIELDS, "call_in_status")
# Statuses in which the record of decision may be entered or corrected.
RECORDABLE = (Appraisal.Status.ISSUED, Appraisal.Status.DECIDED, Appraisal.Status.IMPLEMENTING)


class NotAllowed(Exception):
    """The appraisal is not in a state that allows this; the message says why."""


@dataclass(frozen=True)
class Outcome:
    number: int
    text: str  # as issued
    outcome: str  # DecisionRecommendation.Outcome
    amended_text: str = ""


def _locked(appraisal: Appraisal) -> Appraisal:
    return (
        Appraisal.objects.select_for_update().select_related("lead_authority").get(pk=appraisal.pk)
    )


def _set_status(locked: Appraisal, appraisal: Appraisal, user, status: str) -> None:
    update_fields(
        instance=locked, user=user, appraisal=locked, kind="decision", changes={"status": status}
    )
    appraisal.status = locked.status


@transaction.atomic
def record_decision(
    *, appraisal: Appraisal, user, fields: dict, outcomes: Sequence[Outcome], reason: str = ""
) -> Decision:
    """Enter the record of decision on the latest issued version (the appraisal moves to
    decided), or correct it. A call-in entered while implementing pauses implementation
    (the appraisal goes back to decided). The call-in deadline is counted whenever the
    publication date is entered or changed.

    Once a publication date is entered the record is published: its PDF is rendered and kept
    with what it says (`PublishedDecision`, which the database never lets change). A later
    save that changes what it says is a correction, published as the next version with its
    `reason` (refused without one); a published record is never unpublished."""
    locked = _locked(appraisal)
    if locked.status not in RECORDABLE:
        if locked.status == Appraisal.Status.CLOSED:
            raise NotAllowed("The appraisal is closed: its record of decision cannot change.")
        raise NotAllowed(
            "A decision can be recorded only on an issued report: issue the report first."
        )
    fields = {k: v for k, v in fields.items() if k in DECISION_FIELDS}
    decision = Decision.objects.filter(appraisal=locked).first()
    if decision is None:
        version = locked.report_versions.order_by("-number").first()
        if version is None:  # issued without a version cannot happen; refuse all the same
            raise NotAllowed("No version of the report has been issued.")
        decision = Decision(appraisal=locked, report_version=version, recorded_by=None)
        for name, value in fields.items():
            setattr(decision, name, value)
        decision.recorded_by = user if user is not None and user.is_authenticated else None
        decision.recorded_at = timezone.now()
        decision.call_in_deadline = _deadline(locked, decision.published_on)
        decision.save()
        record_change(
            appraisal=locked,
            user=user,
            kind="decision",
            subject=f"Record of decision on version {version.number}",
            field="recorded",
            new=f"{decision.get_maker_display()}, {decision.decided_on:%-d %B %Y}, minute "
            f"{decision.minute_reference}",
        )
    else:
        if "published_on" in fields:
            fields["call_in_deadline"] = _deadline(locked, fields["published_on"])
        update_fields(
            instance=decision, user=user, appraisal=locked, kind="decision", changes=fields
        )
    _save_outcomes(locked, decision, user, outcomes)
    if locked.status == Appraisal.Status.ISSUED:
        _set_status(locked, appraisal, user, Appraisal.Status.DECIDED)
    elif locked.status == Appraisal.Status.IMPLEMENTING and decision.call_in_status in (
        Decision.CallIn.CALLED_IN,
        Decision.CallIn.REFERRED_BACK,
    ):
        # Called in: implementation stops until the call-in is decided.
        _set_status(locked, appraisal, user, Appraisal.Status.DECIDED)
    _publish(locked, decision, user, reason)
    appraisal.status = locked.status
    return decision


def _publish(appraisal: Appraisal, decision: Decision, user, reason: str) -> None:
    from ..reports.after_decision import decision_pdf

    latest = decision.publications.order_by("-number").first()
    if decision.published_on is None:
        if latest is not None:
            raise NotAllowed(
                f"The record of decision was published on {latest.published_at:%-d %B %Y}: "
                "it stays published. Enter the date it was published."
            )
        return
    recommendations = list(decision.recommendations.order_by("number"))
    content = decisions.content_of(
        {name: getattr(decision, name) for name in decisions.PUBLISHED_FIELDS}, recommendations
    )
    if latest is not None and not decisions.is_correction(content, latest.record):
        return
    reason = reason.strip()
    if latest is not None and not reason:
        raise NotAllowed(
            "The record of decision has been published: give the reason for the correction."
        )
    published_at = timezone.now()
    corrections = [
        (timezone.localdate(p.published_at), p.reason)
        for p in decision.publications.filter(number__gt=1).only("published_at", "reason")
    ]
    if latest is not None:
        corrections.append((timezone.localdate(published_at), reason))
    declarations = interests.declared_sentences(appraisal)
    decision.appraisal = appraisal
    pdf = decision_pdf(
        decision, recommendations, declarations=declarations, corrections=corrections
    )
    number = 1 if latest is None else latest.number + 1
    published = PublishedDecision.objects.create(
        decision=decision,
        number=number,
        published_at=published_at,
        published_by=user if user is not None and user.is_authenticated else None,
        reason=reason if latest is not None else "",
        record={**content, "declarations": declarations},
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    record_change(
        appraisal=appraisal,
        user=user,
        kind="decision",
        subject=f"Record of decision, published version {number}",
        field="corrected" if latest is not None else "published",
        new=f"{reason}; SHA-256 {published.sha256}" if latest else f"SHA-256 {published.sha256}",
    )


def _deadline(appraisal: Appraisal, published_on: dt.date | None) -> dt.date | None:
    if published_on is None:
        return None
    return decisions.call_in_deadline(published_on, appraisal.lead_authority.call_in_working_days)


def _save_outcomes(
    appraisal: Appraisal, decision: Decision, user, outcomes: Sequence[Outcome]
) -> None:
    existing = {r.number: r for r in decision.recommendations.all()}
    for outcome in outcomes:
        amended = outcome.amended_text.strip() if outcome.outcome == "amended" else ""
        row = existing.get(outcome.number)
        if row is None:
            row = DecisionRecommendation.objects.create(
                decision=decision,
                number=outcome.number,
                text=outcome.text,
                outcome=outcome.outcome,
                amended_text=amended,
            )
            record_change(
                appraisal=appraisal,
                user=user,
                kind="decision",
                subject=f"Recommendation {outcome.number}",
                field="outcome",
                new=row.get_outcome_display() + (f": {amended}" if amended else ""),
            )
            continue
        update_fields(
            instance=row,
            user=user,
            appraisal=appraisal,
            kind="decision",
            changes={"outcome": outcome.outcome, "amended_text": amended},
        )


@transaction.atomic
def start_implementation(*, appraisal: Appraisal, user, today: dt.date | None = None) -> None:
    """Decided → implementing, once the call-in period has passed with no call-in (or a
    call-in was decided and the decision upheld)."""
    locked = _locked(appraisal)
    if locked.status != Appraisal.Status.DECIDED:
        after = locked.status in (Appraisal.Status.IMPLEMENTING, Appraisal.Status.CLOSED)
        raise NotAllowed(
            f"The appraisal is {locked.get_status_display().lower()} already."
            if after
            else "Implementation starts once a decision is recorded."
        )
    blocked = decisions.implementation_blocked(locked.decision, today or timezone.localdate())
    if blocked:
        raise NotAllowed(blocked)
    _set_status(locked, appraisal, user, Appraisal.Status.IMPLEMENTING)


@transaction.atomic
def close_appraisal(*, appraisal: Appraisal, user, reason: str) -> None:
    """Decided or implementing → closed, with the reason in the history."""
    locked = _locked(appraisal)
    if locked.status not in (Appraisal.Status.DECIDED, Appraisal.Status.IMPLEMENTING):
        raise NotAllowed(
            "The appraisal is closed already."
            if locked.status == Appraisal.Status.CLOSED
            else "An appraisal can be closed only after its decision is recorded."
        )
    record_change(
        appraisal=locked,
        user=user,
        kind="decision",
        subject="Appraisal",
        field="closed",
        new=reason,
    )
    _set_status(locked, appraisal, user, Appraisal.Status.CLOSED)
