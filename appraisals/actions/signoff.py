"""Statutory sign-off: the council names its chief finance officer (s.151) and monitoring
officer, and they agree the financial and legal implications of a report. Kind recorded:
report (the agreement, in the appraisal's history)."""

from __future__ import annotations

from django.db import transaction

from ..history import Conflict, person_name, record_change
from ..models import Appraisal, Authority, Membership, SignOff


class NotTheOfficer(Exception):
    """Only the officer the council names for a section may agree it."""


def statutory_candidates(authority: Authority):
    """The council's officers and administrators: those who may be named (its councillors
    may not)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__authority=authority,
            memberships__role__in=[Membership.Role.OFFICER, Membership.Role.ADMINISTRATOR],
        )
        .order_by("first_name", "last_name", "username")
    )


STATUTORY_FIELDS = {
    "chief_finance_officer": "Chief finance officer (section 151 officer)",
    "monitoring_officer": "Monitoring officer",
    "sign_off_required": "Reports wait for the statutory officers' agreement",
}


def _said(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else person_name(value)


@transaction.atomic
def set_statutory_officers(
    *,
    authority: Authority,
    user,
    chief_finance_officer,
    monitoring_officer,
    sign_off_required: bool,
) -> list[str]:
    """Name the council's statutory officers and whether its reports wait for them, each
    change in the council's history; returns the fields that changed."""
    from councils.actions import record
    from councils.models import CouncilChange

    locked = (
        # Lock the council's row only: PostgreSQL locks no nullable side of an outer join.
        Authority.objects.select_for_update(of=("self",))
        .select_related("chief_finance_officer", "monitoring_officer")
        .get(pk=authority.pk)
    )
    changes = {
        "chief_finance_officer": chief_finance_officer,
        "monitoring_officer": monitoring_officer,
        "sign_off_required": sign_off_required,
    }
    changed = [f for f, v in changes.items() if getattr(locked, f) != v]
    for field in changed:
        record(
            authority=locked,
            user=user,
            kind=CouncilChange.Kind.ROLE,
            subject=STATUTORY_FIELDS[field],
            field=field,
            old=_said(getattr(locked, field)),
            new=_said(changes[field]),
        )
        setattr(locked, field, changes[field])
    if changed:
        locked.save(update_fields=changed)
    for field in changes:
        setattr(authority, field, getattr(locked, field))
    return changed


@transaction.atomic
def agree_section(*, appraisal: Appraisal, user, section: str, fingerprint: str) -> SignOff:
    """The named officer agrees `section` ("financial" or "legal") as it prints now, which
    they read as `fingerprint`. Refuses (`NotTheOfficer`) anyone else, and (`Conflict`) a
    section that changed since they read it: they agree only what they saw."""
    from .. import reports
    from ..reports.signoff import ROLE, SIGNED, fingerprint_of, signed_text
    from ..results import evaluate

    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    council = Authority.objects.get(pk=locked.lead_authority_id)
    attribute = next((a for key, a, _ in SIGNED if key == section), None)
    if attribute is None or getattr(council, f"{attribute}_id") != user.pk:
        raise NotTheOfficer()
    built = next(s for s in reports.build_report(evaluate(locked)).sections if s.key == section)
    text = signed_text(built)
    current = fingerprint_of(text)
    if current != fingerprint:
        raise Conflict(
            "The section changed after you opened this page. Read it again before you agree it.",
            current=current,
        )
    agreement = SignOff.objects.create(
        appraisal=locked,
        section=section,
        signed_by=user,
        name=person_name(user),
        role=ROLE[section],
        sha256=current,
        text=text,
    )
    record_change(
        appraisal=locked,
        user=user,
        kind="report",
        subject=agreement.get_section_display(),
        field="agreed",
        new=f"Agreed by {agreement.name}, {agreement.role} (SHA-256 {current})",
    )
    return agreement
