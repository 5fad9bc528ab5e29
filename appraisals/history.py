"""The audit trail every write keeps, and the small helpers the writes share.

`record_change` adds one `Change` row; `update_fields` applies and records field changes;
`Conflict` is raised when a value changed under the user (optimistic locking), and
`history_mark` / `changes_since` find who made the changes a refused save ran into. Also: the
text of a recorded value, unique keys, and many-to-many sets recorded as names.

This module sits below actions, interchange, reports and results: it imports only the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.text import slugify

from .models import Appraisal, Change


class Conflict(Exception):
    """The value changed under the user since they loaded it; nothing was written."""

    def __init__(self, message: str, *, current: object = None) -> None:
        super().__init__(message)
        self.current = current


def history_mark(appraisal: Appraisal) -> int:
    """The newest row of the appraisal's audit trail (0 if none): an edit form carries it, so
    a refused save can show what was recorded after the page was opened."""
    newest = Change.objects.filter(appraisal=appraisal).order_by("-pk").values("pk").first()
    return newest["pk"] if newest else 0


def changes_since(
    appraisal: Appraisal, mark: int, *, kinds: Iterable[str], subjects: Iterable[str] = ()
) -> list[Change]:
    """What the audit trail recorded after `mark` of these kinds, imports included; of the
    named subjects only, when any row names one (a renamed thing keeps its old name in the
    rows before the rename, so otherwise every row of the kinds is shown)."""
    rows = list(
        Change.objects.filter(appraisal=appraisal, pk__gt=mark, kind__in=[*kinds, "import"])
        .select_related("user")
        .order_by("pk")[:500]
    )
    subjects = set(subjects)
    named = [r for r in rows if r.subject in subjects or r.kind == "import"]
    return named if subjects and any(r.kind != "import" for r in named) else rows


def person_name(user) -> str:
    """A person as pages name them: their full name, else their username."""
    return user.get_full_name() or user.get_username()


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
        # Only the changed columns: the rest of a row loaded earlier may be out of date, and
        # writing it back would undo what another form saved meanwhile.
        names = {f.name for f in instance._meta.concrete_fields}
        instance.save(update_fields=[*changed, *(["updated_at"] if "updated_at" in names else [])])
    return changed


def unique_key(name: str, taken: Iterable[str], fallback: str = "item") -> str:
    """A slug for `name` not among `taken` (adds -2, -3 … as needed)."""
    taken = set(taken)
    base = slugify(name)[:44].strip("-") or fallback
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"
        n += 1
    return key


def _names(items: Iterable[object]) -> str:
    return ", ".join(sorted(str(item) for item in items))


def _set_related(
    *, appraisal: Appraisal, user, instance, field: str, kind: str, new: Iterable
) -> None:
    """Replace a many-to-many set, recording old → new as names."""
    manager = getattr(instance, field)
    old = list(manager.all())
    new = list(new)
    if {o.pk for o in old} != {n.pk for n in new}:
        record_change(
            appraisal=appraisal,
            user=user,
            kind=kind,
            subject=str(instance),
            field=field,
            old=_names(old),
            new=_names(new),
        )
        manager.set(new)


def _matrix_text(matrix: Sequence[Sequence[float]] | None) -> str:
    if not matrix:
        return ""
    return "; ".join(" ".join(f"{x:.4g}" for x in row) for row in matrix)
