"""Scoring panels and who sits on them. Kind recorded: panel.

Removing one is in `removal`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .. import notifications
from ..history import _names, _set_related, record_change, unique_key, update_fields
from ..models import Appraisal, Panel


@transaction.atomic
def add_panel(
    *, appraisal: Appraisal, user, name: str, members: Iterable = (), scored_when: str = ""
) -> Panel:
    keys = appraisal.panels.values_list("key", flat=True)
    last = appraisal.panels.order_by("-order").values_list("order", flat=True).first()
    panel = appraisal.panels.create(
        key=unique_key(name, keys, "panel"),
        name=name,
        scored_when=scored_when,
        order=(last or 0) + 1,
    )
    panel.members.set(members)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="panel",
        subject=name,
        field="added",
        new=_names(panel.members.all()),
    )
    notifications.asked_to_score(panel=panel, people=panel.members.all(), by=user)
    return panel


@transaction.atomic
def edit_panel(
    *,
    appraisal: Appraisal,
    user,
    panel: Panel,
    name: str,
    members: Iterable,
    scored_when: str | None = None,
) -> None:
    changes = {"name": name}
    if scored_when is not None:
        changes["scored_when"] = scored_when
    update_fields(instance=panel, user=user, appraisal=appraisal, kind="panel", changes=changes)
    before = set(panel.members.values_list("pk", flat=True))
    members = list(members)
    _set_related(
        appraisal=appraisal, user=user, instance=panel, field="members", kind="panel", new=members
    )
    joined = [m for m in members if m.pk not in before]
    if joined:  # only the people just put on it: the others were asked already
        panel.appraisal = appraisal
        notifications.asked_to_score(panel=panel, people=joined, by=user)
