"""Criteria and their weights: from the library, added, edited; direct, swing or pairwise
weights. Kinds recorded: criterion, weight.

Removing one is in `removal`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from .. import saaty
from ..history import _matrix_text, _text, record_change, unique_key, update_fields
from ..models import Appraisal, Criterion, LibraryCriterion


def _extend_matrix(appraisal: Appraisal, user, added: int) -> None:
    """New criteria start as equally important as every other in a pairwise matrix."""
    matrix = appraisal.pairwise_matrix
    if matrix is None or not added:  # [] is a matrix whose criteria were all removed
        return
    n = len(matrix) + added
    grown = [list(row) + [1.0] * added for row in matrix] + [[1.0] * n for _ in range(added)]
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="weight",
        changes={"pairwise_matrix": grown},
    )


def _next_criterion_order(appraisal: Appraisal) -> int:
    last = appraisal.criteria.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def add_criteria_from_library(
    *, appraisal: Appraisal, user, library_criteria: Sequence[LibraryCriterion]
) -> list[Criterion]:
    """Copy library criteria (name, group, description, guidance) onto the appraisal, weight 1."""
    keys = set(appraisal.criteria.values_list("key", flat=True))
    names = {n.casefold() for n in appraisal.criteria.values_list("name", flat=True)}
    order = _next_criterion_order(appraisal)
    added = []
    for item in library_criteria:
        if item.name.casefold() in names:
            continue  # already on the appraisal: adding it twice would double its weight
        key = unique_key(item.key or item.name, keys, "criterion")
        keys.add(key)
        names.add(item.name.casefold())
        added.append(
            Criterion(
                appraisal=appraisal,
                key=key,
                name=item.name,
                group=item.group,
                description=item.description,
                guidance=item.guidance,
                weight=1,
                order=order,
            )
        )
        order += 1
    Criterion.objects.bulk_create(added)
    for criterion in added:
        record_change(
            appraisal=appraisal,
            user=user,
            kind="criterion",
            subject=criterion.name,
            field="added",
            new=f"from the library, weight {_text(criterion.weight)}",
        )
    _extend_matrix(appraisal, user, len(added))
    return added


@transaction.atomic
def add_criterion(*, appraisal: Appraisal, user, fields: dict) -> Criterion:
    keys = appraisal.criteria.values_list("key", flat=True)
    criterion = appraisal.criteria.create(
        key=unique_key(fields["name"], keys, "criterion"),
        order=_next_criterion_order(appraisal),
        **fields,
    )
    record_change(
        appraisal=appraisal,
        user=user,
        kind="criterion",
        subject=criterion.name,
        field="added",
        new=f"weight {_text(criterion.weight)}",
    )
    _extend_matrix(appraisal, user, 1)
    return criterion


@transaction.atomic
def edit_criterion(*, appraisal: Appraisal, user, criterion: Criterion, fields: dict) -> None:
    """Name, group, description and guidance (weights change on the weights pages)."""
    update_fields(
        instance=criterion, user=user, appraisal=appraisal, kind="criterion", changes=fields
    )


@transaction.atomic
def set_weights(
    *,
    appraisal: Appraisal,
    user,
    method: str,
    weights: dict[str, float] | None = None,
    matrix: list[list[float]] | None = None,
) -> None:
    """Direct or swing weights ({criterion key: raw weight}) or a pairwise matrix.

    Raw weights are kept as entered (swing points stay points); the engine normalises them.
    """
    if method not in Appraisal.Weighting.values:
        raise ValueError(f"unknown weighting method {method!r}")
    if weights is not None:
        for criterion in appraisal.criteria.filter(key__in=weights):
            new = float(weights[criterion.key])
            if criterion.weight != new:
                record_change(
                    appraisal=appraisal,
                    user=user,
                    kind="weight",
                    subject=criterion.name,
                    field="weight",
                    old=criterion.weight,
                    new=new,
                )
                criterion.weight = new
                criterion.save(update_fields=["weight"])
    if matrix is not None and matrix != appraisal.pairwise_matrix:
        record_change(
            appraisal=appraisal,
            user=user,
            kind="weight",
            subject="Pairwise comparisons",
            field="pairwise_matrix",
            old=_matrix_text(appraisal.pairwise_matrix),
            new=_matrix_text(matrix),
        )
        appraisal.pairwise_matrix = matrix
        appraisal.save(update_fields=["pairwise_matrix", "updated_at"])
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="weight",
        changes={"weighting_method": method},
    )


@transaction.atomic
def set_pairwise_judgement(
    *,
    appraisal: Appraisal,
    user,
    criteria: Sequence[Criterion],
    first: Criterion,
    second: Criterion,
    judgement: float,
) -> None:
    """One comparison of the pairwise matrix (and its reciprocal), recorded in words; the
    appraisal is weighted by pairwise comparison from then on. A matrix not yet made starts
    with every criterion as important as every other."""
    n = len(criteria)
    stored = appraisal.pairwise_matrix
    made = stored is not None and len(stored) == n
    matrix = stored if made else [[1.0] * n for _ in range(n)]
    i, j = criteria.index(first), criteria.index(second)
    before = matrix[i][j] if made else None

    def words(x: float) -> str:
        return saaty.in_words(first.name, second.name, saaty.nearest(x))

    if before != judgement:
        record_change(
            appraisal=appraisal,
            user=user,
            kind="weight",
            subject=f"Pairwise comparison of {first.name} and {second.name}",
            field="judgement",
            old=None if before is None else words(before),
            new=words(judgement),
        )
        changed = [list(row) for row in matrix]
        changed[i][j], changed[j][i] = judgement, 1.0 / judgement
        appraisal.pairwise_matrix = changed
        appraisal.save(update_fields=["pairwise_matrix", "updated_at"])
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="weight",
        changes={"weighting_method": Appraisal.Weighting.PAIRWISE},
    )
