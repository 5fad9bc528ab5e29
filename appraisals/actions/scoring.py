"""Scoring and results: one panel's score of one option on one criterion. Kind recorded in the
audit trail: score.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .. import notifications
from ..history import Conflict, _text, record_change
from ..interests import ScoringBarred, barred_options
from ..models import Criterion, Option, Panel, Score


def _score_subject(panel: Panel, option: Option, criterion: Criterion) -> str:
    return f"{panel.name}: {option.name} on {criterion.name}"


@transaction.atomic
def save_score(
    *,
    panel: Panel,
    option: Option,
    criterion: Criterion,
    score: float | None,
    reason: str,
    expected_version: int | None,
    user,
) -> Score | None:
    """Record (or, with `score` None, remove) one panel's score of an option on a criterion.

    `expected_version` is the version the user loaded (None or 0: the cell was empty). If the
    stored score has moved on since, nothing is written and `Conflict(current=the Score, or
    None if it was removed)` is raised, so two officers never overwrite each other silently.
    The score and the reason are recorded in the audit trail only when the write succeeds.
    A user who declared a disclosable pecuniary interest in the option is refused
    (`ScoringBarred`, saying why).
    """
    appraisal = panel.appraisal
    if not option.appraisal_id == criterion.appraisal_id == appraisal.pk:
        raise ValueError("the option, criterion and panel belong to different appraisals")
    if score is not None and not appraisal.scale_min <= score <= appraisal.scale_max:
        raise ValueError(
            f"Score must be between {_text(appraisal.scale_min)} and {_text(appraisal.scale_max)}"
        )
    barred = barred_options(user, appraisal).get(option.pk)
    if barred:
        raise ScoringBarred(barred)
    cell = Score.objects.filter(panel=panel, option=option, criterion=criterion)
    current = cell.select_related("updated_by").first()
    expected = expected_version or 0
    if (current.version if current else 0) != expected:
        raise Conflict("This score was changed since you opened the page.", current=current)
    now = timezone.now()
    if score is None:
        if current is None:
            return None
        # Conditional write: only the version the user saw may be replaced.
        deleted, _ = cell.filter(version=expected).delete()
        if not deleted:
            raise Conflict(
                "This score was changed since you opened the page.", current=cell.first()
            )
        saved = None
    elif current is None:
        try:
            with transaction.atomic():  # a savepoint: the unique cell may be taken meanwhile
                saved = Score.objects.create(
                    panel=panel,
                    option=option,
                    criterion=criterion,
                    score=score,
                    reason=reason,
                    updated_by=user,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(
                "This score was added since you opened the page.",
                current=cell.select_related("updated_by").first(),
            ) from None
    else:
        updated = cell.filter(version=expected).update(
            score=score, reason=reason, version=F("version") + 1, updated_by=user, updated_at=now
        )
        if not updated:
            raise Conflict(
                "This score was changed since you opened the page.",
                current=cell.select_related("updated_by").first(),
            )
        saved = Score(
            pk=current.pk,
            panel=panel,
            option=option,
            criterion=criterion,
            score=score,
            reason=reason,
            version=expected + 1,
            updated_by=user,
            updated_at=now,
        )
    subject = _score_subject(panel, option, criterion)
    old_score, old_reason = (current.score, current.reason) if current else (None, "")
    record_change(
        appraisal=appraisal,
        user=user,
        kind="score",
        subject=subject,
        field="score",
        old=old_score,
        new=score,
    )
    record_change(
        appraisal=appraisal,
        user=user,
        kind="score",
        subject=subject,
        field="reason",
        old=old_reason,
        new=reason if saved else "",
    )
    # The cell that fills the panel's grid: officers hear that scoring is complete (once:
    # changing a score afterwards fills nothing new).
    if current is None and saved is not None and notifications.panel_complete(panel):
        notifications.scoring_complete(panel=panel, by=user)
    return saved
