"""Removing an option, a criterion or a panel.

What goes with it (`Losses`) is shown on the confirmation page and kept in the item's
"removed" row of the audit trail. Scores, risks, financial cases with their partner shares,
and panel places go by the models' CASCADE; the pairwise matrix, held on the appraisal, is
trimmed here (recorded as a weight change, as adding a criterion records its growth).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..history import _matrix_text, _text, record_change
from ..models import (
    Appraisal,
    Criterion,
    FinancialCase,
    Option,
    Panel,
    PartnerShare,
    Risk,
    Score,
)


@dataclass(frozen=True)
class Losses:
    """What is removed with an option, a criterion or a panel."""

    scores: int = 0
    risks: int = 0  # risks recorded against the option
    financial_case: bool = False
    partner_shares: int = 0  # of the option's net savings
    judgements: int = 0  # pairwise judgements with the other criteria
    members: tuple[str, ...] = ()  # the people taken off the panel (their accounts stay)

    def items(self) -> list[str]:
        """What goes, in words (a panel's members are not lost: they only leave it)."""
        items = []
        if self.scores:
            items.append(_counted(self.scores, "score"))
        if self.financial_case:
            shares = self.partner_shares
            items.append(
                "its financial case"
                + (f" with {_counted(shares, 'partner share')} of the savings" if shares else "")
            )
        if self.risks:
            items.append(f"{_counted(self.risks, 'risk')} recorded against it")
        if self.judgements:
            items.append(f"{_counted(self.judgements, 'pairwise judgement')} against the others")
        return items

    def sentence(self) -> str:
        """Like "12 scores, its financial case and 1 risk recorded against it"; "" if nothing."""
        items = self.items()
        return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))

    def __str__(self) -> str:
        members = f"members {', '.join(self.members)}" if self.members else ""
        return "; ".join(p for p in (self.sentence(), members) if p)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _count(rows: QuerySet) -> Coalesce:
    """COUNT(*) of `rows` (filtered on an OuterRef) as a subquery, 0 when there are none."""
    counted = rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def option_losses(option: Option) -> Losses:
    """The option's scores, risks, financial case and partner shares, counted in one query."""
    counts = (
        Option.objects.filter(pk=option.pk)
        .values(
            n_scores=_count(Score.objects.filter(option=OuterRef("pk"))),
            n_risks=_count(Risk.objects.filter(option=OuterRef("pk"))),
            n_cases=_count(FinancialCase.objects.filter(option=OuterRef("pk"))),
            n_shares=_count(PartnerShare.objects.filter(financial_case__option=OuterRef("pk"))),
        )
        .get()
    )
    return Losses(
        scores=counts["n_scores"],
        risks=counts["n_risks"],
        financial_case=bool(counts["n_cases"]),
        partner_shares=counts["n_shares"],
    )


def _in_step(matrix: Sequence[Sequence[float]] | None, criteria: int) -> bool:
    """A pairwise matrix with one row per criterion (one out of step is left alone)."""
    return matrix is not None and len(matrix) == criteria


def matrix_without(matrix: Sequence[Sequence[float]], index: int) -> list[list[float]]:
    """The pairwise matrix without criterion `index`'s row and column."""
    return [
        [x for j, x in enumerate(row) if j != index] for i, row in enumerate(matrix) if i != index
    ]


def criterion_losses(
    criterion: Criterion, *, criteria: int, matrix: Sequence[Sequence[float]] | None
) -> Losses:
    """The criterion's scores and, when the matrix is in step with the `criteria` (how many
    there are), its judgements against each of the others."""
    return Losses(
        scores=criterion.scores.count(),
        judgements=criteria - 1 if _in_step(matrix, criteria) else 0,
    )


def panel_losses(panel: Panel) -> Losses:
    """The panel's scores, and who sits on it (they stay users, and on other panels)."""
    people = panel.members.order_by("username")
    return Losses(
        scores=panel.scores.count(),
        members=tuple(p.get_full_name() or p.get_username() for p in people),
    )


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


@transaction.atomic
def remove_option(*, appraisal: Appraisal, user, option: Option) -> None:
    """Remove an option with its scores, risks, financial case and partner shares.

    Removing the baseline leaves the appraisal without one until another is marked.
    """
    stage = option.get_status_display().lower() + (", the baseline" if option.baseline else "")
    record_change(
        appraisal=appraisal,
        user=user,
        kind="option",
        subject=option.name,
        field="removed",
        old=_joined(stage, str(option_losses(option))),
    )
    option.delete()


@transaction.atomic
def remove_criterion(*, appraisal: Appraisal, user, criterion: Criterion) -> None:
    """Remove a criterion with its scores, and its row and column of the pairwise matrix.

    Raw weights stay as they are: the engine normalises what is left to 100%.
    """
    # Locked: the matrix is read, trimmed and written back by position.
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    positions = list(locked.criteria.values_list("pk", flat=True))
    matrix = locked.pairwise_matrix
    losses = criterion_losses(criterion, criteria=len(positions), matrix=matrix)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="criterion",
        subject=criterion.name,
        field="removed",
        old=_joined(f"weight {_text(criterion.weight)}", str(losses)),
    )
    if matrix is not None and _in_step(matrix, len(positions)):
        trimmed = matrix_without(matrix, positions.index(criterion.pk))
        record_change(
            appraisal=appraisal,
            user=user,
            kind="weight",
            subject="Pairwise comparisons",
            field="pairwise_matrix",
            old=_matrix_text(matrix),
            new=_matrix_text(trimmed),
        )
        locked.pairwise_matrix = appraisal.pairwise_matrix = trimmed
        locked.save(update_fields=["pairwise_matrix", "updated_at"])
    criterion.delete()


@transaction.atomic
def remove_panel(*, appraisal: Appraisal, user, panel: Panel) -> None:
    """Remove a panel with its scores; its members stay users, off this panel."""
    record_change(
        appraisal=appraisal,
        user=user,
        kind="panel",
        subject=panel.name,
        field="removed",
        old=str(panel_losses(panel)) or "no members or scores",
    )
    panel.delete()
