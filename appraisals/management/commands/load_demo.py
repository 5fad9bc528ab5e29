"""Load the reference data and the demonstration appraisals; safe to run again.
With --reference-only, the reference data alone (before a restore from a backup).

Reference data (the delivery-model catalogue, criteria libraries, authorities) is brought in
line with fixtures/ row by row, writing only what differs. Each demo appraisal in
fixtures/demo/ is imported unless its reference exists; an existing one is left alone (if it
differs from the fixture, say so: `import_appraisal --replace` resets it). Demo users are
created once, with the password below. A second run changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import models, transaction

from appraisals.interchange import export_document, import_document
from appraisals.models import (
    Appraisal,
    Authority,
    CriteriaSet,
    DeliveryModel,
    LibraryCriterion,
    Membership,
    Panel,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "councilopts-demo"
HARBOROUGH = "Harborough District Council"
# (username, name, authority, role, staff and superuser); the names are made up.
DEMO_USERS = (
    ("officer", "Priya Shah", HARBOROUGH, Membership.Role.OFFICER, False),
    ("member", "Jo Ellis", HARBOROUGH, Membership.Role.MEMBER, False),
    ("admin", "Sam Turner", HARBOROUGH, Membership.Role.ADMINISTRATOR, True),
    (
        "officer.wellingborough",
        "Ruth Evans",
        "Borough Council of Wellingborough",
        Membership.Role.OFFICER,
        False,
    ),
    (
        "officer.stockton",
        "Ian Wood",
        "Stockton-on-Tees Borough Council",
        Membership.Role.OFFICER,
        False,
    ),
)
# Places at a second council, for switching between councils: the administrator also
# works for the county (Harborough stays first by name, so it is the one acted for first).
DEMO_SECOND_PLACES = (("admin", "Leicestershire County Council", Membership.Role.OFFICER),)
# Who sits on which panel: (username, appraisal, panel). The councillor scores with the
# Harborough councillors; Stockton's officer, of the partner council, in Stockton's panel.
PANEL_SEATS = (
    ("member", "hdc-future-options-2011", "councillors"),
    ("officer.stockton", "darlington-stockton-support-services", "stockton"),
)
# Savings targets the demos state as a percentage of the net revenue budget too (the
# interchange format carries the pounds): Wellingborough's £3 million was 25% of £12 million.
TARGET_PERCENT = {"wellingborough-asd": 25.0}
PLURALS = {"authority": "authorities", "library criterion": "library criteria"}


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def sync(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """Create the row, or update the fields that differ; (row, "created" | "updated" | None)."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
        return row, "updated"
    return row, None


class Command(BaseCommand):
    help = (
        "Load the delivery-model catalogue, criteria libraries, authorities, three demo "
        f"appraisals and demo users (password {DEMO_PASSWORD!r}). Running it again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reference-only",
            action="store_true",
            help=(
                "Load the reference data only (delivery models, criteria libraries, "
                "authorities), no demo appraisals or users: what an empty database needs "
                "before `import_appraisal` restores a backup."
            ),
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        self.counts: dict[str, int] = {}
        for item in _load("delivery_models.json"):
            key = item.pop("key")
            self.note("delivery model", key, sync(DeliveryModel, {"key": key}, item)[1])
        for item in _load("criteria_sets.json"):
            key, criteria = item.pop("key"), item.pop("criteria")
            criteria_set, state = sync(CriteriaSet, {"key": key}, item)
            self.note("criteria set", key, state)
            for order, criterion in enumerate(criteria):
                ckey = criterion.pop("key")
                _, state = sync(
                    LibraryCriterion,
                    {"criteria_set": criteria_set, "key": ckey},
                    {**criterion, "order": order},
                )
                self.note("library criterion", f"{key}/{ckey}", state)
        for item in _load("authorities.json"):
            name = item.pop("name")
            self.note("authority", name, sync(Authority, {"name": name}, item)[1])
        if not options.get("reference_only"):
            for path in sorted((FIXTURES / "demo").glob("*.json")):
                self.demo_appraisal(json.loads(path.read_text(encoding="utf-8")))
            self.demo_users()
        if self.counts:
            summary = ", ".join(f"{n} {what}" for what, n in self.counts.items())
            self.stdout.write(f"Done: {summary}.")
        else:
            self.stdout.write("Nothing to do: the demo data is loaded already.")

    def note(self, what: str, name: str, state: str | None) -> None:
        if state is None:
            return
        self.stdout.write(f"{state.capitalize()} {what}: {name}")
        label = f"{PLURALS.get(what, what + 's')} {state}"
        self.counts[label] = self.counts.get(label, 0) + 1

    def demo_appraisal(self, document: dict[str, Any]) -> None:
        reference = document["reference"]
        existing = Appraisal.objects.filter(reference=reference).first()
        if existing is None:
            report = import_document(document=document)
            if reference in TARGET_PERCENT:
                Appraisal.objects.filter(reference=reference).update(
                    savings_target_percent=TARGET_PERCENT[reference]
                )
            self.note("appraisal", reference, "created")
            for name in report.created_authorities:
                self.note("authority", name, "created")
            for name in report.created_services:
                self.note("service", name, "created")
        elif export_document(existing) != document:
            self.stdout.write(
                f"Left alone: appraisal {reference} has changed since it was loaded "
                "(import_appraisal --replace resets it)."
            )

    def demo_place(self, user, authority_name: str, role: str) -> None:
        authority = Authority.objects.get(name=authority_name)
        _, created = Membership.objects.get_or_create(
            user=user, authority=authority, defaults={"role": role}
        )
        if created:
            self.note("membership", f"{user.username} as {role} at {authority_name}", "created")

    def demo_users(self) -> None:
        User = get_user_model()
        for username, name, authority_name, role, superuser in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                first, last = name.split(" ", 1)
                user = User.objects.create_user(
                    username=username,
                    password=DEMO_PASSWORD,
                    first_name=first,
                    last_name=last,
                    # Made up, on a reserved domain: the demo prints e-mails to the console.
                    email=f"{username}@councilopts.example",
                    is_staff=superuser,
                    is_superuser=superuser,
                )
                self.note("user", f"{username} (password {DEMO_PASSWORD})", "created")
            self.demo_place(user, authority_name, role)
        for username, authority_name, role in DEMO_SECOND_PLACES:
            self.demo_place(User.objects.get(username=username), authority_name, role)
        for username, reference, key in PANEL_SEATS:
            panel = Panel.objects.filter(appraisal__reference=reference, key=key).first()
            person = User.objects.get(username=username)
            if panel is not None and not panel.members.filter(pk=person.pk).exists():
                panel.members.add(person)
                self.note("panel member", f"{username} in {reference}/{key}", "created")
