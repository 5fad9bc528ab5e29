"""The `issued` section: the issued versions of the report and the published versions of the
record of decision, which a full backup (`export_appraisal --all`) carries so that a restore
into an empty database keeps the decision and the report it was taken on.

Only the operator's backup writes it and only `import_appraisal` reads it: never a download,
which a partner council may make, nor the web import (an issued version is the council's
record of what members decided on: nobody may upload one). Defined in format.md ("Issued
versions"). Files travel as base64 with their SHA-256, which the import checks: a file that
does not match is refused with its path, and nothing is written. The database refuses to
change an issued version or a published record (migrations 0006, 0015), so a restore only
ever inserts: a version already held is left as it is, and refused if it is another file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from .. import limits
from ..models import Appraisal, Decision, ExemptAppendix, PublishedDecision, ReportVersion
from . import after_decision

SECTION = "issued"
_SHA256 = re.compile(r"[0-9a-f]{64}")


# Export ------------------------------------------------------------------------------------


def _file(data: bytes | memoryview | None, sha256: str | None = None) -> dict[str, str] | None:
    if data is None:
        return None
    data = bytes(data)
    return {
        "sha256": sha256 or hashlib.sha256(data).hexdigest(),
        "base64": base64.b64encode(data).decode("ascii"),
    }


def _person(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def export_section(a: Appraisal) -> dict[str, Any]:
    """The section for `a` ({} when nothing has been issued): one query for the versions
    (with their issuers and exempt appendices), and two more for a record of decision."""
    versions = list(
        ReportVersion.objects.filter(appraisal_id=a.pk)
        .select_related("issued_by", "exempt_appendix")
        .order_by("number")
    )
    if not versions:
        return {}
    section: dict[str, Any] = {
        "versions": [
            {
                "number": v.number,
                "issued_at": v.issued_at.isoformat(),
                "issued_by": _person(v.issued_by),
                "snapshot": v.snapshot,
                "html": v.html,
                # The stored SHA-256, so that a backup says what was issued, not what is held.
                "pdf": _file(v.pdf, v.sha256),
                "docx": _file(v.docx),
                "exempt_appendix": _appendix(v),
            }
            for v in versions
        ]
    }
    decision = after_decision.decision_of(a, related=("recorded_by",))
    if decision is not None:
        section["decision"] = {
            "recorded_by": _person(decision.recorded_by),
            "recorded_at": decision.recorded_at.isoformat(),
            "publications": [
                {
                    "number": p.number,
                    "published_at": p.published_at.isoformat(),
                    "published_by": _person(p.published_by),
                    "reason": p.reason,
                    "record": p.record,
                    "pdf": _file(p.pdf, p.sha256),
                }
                for p in decision.publications.select_related("published_by").order_by("number")
            ],
        }
    return section


def _appendix(version: ReportVersion) -> dict[str, str] | None:
    try:
        appendix = version.exempt_appendix
    except ExemptAppendix.DoesNotExist:
        return None
    return _file(appendix.pdf, appendix.sha256)


# Checking ----------------------------------------------------------------------------------


def _check_file(c, obj: Mapping[str, Any], key: str, path: str, *, required: bool) -> None:
    """`{"sha256": ..., "base64": ...}`: base64 of at most MAX_ISSUED_FILE_BYTES whose
    SHA-256 is the one given."""
    value = c.field(obj, key, "object", path, required=required, nullable=not required)
    if value is None:
        return
    where = f"{path}.{key}"
    sha256 = c.field(value, "sha256", "text", where, required=True, max_length=64)
    if sha256 is not None and not _SHA256.fullmatch(sha256):
        c.add(f"{where}.sha256", "must be a SHA-256: 64 characters, 0-9 and a-f")
        sha256 = None
    raw = value.get("base64")
    # Held to the file's limit below, in bytes, not to the limit for text.
    length = len(raw) if isinstance(raw, str) else None
    text = c.field(value, "base64", "text", where, required=True, max_length=length)
    if text is None:
        return
    # Measured before it is decoded: 3 bytes for every 4 characters, less the padding.
    size, most = len(text) // 4 * 3 - text[-2:].count("="), limits.MAX_ISSUED_FILE_BYTES
    if size > most:
        c.add(f"{where}.base64", f"the file is {_size(size)}; the largest allowed is {_size(most)}")
        return
    data = _decoded(text)
    if data is None:
        c.add(f"{where}.base64", "must be the file in base64 (A-Z, a-z, 0-9, + and /)")
    elif sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        c.add(
            where,
            f"the file's SHA-256 is {hashlib.sha256(data).hexdigest()}, not the {sha256} "
            "given: it was damaged or changed after the backup",
        )


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _decoded(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _check_person(c, obj: Mapping[str, Any], key: str, path: str) -> None:
    person = c.field(obj, key, "object", path, required=True, nullable=True)
    if person is None:
        return
    where = f"{path}.{key}"
    username = c.field(person, "username", "text", where, required=True, max_length=150)
    if username is not None and not username.strip():
        c.add(f"{where}.username", "must not be empty")
    c.field(person, "email", "text", where, max_length=254)
    c.field(person, "first_name", "text", where, max_length=150)
    c.field(person, "last_name", "text", where, max_length=150)


def _numbered(c, section: Mapping[str, Any], key: str, path: str) -> list[tuple[str, dict, int]]:
    """(path, item, number) for each item of a list numbered from 1, each number once."""
    values = c.field(section, key, "list", path, required=True) or []
    where = f"{path}.{key}"
    if not c.count_ok(values, limits.MAX_ISSUED_VERSIONS, "versions", where):
        return []
    found: dict[int, str] = {}
    items = []
    for i, item in enumerate(values):
        here = f"{where}[{i}]"
        if not c.type_ok(item, "object", here):
            continue
        number = c.field(item, "number", "number", here, required=True)
        if number is None:
            continue
        if not float(number).is_integer() or number < 1:
            c.add(f"{here}.number", "must be a whole number from 1")
        elif (n := int(number)) in found:
            c.add(f"{here}.number", f"version {n} is given already at {found[n]}")
        else:
            found[n] = here
            items.append((here, item, n))
    return items


def check_section(c, doc: Mapping[str, Any]) -> None:
    if SECTION not in doc:
        return
    section = c.field(doc, SECTION, "object", "")
    if section is None:
        return
    versions = _numbered(c, section, "versions", SECTION)
    for path, v, _ in versions:
        after_decision.check_moment(c, v, "issued_at", path, required=True)
        _check_person(c, v, "issued_by", path)
        c.field(v, "snapshot", "object", path, required=True)
        c.field(v, "html", "text", path, required=True, max_length=limits.MAX_ISSUED_FILE_BYTES)
        _check_file(c, v, "pdf", path, required=True)
        _check_file(c, v, "docx", path, required=False)
        _check_file(c, v, "exempt_appendix", path, required=False)
    after = doc.get(after_decision.SECTION)
    decision = after.get("decision") if isinstance(after, dict) else None
    number = decision.get("report_version") if isinstance(decision, dict) else None
    if isinstance(number, int) and number not in {n for _, _, n in versions}:
        c.add(
            f"{after_decision.SECTION}.decision.report_version",
            f"version {number} is not among the issued versions ({SECTION}.versions)",
        )
    record = c.field(section, "decision", "object", SECTION)
    if record is None:
        return
    path = f"{SECTION}.decision"
    if not isinstance(decision, dict):
        c.add(path, f"there is no record of decision ({after_decision.SECTION}.decision)")
    _check_person(c, record, "recorded_by", path)
    after_decision.check_moment(c, record, "recorded_at", path, required=True)
    for here, p, _ in _numbered(c, record, "publications", path):
        after_decision.check_moment(c, p, "published_at", here, required=True)
        _check_person(c, p, "published_by", here)
        c.field(p, "reason", "text", here)
        c.field(p, "record", "object", here, required=True)
        _check_file(c, p, "pdf", here, required=True)


# Importing ---------------------------------------------------------------------------------


def _bytes(file: Mapping[str, str] | None) -> bytes | None:
    return None if file is None else base64.b64decode(file["base64"], validate=True)


def _people(section: Mapping[str, Any]):
    """{username in the document: user} for everyone the section names. Found by user name,
    else by e-mail address (when one account has it); someone this installation does not
    know is added as an inactive account with no password or council, as the declarations
    of interest are (after_decision.py), keeping their name and address."""
    decision = section.get("decision") or {}
    named = [v.get("issued_by") for v in section.get("versions", [])]
    named += [decision.get("recorded_by")]
    named += [p.get("published_by") for p in decision.get("publications", [])]
    wanted = {p["username"]: p for p in named if p}
    User = get_user_model()
    found = {u.get_username(): u for u in User.objects.filter(username__in=wanted)}
    for username, person in sorted(wanted.items()):
        if username in found:
            continue
        email = (person.get("email") or "").strip()
        same = list(User.objects.filter(email__iexact=email)[:2]) if email else []
        if len(same) == 1:
            found[username] = same[0]
            continue
        user = User(
            username=username,
            email=email,
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        found[username] = user
    return found


def _who(people, person: Mapping[str, Any] | None):
    return None if person is None else people[person["username"]]


def import_versions(appraisal: Appraisal, doc: Mapping[str, Any]) -> dict:
    """Insert the issued versions the appraisal does not hold yet, with their exempt
    appendices; returns the people the section names, for `import_publications`. A version
    held already stays as it is; one held as another file refuses the document."""
    from .validation import InvalidDocument, Problem  # (validation imports the exporter)

    section = doc.get(SECTION)
    if not section:
        return {}
    people = _people(section)
    held = dict(appraisal.report_versions.values_list("number", "sha256"))
    for i, v in enumerate(section["versions"]):
        number = int(v["number"])
        if number in held:
            if held[number] != v["pdf"]["sha256"]:
                raise InvalidDocument(
                    [
                        Problem(
                            f"{SECTION}.versions[{i}].pdf",
                            f"version {number} of this appraisal's report was issued here as "
                            f"another file (SHA-256 {held[number]}); an issued version is "
                            "never replaced",
                        )
                    ]
                )
            continue
        version = ReportVersion.objects.create(
            appraisal=appraisal,
            number=number,
            issued_at=parse_datetime(v["issued_at"]),
            issued_by=_who(people, v.get("issued_by")),
            snapshot=v["snapshot"],
            pdf=_bytes(v["pdf"]),
            sha256=v["pdf"]["sha256"],
            html=v["html"],
            docx=_bytes(v.get("docx")),
        )
        if v.get("exempt_appendix"):
            ExemptAppendix.objects.create(
                report_version=version,
                pdf=_bytes(v["exempt_appendix"]),
                sha256=v["exempt_appendix"]["sha256"],
            )
    return people


def recorded(doc: Mapping[str, Any], people) -> dict[str, Any]:
    """Who entered the record of decision and when, for a decision this import creates."""
    record = (doc.get(SECTION) or {}).get("decision")
    if not record:
        return {}
    return {
        "recorded_by": _who(people, record.get("recorded_by")),
        "recorded_at": parse_datetime(record["recorded_at"]),
    }


def import_publications(decision: Decision, doc: Mapping[str, Any], people) -> None:
    """The published versions of a record of decision this import created, as published."""
    record = (doc.get(SECTION) or {}).get("decision") or {}
    for p in record.get("publications", []):
        PublishedDecision.objects.create(
            decision=decision,
            number=int(p["number"]),
            published_at=parse_datetime(p["published_at"]),
            published_by=_who(people, p.get("published_by")),
            reason=p.get("reason", ""),
            record=p["record"],
            pdf=_bytes(p["pdf"]),
            sha256=p["pdf"]["sha256"],
        )
