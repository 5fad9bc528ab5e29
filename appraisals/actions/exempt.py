"""Exempt information (Schedule 12A): marking parts exempt, taking a mark off, and whether
the partners' users may read them (`appraisals.exempt`). Kind recorded: exempt."""

from __future__ import annotations

from django.db import transaction

from ..history import record_change, update_fields
from ..models import Appraisal, ExemptPart, Option, Risk


class AlreadyExempt(ValueError):
    """The part is marked exempt already."""


def part_name(part: ExemptPart) -> str:
    """The part as the audit trail and the pages name it (a risk by its ID, never its words,
    so the history page says nothing exempt)."""
    if part.kind == ExemptPart.Kind.FINANCE:
        return f"Financial case: {part.option.name}"
    if part.kind == ExemptPart.Kind.RISK:
        ids = list(part.appraisal.risks.order_by("order", "pk").values_list("pk", flat=True))
        return f"Risk R{ids.index(part.risk_id) + 1}" if part.risk_id in ids else "A risk"
    from ..reports.narrative import _TITLES

    return f"Section: {_TITLES.get(part.section, part.section)}"


@transaction.atomic
def mark_exempt(
    *,
    appraisal: Appraisal,
    user,
    kind: str,
    paragraph: int,
    reason: str,
    option: Option | None = None,
    risk: Risk | None = None,
    section: str = "",
) -> ExemptPart:
    """Mark an option's financial case, a risk or a report section exempt."""
    same = ExemptPart.objects.filter(appraisal=appraisal, kind=kind)
    if (
        (kind == ExemptPart.Kind.FINANCE and same.filter(option=option).exists())
        or (kind == ExemptPart.Kind.RISK and same.filter(risk=risk).exists())
        or (kind == ExemptPart.Kind.SECTION and same.filter(section=section).exists())
    ):
        raise AlreadyExempt("This part is marked exempt already.")
    last = appraisal.exempt_parts.order_by("-order").values_list("order", flat=True).first()
    part = ExemptPart.objects.create(
        appraisal=appraisal,
        kind=kind,
        option=option if kind == ExemptPart.Kind.FINANCE else None,
        risk=risk if kind == ExemptPart.Kind.RISK else None,
        section=section if kind == ExemptPart.Kind.SECTION else "",
        paragraph=paragraph,
        reason=reason.strip(),
        order=(last or 0) + 1,
    )
    if not appraisal.has_exempt_parts:
        Appraisal.objects.filter(pk=appraisal.pk).update(has_exempt_parts=True)
        appraisal.has_exempt_parts = True
    record_change(
        appraisal=appraisal,
        user=user,
        kind="exempt",
        subject=part_name(part),
        field="marked exempt",
        new=f"paragraph {paragraph}: {part.reason}",
    )
    return part


@transaction.atomic
def unmark_exempt(*, appraisal: Appraisal, user, part: ExemptPart) -> None:
    """Take the mark off: the part is open again."""
    record_change(
        appraisal=appraisal,
        user=user,
        kind="exempt",
        subject=part_name(part),
        field="marked exempt",
        old=f"paragraph {part.paragraph}: {part.reason}",
        new="open",
    )
    part.delete()


def set_exempt_to_partners(*, appraisal: Appraisal, user, allowed: bool) -> None:
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="exempt",
        changes={"exempt_to_partners": allowed},
    )
