"""Adding, editing and choosing the baseline among options. Kind recorded: option.

Removing one is in `removal`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..history import _set_related, record_change, unique_key, update_fields
from ..models import Appraisal, Authority, DeliveryModel, Option

DO_NOTHING = "do-nothing"  # the catalogue's key for carrying on as now


def becomes_baseline(appraisal: Appraisal, delivery_model: DeliveryModel) -> bool:
    """Whether a new option from `delivery_model` is the baseline unless the officer says
    otherwise: the first do-nothing option of an appraisal that has no baseline yet."""
    return delivery_model.key == DO_NOTHING and not appraisal.options.filter(baseline=True).exists()


@transaction.atomic
def add_option(
    *,
    appraisal: Appraisal,
    user,
    delivery_model: DeliveryModel,
    name: str,
    partners: Iterable[Authority] = (),
    description: str = "",
    status: str = Option.Status.LONGLISTED,
    rejection_reason: str = "",
    baseline: bool = False,
) -> Option:
    """Add an option at its stage (a rejected one with its reason); `baseline` makes it the
    one the others are compared with, in place of any baseline before it."""
    if status == Option.Status.REJECTED and baseline:
        raise ValueError("A rejected option cannot be the baseline")
    keys = appraisal.options.values_list("key", flat=True)
    last = appraisal.options.order_by("-order").values_list("order", flat=True).first()
    option = appraisal.options.create(
        key=unique_key(name, keys, "option"),
        name=name,
        delivery_model=delivery_model,
        description=description,
        status=status,
        rejection_reason=rejection_reason if status == Option.Status.REJECTED else "",
        order=(last or 0) + 1,
    )
    option.partners.set(partners)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="option",
        subject=name,
        field="added",
        new=f"{delivery_model.name}, {option.get_status_display().lower()}",
    )
    if baseline:
        set_baseline(appraisal=appraisal, user=user, option=option)
    return option


@transaction.atomic
def edit_option(
    *,
    appraisal: Appraisal,
    user,
    option: Option,
    name: str,
    description: str,
    status: str,
    rejection_reason: str,
    partners: Iterable[Authority],
) -> None:
    """Rename, describe, short-list or reject an option (a rejection keeps its reason)."""
    if status != Option.Status.REJECTED:
        rejection_reason = ""
    changes = {
        "name": name,
        "description": description,
        "status": status,
        "rejection_reason": rejection_reason,
    }
    if status == Option.Status.REJECTED and option.baseline:
        changes["baseline"] = False  # a rejected option cannot be the comparison
    if status == Option.Status.REJECTED and option.recommended:
        changes["recommended"] = False  # nor be recommended
    update_fields(instance=option, user=user, appraisal=appraisal, kind="option", changes=changes)
    _set_related(
        appraisal=appraisal,
        user=user,
        instance=option,
        field="partners",
        kind="option",
        new=partners,
    )


@transaction.atomic
def set_baseline(*, appraisal: Appraisal, user, option: Option) -> None:
    """Make `option` the one baseline (do nothing) the others are compared with."""
    for current in appraisal.options.filter(baseline=True).exclude(pk=option.pk):
        update_fields(
            instance=current,
            user=user,
            appraisal=appraisal,
            kind="option",
            changes={"baseline": False},
        )
    changes: dict[str, object] = {"baseline": True}
    if option.status == Option.Status.REJECTED:
        changes |= {"status": Option.Status.SHORTLISTED, "rejection_reason": ""}
    update_fields(instance=option, user=user, appraisal=appraisal, kind="option", changes=changes)


@transaction.atomic
def set_recommended(*, appraisal: Appraisal, user, option: Option, recommended: bool) -> None:
    """Mark `option` as the one the officers recommend (in place of any other), or withdraw
    the mark. A rejected option cannot be recommended."""
    if recommended and option.status == Option.Status.REJECTED:
        raise ValueError("A rejected option cannot be recommended")
    if recommended:
        for current in appraisal.options.filter(recommended=True).exclude(pk=option.pk):
            update_fields(
                instance=current,
                user=user,
                appraisal=appraisal,
                kind="option",
                changes={"recommended": False},
            )
    update_fields(
        instance=option,
        user=user,
        appraisal=appraisal,
        kind="option",
        changes={"recommended": recommended},
    )
