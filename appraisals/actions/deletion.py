"""Deleting an appraisal that was never issued, after a confirmation page.

An issued version is a public record: an appraisal with one is never deleted (the database
refuses too: `ReportVersion.appraisal` is PROTECT). The audit trail outlives the appraisal:
its rows keep its reference and lead council, and the deletion is the last of them, saying
what went with it. Kind recorded: appraisal (field "deleted").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef

from ..history import person_name
from ..models import (
    Appraisal,
    Change,
    Criterion,
    FinancialCase,
    Option,
    Panel,
    Question,
    ReportVersion,
    Risk,
    Score,
)
from .removal import _count


class NotDeletable(Exception):
    """The appraisal has an issued version: it is kept (archive it instead)."""


@dataclass(frozen=True)
class Contents:
    """What goes with a deleted appraisal."""

    options: int = 0
    criteria: int = 0
    panels: int = 0
    scores: int = 0
    risks: int = 0
    financial_cases: int = 0
    questions: int = 0
    versions: int = 0  # issued versions: any at all, and it cannot be deleted

    def items(self) -> list[str]:
        parts = [
            (self.options, "option", "options"),
            (self.criteria, "criterion", "criteria"),
            (self.panels, "panel", "panels"),
            (self.scores, "score", "scores"),
            (self.risks, "risk", "risks"),
            (self.financial_cases, "financial case", "financial cases"),
            (self.questions, "question", "questions"),
        ]
        return [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]

    def __str__(self) -> str:
        items = self.items()
        if not items:
            return "nothing else"
        return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))


def appraisal_contents(appraisal: Appraisal) -> Contents:
    """Everything the appraisal holds, counted in one query."""
    here = OuterRef("pk")
    counted = {
        "options": Option.objects.filter(appraisal=here),
        "criteria": Criterion.objects.filter(appraisal=here),
        "panels": Panel.objects.filter(appraisal=here),
        "scores": Score.objects.filter(panel__appraisal=here),
        "risks": Risk.objects.filter(appraisal=here),
        "financial_cases": FinancialCase.objects.filter(option__appraisal=here),
        "questions": Question.objects.filter(appraisal=here),
        "versions": ReportVersion.objects.filter(appraisal=here),
    }
    # Named n_… in SQL: "options" and the like are the appraisal's own relations.
    row = (
        Appraisal.objects.filter(pk=appraisal.pk)
        .values(**{f"n_{name}": _count(rows) for name, rows in counted.items()})
        .get()
    )
    counts = {name: row[f"n_{name}"] for name in counted}
    return Contents(**counts)


@transaction.atomic
def delete_appraisal(*, appraisal: Appraisal, user) -> Change:
    """Delete a never-issued appraisal and all it holds; the audit trail stays, the
    deletion recorded as its last row (returned)."""
    locked = (
        Appraisal.objects.select_for_update().select_related("lead_authority").get(pk=appraisal.pk)
    )
    contents = appraisal_contents(locked)
    if contents.versions:
        raise NotDeletable(
            f"“{locked.title}” has an issued report, so it cannot be deleted. Archive it instead."
        )
    Change.objects.filter(appraisal=locked).update(
        reference=locked.reference, authority=locked.lead_authority
    )
    deletion = Change.objects.create(
        appraisal=None,
        reference=locked.reference,
        authority=locked.lead_authority,
        user=user if user is not None and user.is_authenticated else None,
        kind="appraisal",
        subject=locked.title,
        field="deleted",
        old=f"{locked.get_status_display()}, led by {locked.lead_authority.name}, with {contents}",
        new=f"deleted by {person_name(user)}" if user is not None else "deleted",
    )
    locked.delete()
    return deletion
