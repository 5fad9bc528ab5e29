"""Writes that span rows: keyword-only, typed, one transaction each, named by the domain verb.

Each records what it changed in the audit trail (`Change`) inside the same transaction, so a
refused or failed write leaves neither data nor history behind.
"""

from __future__ import annotations

from django.db import transaction

from .models import Appraisal, Change


class Conflict(Exception):
    """The value changed under the user since they loaded it; nothing was written."""

    def __init__(self, message: str, *, current: object = None) -> None:
        super().__init__(message)
        self.current = current


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def record_change(
    *,
    appraisal: Appraisal,
    user,
    kind: str,
    subject: str,
    field: str = "",
    old: object = None,
    new: object = None,
) -> Change | None:
    """Add one row to the audit trail; a no-op when nothing actually changed."""
    if _text(old) == _text(new):
        return None
    return Change.objects.create(
        appraisal=appraisal,
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        subject=subject[:300],
        field=field,
        old=_text(old),
        new=_text(new),
    )


@transaction.atomic
def update_fields(*, instance, user, appraisal: Appraisal, kind: str, changes: dict) -> list[str]:
    """Apply {field: new value} to one model instance, recording each changed field."""
    changed = []
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            record_change(
                appraisal=appraisal,
                user=user,
                kind=kind,
                subject=str(instance),
                field=field,
                old=old,
                new=new,
            )
            setattr(instance, field, new)
            changed.append(field)
    if changed:
        instance.save()
    return changed
