"""Archiving an appraisal: read-only (`appraisals/frozen.py` refuses changes) and left out
of the appraisals list unless asked for; unarchiving undoes both. Kind recorded: appraisal."""

from __future__ import annotations

from django.db import transaction

from ..history import record_change
from ..models import Appraisal


@transaction.atomic
def set_archived(*, appraisal: Appraisal, user, archived: bool) -> bool:
    """Archive (or unarchive) the appraisal; False if it already was (nothing recorded)."""
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if locked.archived == archived:
        return False
    record_change(
        appraisal=locked,
        user=user,
        kind="appraisal",
        subject=locked.title,
        field="archived",
        old="yes" if locked.archived else "no",
        new="yes" if archived else "no",
    )
    locked.archived = appraisal.archived = archived
    locked.save(update_fields=["archived", "updated_at"])
    return True
