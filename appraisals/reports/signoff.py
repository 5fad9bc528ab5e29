"""Statutory sign-off in the report: the chief finance officer (s.151) agrees the financial
implications and the monitoring officer the legal ones.

What an officer agrees is the section as it prints, the officer's text and what is added
from the appraisal (the financial case's table, the powers relied on), flattened to plain
text (`signed_text`); its SHA-256 is kept with the agreement. Any later change to what the
section prints gives another fingerprint, so the agreement no longer applies (`applies`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from .formatting import _date
from .structure import Para, Section, Subheading, Table, WarningText

# The sections signed off, and who signs each: (section key, the council's field, the role).
SIGNED = (
    ("financial", "chief_finance_officer", "Chief Finance Officer"),
    ("legal", "monitoring_officer", "Monitoring Officer"),
)
ROLE = {key: role for key, _, role in SIGNED}
WHAT = {"financial": "financial implications", "legal": "legal implications"}
_TABLE_PREFIX = re.compile(r"^Table [A-Z]?\d+: ")


@dataclass(frozen=True)
class Agreement:
    """One officer's agreement of one section, as kept."""

    section: str
    name: str
    role: str
    signed_at: dt.datetime
    sha256: str


@dataclass(frozen=True)
class SignOffs:
    """What the report prints about sign-off: the council's rule, the officers it names
    (section → name), and the latest agreement of each section."""

    required: bool = False
    officers: Mapping[str, str] = field(default_factory=dict)
    agreements: Mapping[str, Agreement] = field(default_factory=dict)

    def as_key(self) -> dict:
        """For the draft's cache key: everything the printed lines depend on."""
        return {
            "required": self.required,
            "officers": dict(self.officers),
            "agreements": {
                k: [a.name, a.role, a.signed_at.isoformat(), a.sha256]
                for k, a in self.agreements.items()
            },
        }


def signed_text(section: Section) -> str:
    """The section as plain text, one block a line: paragraphs with their lists, headings,
    warnings, tables (caption, columns, rows) and charts (title). Paragraph and table numbers
    are left out: they follow from the sections before, not from what is agreed."""
    lines: list[str] = []
    for block in section.blocks:
        if isinstance(block, Para):
            for part in block.parts:
                lines.extend(part.lines)
                lines.extend(f"- {item}" for item in part.items)
        elif isinstance(block, Table):
            lines.append(_TABLE_PREFIX.sub("", block.caption))
            lines.append(" | ".join(c.label for c in block.columns))
            lines.extend(
                " | ".join([row.header, *(c.text for c in row.cells)]) for row in block.rows
            )
        elif isinstance(block, Subheading | WarningText):
            lines.append(block.text)
        elif getattr(block, "kind", "") == "chart":
            lines.append(f"Chart: {block.chart.title}")
    return "\n".join(lines)


def fingerprint_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def applies(agreement: Agreement | None, section: Section) -> bool:
    return agreement is not None and agreement.sha256 == fingerprint_of(signed_text(section))


def agreed_sentence(agreement: Agreement) -> str:
    """ "Financial implications agreed by Jane Smith, Chief Finance Officer, on 3 March 2026." """
    when = _date(timezone.localdate(agreement.signed_at))
    what = WHAT[agreement.section]
    return f"{what[0].upper()}{what[1:]} agreed by {agreement.name}, {agreement.role}, on {when}."


def add_sign_offs(sections: Iterable[Section], sign_offs: SignOffs, *, draft: bool) -> None:
    """Each signed section ends with who agreed it. A draft says, in a warning, where an
    agreement is still needed or no longer applies; an issued report says only what holds."""
    for section in sections:
        if section.key not in ROLE:
            continue
        agreement = sign_offs.agreements.get(section.key)
        holds = applies(agreement, section)
        role = ROLE[section.key]
        if holds:
            section.para(agreed_sentence(agreement))
        elif not draft:
            continue
        elif agreement is not None:
            section.add(
                WarningText(
                    f"The {role}'s agreement of "
                    f"{_date(timezone.localdate(agreement.signed_at))} no longer applies: this "
                    f"section changed after {agreement.name} agreed it."
                )
            )
        elif sign_offs.required:
            named = sign_offs.officers.get(section.key)
            section.add(
                WarningText(f"Not yet agreed by the {role}" + (f" ({named})." if named else "."))
            )


def sign_offs_for(appraisal) -> SignOffs:
    """The lead council's rule and officers, and the latest agreement of each section (two
    queries)."""
    from ..history import person_name
    from ..models import Authority, SignOff

    council = Authority.objects.select_related("chief_finance_officer", "monitoring_officer").get(
        pk=appraisal.lead_authority_id
    )
    officers = {
        key: person_name(user)
        for key, attribute, _ in SIGNED
        if (user := getattr(council, attribute)) is not None
    }
    agreements: dict[str, Agreement] = {}
    rows = (
        SignOff.objects.filter(appraisal_id=appraisal.pk)
        .order_by("section", "-signed_at", "-pk")
        .values_list("section", "name", "role", "signed_at", "sha256")
    )
    for section, name, role, signed_at, sha256 in rows:
        agreements.setdefault(section, Agreement(section, name, role, signed_at, sha256))
    return SignOffs(council.sign_off_required, officers, agreements)
