"""Adding a public body (a council, an NHS trust, the police …) to the list, to name it as an
appraisal's partner. Kind recorded: appraisal (on the appraisal it was added for)."""

from __future__ import annotations

from django.db import transaction

from ..bodies import same_body
from ..models import Authority


class BodyExists(Exception):
    """The name is a body already listed, written another way; nothing was added."""

    def __init__(self, existing: Authority) -> None:
        super().__init__(f"{existing.name} is already listed")
        self.existing = existing


@transaction.atomic
def add_partner_body(*, name: str, kind: str) -> Authority:
    """A new body of this kind, with no facts yet: only its own administrators record them.
    Raises BodyExists if the name is one already listed (ignoring case, punctuation and
    "Council", "Borough" and the like). The caller records it on the appraisal it names."""
    name = " ".join(name.split())
    existing = same_body(name)
    if existing is not None:
        raise BodyExists(existing)
    return Authority.objects.create(name=name, kind=kind)
