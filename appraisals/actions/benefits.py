"""Implementing the chosen option: its milestones, and what each year actually cost and saved.
Kind recorded: benefits.

Milestones can be planned once the decision is recorded; actual figures are entered while the
option is being implemented (not while a call-in pauses it, nor once the appraisal is closed).
"""

from __future__ import annotations

from django.db import transaction

from ..history import record_change, update_fields
from ..models import ActualYear, Appraisal, Milestone
from .decision import NotAllowed

MILESTONE_FIELDS = ("name", "due_on", "status", "completed_on", "note")
ACTUAL_FIELDS = ("costs", "savings", "note")


def _check(appraisal: Appraisal, allowed: tuple[str, ...], what: str) -> Appraisal:
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if locked.status in allowed:
        return locked
    if locked.status == Appraisal.Status.CLOSED:
        raise NotAllowed(f"The appraisal is closed: {what} can no longer change.")
    if locked.status == Appraisal.Status.DECIDED:
        raise NotAllowed(f"Implementation has not started, or is paused: {what} wait for it.")
    raise NotAllowed(f"{what.capitalize()} are recorded once the decision is recorded.")


@transaction.atomic
def save_milestone(
    *, appraisal: Appraisal, user, fields: dict, milestone: Milestone | None = None
) -> Milestone:
    locked = _check(
        appraisal, (Appraisal.Status.DECIDED, Appraisal.Status.IMPLEMENTING), "milestones"
    )
    fields = {k: v for k, v in fields.items() if k in MILESTONE_FIELDS}
    if milestone is None:
        last = locked.milestones.order_by("-order").values_list("order", flat=True).first()
        milestone = Milestone.objects.create(appraisal=locked, order=(last or 0) + 1, **fields)
        record_change(
            appraisal=locked,
            user=user,
            kind="benefits",
            subject=str(milestone),
            field="milestone added",
            new=f"due {milestone.due_on:%-d %B %Y}, {milestone.get_status_display().lower()}",
        )
        return milestone
    update_fields(instance=milestone, user=user, appraisal=locked, kind="benefits", changes=fields)
    return milestone


@transaction.atomic
def save_actual_year(*, appraisal: Appraisal, user, year: int, fields: dict) -> ActualYear:
    """Enter or correct one year's actual costs and savings (pounds)."""
    locked = _check(appraisal, (Appraisal.Status.IMPLEMENTING,), "actual costs and savings")
    fields = {k: v for k, v in fields.items() if k in ACTUAL_FIELDS}
    row = ActualYear.objects.filter(appraisal=locked, year=year).first()
    if row is None:
        row = ActualYear.objects.create(appraisal=locked, year=year, **fields)
        record_change(
            appraisal=locked,
            user=user,
            kind="benefits",
            subject=str(row),
            field="entered",
            new=f"costs £{row.costs:,.0f}, savings £{row.savings:,.0f}",
        )
        return row
    update_fields(instance=row, user=user, appraisal=locked, kind="benefits", changes=fields)
    return row
