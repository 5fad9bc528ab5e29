"""The edit views' one skeleton (load, form, action, message, redirect) and the stale-save
check it gives every edit form.

An edit form carries a stamp of what the user loaded: the newest row of the audit trail at
the time, and a short digest of each field's value as the form showed it. On saving, `edit`
locks the appraisal's row, rebuilds the form from what is stored now and compares the two.
If anything moved on, the save is refused inside that same transaction, so nothing is
written and no history is recorded. The form comes back with the user's own input, and the
error summary names each changed value, with who changed it and when. A fresh stamp lets
saving again replace their values knowingly. Scores keep their own per-cell version
(`actions.save_score`), because a grid saves cell by cell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from django import forms
from django.db import transaction
from django.forms.utils import pretty_name
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, lazy

from ..history import changes_since, history_mark, person_name
from ..models import Appraisal, Change

DIGEST = 8  # hex digits (32 bits) a field: a change goes unseen once in 4 billion
SHOWN_CHANGES = 20  # changed values named one by one in the error summary; then a count
LONGEST_VALUE = 100  # characters of a changed value quoted back


def edit(
    request: HttpRequest,
    appraisal: Appraisal,
    *,
    build: Callable[[QueryDict | None], forms.BaseForm],
    save: Callable[[forms.BaseForm], object],
    kinds: Sequence[str],
    subjects: Sequence[str] = (),
    loaded_from: Callable[[], forms.BaseForm] | None = None,
) -> forms.BaseForm:
    """Show or save an edit form: `form.saved` is true once saved, for the caller to say so
    and redirect; otherwise the form is to be shown.

    `build(None)` makes the form as it stands from what is stored (it is called again after
    the lock, when `appraisal` has been read afresh: anything else it must read again
    itself), `build(request.POST)` the bound form;
    `save(form)` applies a valid one through an action. `kinds` and `subjects` name the
    audit trail's rows to attribute a change to (`history.changes_since`). `loaded_from`
    builds the form the stamp describes when it is not the one posted (a form that fills
    another's values in).
    """
    shown = loaded_from or (lambda: build(None))
    if request.method != "POST":
        form = build(None)
        # Worked out only if the page shows the form (members see these pages without it).
        form.stamp = lazy(stamp, str)(appraisal, form if loaded_from is None else shown())
        form.saved = False
        return form
    form = build(request.POST)
    form.stamp = request.POST.get("loaded", "")
    form.saved = False
    if not form.is_valid():
        # Say so now if the form is out of date too, rather than after the user has put
        # right what they typed; otherwise keep what they loaded, to check the next save.
        now = shown()
        changed = stale_fields(form.stamp, now)
        if changed is not None:
            fresh = stamp(appraisal, now)
            refuse(form, appraisal, now, changed, kinds=kinds, subjects=subjects)
            form.stamp = fresh
        return form
    with transaction.atomic():
        # Every edit of one appraisal waits here for the one before it to commit, so the
        # comparison below sees the newest values and nothing can slip in before the write.
        list(Appraisal.objects.select_for_update().filter(pk=appraisal.pk).values("pk"))
        appraisal.refresh_from_db()
        now = shown()
        changed = stale_fields(form.stamp, now)
        if changed is None:
            save(form)
            form.saved = True
            return form
        fresh = stamp(appraisal, now)
    refuse(form, appraisal, now, changed, kinds=kinds, subjects=subjects)
    form.stamp = fresh
    return form


def stamp(appraisal: Appraisal, form: forms.BaseForm, *, mark: int | None = None) -> str:
    """`mark:digests`, what the form carries in its hidden `loaded` field (`mark`: the
    newest history row, if already known, for a page of many forms)."""
    mark = history_mark(appraisal) if mark is None else mark
    return stamp_at(mark, form)


def stamp_at(mark: int, form: forms.BaseForm) -> str:
    """The stamp of a form against any audit trail's newest row `mark` (a council's too)."""
    return f"{mark}:{''.join(_digests(form))}"


def stale_fields(loaded: str, form: forms.BaseForm) -> list[str] | None:
    """None if `form` (built from what is stored now) shows what the stamp `loaded`
    describes; else the names of its fields whose values are new (empty when fields were
    only removed, or when the stamp cannot be read). A form posted without a stamp (a
    script that never loaded the page) is not checked."""
    if not loaded:
        return None
    mark, _, digests = loaded.partition(":")
    if not mark.isdigit() or len(digests) % DIGEST:
        return []
    had = [digests[i : i + DIGEST] for i in range(0, len(digests), DIGEST)]
    seen = set(had)
    now = _digests(form)
    changed = [name for name, d in zip(form.fields, now, strict=True) if d not in seen]
    return None if not changed and len(had) == len(now) else changed


def refuse(
    form: forms.BaseForm,
    appraisal: Appraisal,
    now: forms.BaseForm,
    changed: list[str],
    *,
    kinds: Sequence[str],
    subjects: Sequence[str] = (),
) -> None:
    """Put the refusal on `form`: a headline naming who changed what and when, then each
    changed value as it is now, against its field; `form.conflict` tells the template."""
    rows = changes_since(appraisal, stamp_mark(form.stamp), kinds=kinds, subjects=subjects)
    refuse_after(form, rows, now, changed)


def stamp_mark(loaded: str) -> int:
    """The audit trail's newest row when the form was loaded (0 if the stamp is unreadable)."""
    mark = loaded.partition(":")[0]
    return int(mark) if mark.isdigit() else 0


def refuse_after(
    form: forms.BaseForm, rows: Sequence, now: forms.BaseForm, changed: list[str]
) -> None:
    """`refuse`, given the audit trail's rows since the form was loaded (rows of any trail
    with `user`, `kind` and `at`, so a council's edit forms share the same refusal)."""
    for name, message in refusal_lines(rows, now, changed):
        # A value the page shows as text, not as a field, is named at the top instead.
        shown_as_field = name in form.fields and not form.fields[name].disabled
        form.add_error(name if shown_as_field else None, message)
    form.conflict = True


def refusal_lines(
    rows: Sequence, now: forms.BaseForm, changed: list[str]
) -> list[tuple[str | None, str]]:
    """The refusal as (field name or None, message): the headline naming who changed what
    and when (from `rows`), then each changed value as it is now (in `now`)."""
    lines: list[tuple[str | None, str]] = [(None, _headline(rows))]
    for name in changed[:SHOWN_CHANGES]:
        lines.append((name, f"{_label(now, name)}: {_now_reads(now, name)}"))
    if len(changed) > SHOWN_CHANGES:
        more = len(changed) - SHOWN_CHANGES
        lines.append((None, f"{more:,} more value{'s' if more != 1 else ''} changed too"))
    return lines


def _headline(rows: Sequence[Change]) -> str:
    names = list(dict.fromkeys(person_name(r.user) for r in rows if r.user is not None))
    if any(r.kind == "import" for r in rows):
        names.append("an import")
    who = (
        "Someone else"
        if not names
        else names[0]
        if len(names) == 1
        else f"{', '.join(names[:-1])} and {names[-1]}"
    )
    who = who[:1].upper() + who[1:]
    when = ""
    if rows:
        at = timezone.localtime(rows[-1].at)
        when = f" at {at:%H:%M} on {at.day} {at:%B %Y}"
    return f"{who} changed this{when}, after you opened the page. Your changes have not been saved"


def _value_text(field: forms.Field, value: object) -> str:
    """A field's value as the form shows it, one way for any field (for the digests)."""
    value = field.prepare_value(value)
    if isinstance(value, list | tuple | set):
        return "\x1f".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


def _digests(form: forms.BaseForm) -> list[str]:
    return [
        hashlib.sha256(
            f"{name}\x00{_value_text(field, form.get_initial_for_field(field, name))}".encode()
        ).hexdigest()[:DIGEST]
        for name, field in form.fields.items()
    ]


def _label(form: forms.BaseForm, name: str) -> str:
    label = str(form.fields[name].label or pretty_name(name)).removesuffix(" (optional)")
    return label.rstrip("?:").strip()


def _now_reads(form: forms.BaseForm, name: str) -> str:
    """What the value now is, as people read it: choices by their labels, yes or no."""
    field = form.fields[name]
    value = form.get_initial_for_field(field, name)
    if isinstance(field, forms.BooleanField):
        return "changed to yes" if value else "changed to no"
    prepared = field.prepare_value(value)
    values = list(prepared) if isinstance(prepared, list | tuple | set) else [prepared]
    values = [v for v in values if v not in (None, "")]
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        values = [labels.get(str(v), str(v)) for v in values]
    text = ", ".join(str(v) for v in values)
    if not text:
        return "cleared"
    if len(text) > LONGEST_VALUE:
        text = text[:LONGEST_VALUE].rstrip() + "…"
    return f"changed to “{text}”"


def click(
    request: HttpRequest,
    appraisal: Appraisal,
    *,
    shown: Callable[[], forms.BaseForm],
    act: Callable[[], object],
    kinds: Sequence[str],
    subjects: Sequence[str] = (),
) -> list[str] | None:
    """The stale-save check of a one-click button (remove, mark as baseline, recommend,
    show members): `act()` unless what the button's page showed has changed since.

    The button's form carries the stamp (`loaded`) of `shown()`, a form of the values the
    page showed (`state_form`, or the page's own edit form), and `shown()` builds it again
    from what is stored now, after the appraisal's row is locked, as `edit` does. Returns
    None once `act()` has run; otherwise nothing was written, and the refusal's lines (who
    changed what and when, then each value as it is now) are returned for the page to show.
    """
    loaded = request.POST.get("loaded", "")
    with transaction.atomic():
        list(Appraisal.objects.select_for_update().filter(pk=appraisal.pk).values("pk"))
        appraisal.refresh_from_db()
        now = shown()
        changed = stale_fields(loaded, now)
        if changed is None:
            act()
            return None
    rows = changes_since(appraisal, stamp_mark(loaded), kinds=kinds, subjects=subjects)
    return [message for _, message in refusal_lines(rows, now, changed)]


def state_form(values: dict[str, tuple[str, object]]) -> forms.Form:
    """A form of the values a page of one-click buttons shows, `{name: (label, value)}`,
    for `stamp` and `click` to compare (it is never shown)."""
    form = forms.Form(initial={name: value for name, (_, value) in values.items()})
    for name, (label, _) in values.items():
        form.fields[name] = forms.CharField(label=label, required=False)
    return form


def stamped(appraisal: Appraisal, form: forms.BaseForm) -> forms.BaseForm:
    """`form` with its `stamp`, for `_loaded.html` in one-click buttons' forms: worked out
    only if the page shows one, and once however many it shows."""
    form.stamp = SimpleLazyObject(lambda: stamp(appraisal, form))
    return form
