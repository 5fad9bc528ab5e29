"""Adding a public body (a council, an NHS trust, the police …) to the list, to name it as an
appraisal's partner. Kind recorded: appraisal (on the appraisal it was added for)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..bodies import identical_name, similar_bodies
from ..models import Authority


class BodyExists(Exception):
    """The name is a body already listed, written another way; nothing was added."""

    def __init__(self, existing: Authority) -> None:
        super().__init__(f"{existing.name} is already listed")
        self.existing = existing


@transaction.atomic
def add_partner_body(*, name: str, kind: str, different_from: Iterable[int] = ()) -> Authority:
    """A new body of this kind, with no facts yet: only its own administrators record them.
    Raises BodyExists if the name is one already listed (ignoring case, punctuation and
    "Council", "Borough" and the like), unless the officer has confirmed that the new body
    is a different one from those (`different_from`, their ids: "City of Durham Council"
    beside "Durham County Council"). A name listed letter for letter is never added again.
    The caller records it on the appraisal it names."""
    name = " ".join(name.split())
    confirmed = set(different_from)
    for existing in similar_bodies(name):
        if existing.pk not in confirmed or identical_name(existing.name, name):
            raise BodyExists(existing)
    return Authority.objects.create(name=name, kind=kind)
