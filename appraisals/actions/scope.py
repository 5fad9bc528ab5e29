"""Creating an appraisal and changing its scope. Kind recorded: appraisal."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from ..history import _set_related, record_change, unique_key, update_fields
from ..models import Appraisal, Authority, Service
from .bodies import add_partner_body

# Path segments under /appraisals/ that are pages, not appraisals.
RESERVED_REFERENCES = ("new", "import")


@transaction.atomic
def create_appraisal(
    *,
    user,
    lead_authority: Authority,
    title: str,
    reference: str = "",
    fields: dict | None = None,
    partners: Iterable[Authority] = (),
    services: Iterable[Service] = (),
    new_partner: dict | None = None,
) -> Appraisal:
    """`new_partner`: the name and kind of a body not listed yet (`add_partner_body`'s
    arguments), added and named as a partner (BodyExists, and nothing written, if it is
    listed after all)."""
    body = add_partner_body(**new_partner) if new_partner else None
    taken = Appraisal.objects.filter(reference__startswith=slugify(reference or title)[:44])
    reserved = {*taken.values_list("reference", flat=True), *RESERVED_REFERENCES}
    reference = reference or unique_key(title, reserved, "appraisal")
    appraisal = Appraisal.objects.create(
        reference=reference,
        title=title,
        lead_authority=lead_authority,
        created_by=user if user.is_authenticated else None,
        **(fields or {}),
    )
    appraisal.partners.set([*partners, *([body] if body else [])])
    appraisal.services.set(services)
    record_change(
        appraisal=appraisal, user=user, kind="appraisal", subject=title, field="created", new=title
    )
    if body:
        _record_new_body(appraisal=appraisal, user=user, body=body)
    return appraisal


def _record_new_body(*, appraisal: Appraisal, user, body: Authority) -> None:
    record_change(
        appraisal=appraisal,
        user=user,
        kind="appraisal",
        subject=appraisal.title,
        field="partner body added to the list",
        new=f"{body.name} ({body.get_kind_display()})",
    )


@transaction.atomic
def update_scope(
    *,
    appraisal: Appraisal,
    user,
    changes: dict,
    partners: Iterable[Authority],
    services: Iterable[Service],
    new_partner: dict | None = None,
) -> None:
    """`new_partner` as for `create_appraisal`."""
    body = add_partner_body(**new_partner) if new_partner else None
    if body:
        _record_new_body(appraisal=appraisal, user=user, body=body)
        partners = [*partners, body]
    update_fields(
        instance=appraisal, user=user, appraisal=appraisal, kind="appraisal", changes=changes
    )
    for field, new in (("partners", partners), ("services", services)):
        _set_related(
            appraisal=appraisal,
            user=user,
            instance=appraisal,
            field=field,
            kind="appraisal",
            new=new,
        )
    drop_stranded_panel_members(appraisal=appraisal, user=user)


def drop_stranded_panel_members(*, appraisal: Appraisal, user) -> None:
    """A partner taken off the appraisal takes its people off the panels: nobody sits on a
    panel of an appraisal they can no longer see (the panel keeps the scores they gave).
    Also after someone is removed from a council (councils.actions.remove_membership)."""
    councils = [appraisal.lead_authority_id, *appraisal.partners.values_list("pk", flat=True)]
    for panel in appraisal.panels.exclude(members__isnull=True):
        kept = panel.members.filter(memberships__authority__in=councils).distinct()
        _set_related(
            appraisal=appraisal, user=user, instance=panel, field="members", kind="panel", new=kept
        )
