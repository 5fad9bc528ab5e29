"""Find stored keys and references that are not whole slugs, and with --fix repair them.

Before the interchange validator matched keys whole, a document could store a reference or a
key with a trailing newline ("hello\\n"). No URL can be reversed from such a value, so the home
page of every council that can see the appraisal answered 500, and the appraisal could not be
reached or removed. This command finds such rows; --fix gives each a valid key (the old one
with the bad characters dropped, made unique where it must be) and records the change in the
appraisal's history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from appraisals.history import record_change, unique_key
from appraisals.models import (
    Appraisal,
    CriteriaSet,
    Criterion,
    DeliveryModel,
    LibraryCriterion,
    Option,
    Panel,
)

# The same rule as Django's slug validator and our URL converters, matched whole.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@dataclass(frozen=True)
class KeyField:
    model: type[models.Model]
    field: str
    scope: str | None  # the field within which the key is unique; None: unique site-wide
    appraisal: str | None  # the path to the row's appraisal, for its history; None: no history


KEY_FIELDS = (
    KeyField(Appraisal, "reference", None, "self"),
    KeyField(Option, "key", "appraisal_id", "appraisal"),
    KeyField(Criterion, "key", "appraisal_id", "appraisal"),
    KeyField(Panel, "key", "appraisal_id", "appraisal"),
    KeyField(DeliveryModel, "key", None, None),
    KeyField(CriteriaSet, "key", None, None),
    KeyField(LibraryCriterion, "key", "criteria_set_id", None),
)


@dataclass(frozen=True)
class BadKey:
    key_field: KeyField
    pk: int
    value: str

    def __str__(self) -> str:
        model = self.key_field.model._meta.verbose_name
        return f"{model} {self.pk}: {self.key_field.field} {self.value!r} is not a valid key"


def find_bad_keys() -> list[BadKey]:
    """Every stored key or reference that is not wholly letters, digits, hyphens, underscores."""
    bad = []
    for kf in KEY_FIELDS:
        # Only the key column is read, a row at a time: bounded memory on any table size.
        for pk, value in kf.model.objects.values_list("pk", kf.field).iterator():
            if not SLUG.fullmatch(value or ""):
                bad.append(BadKey(kf, pk, value))
    return bad


@transaction.atomic
def fix_bad_keys(bad: list[BadKey]) -> list[tuple[BadKey, str]]:
    """Give each bad row a valid key, unique in its scope, recording it in the history."""
    fixed = []
    for item in bad:
        kf = item.key_field
        row = kf.model.objects.select_for_update().get(pk=item.pk)
        siblings = kf.model.objects.exclude(pk=row.pk)
        if kf.scope:
            siblings = siblings.filter(**{kf.scope: getattr(row, kf.scope)})
        taken = set(siblings.values_list(kf.field, flat=True))
        new = unique_key(item.value, taken, fallback=kf.field)
        setattr(row, kf.field, new)
        row.save(update_fields=[kf.field])
        if kf.appraisal:
            appraisal = row if kf.appraisal == "self" else getattr(row, kf.appraisal)
            record_change(
                appraisal=appraisal,
                user=None,
                kind="key",
                subject=str(row),
                field=kf.field,
                old=repr(item.value),
                new=new,
            )
        fixed.append((item, new))
    return fixed


class Command(BaseCommand):
    help = (
        "List stored keys and references that are not valid keys (letters, digits, hyphens "
        "and underscores, such as one ending in a newline); exit 1 if there are any. With "
        "--fix, repair them in one transaction and record each in the appraisal's history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Repair the keys found.")

    def handle(self, *args: Any, **options: Any) -> None:
        bad = find_bad_keys()
        if not bad:
            self.stdout.write("Every stored key and reference is valid.")
            return
        if not options["fix"]:
            for item in bad:
                self.stdout.write(str(item))
            raise CommandError(f"{len(bad)} invalid keys found: run check_keys --fix to repair.")
        for item, new in fix_bad_keys(bad):
            self.stdout.write(f"{item}: now {new!r}")
        self.stdout.write(f"Repaired {len(bad)} keys.")
