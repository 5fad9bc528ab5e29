"""The interchange document's optional `after_decision` section (this project's extension of
`councilopts.appraisal/1`, documented in format.md): declarations of interest with their
history, the record of decision, and the chosen option's milestones and actual figures.

Written only when the appraisal has any of them, so a document from before reads back, and
exports, the same. Imported with the rest of the document, all or nothing:
- milestones and actual years are replaced by the document's;
- declarations are matched to people by user name; a person this installation does not know
  is added as an inactive account without a password or any council (so a restore into an
  empty database keeps who declared what; nobody can sign in as them);
- the record of decision hangs on an issued version of the report: it is restored where
  that version exists, either held already (a replacing import on the same installation)
  or carried by the document's `issued` section (a full backup: issued.py), and otherwise
  left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from ..models import (
    ActualYear,
    Appraisal,
    Decision,
    DecisionRecommendation,
    Interest,
    Milestone,
    Option,
)

SECTION = "after_decision"
MAX_ROWS = 500


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_section(a: Appraisal, option_keys: Mapping[int, str]) -> dict[str, Any]:
    """The section for `a` ({} when there is nothing after the decision): three queries, and
    one more for the declarations' options and two for a decision when there are any."""
    section: dict[str, Any] = {}
    declarations = list(
        Interest.objects.filter(appraisal_id=a.pk).select_related("user").order_by("pk")
    )
    if declarations:
        index = {d.pk: i for i, d in enumerate(declarations)}
        chosen = {
            (row.interest_id, row.option_id)
            for row in Interest.options.through.objects.filter(interest__appraisal_id=a.pk)
        }
        section["declarations"] = [
            {
                "person": d.user.get_username(),
                "kind": d.kind,
                "options": [key for pk, key in option_keys.items() if (d.pk, pk) in chosen],
                "description": d.description,
                "declared_at": _iso(d.declared_at),
                "ended_at": _iso(d.ended_at),
                "end_reason": d.end_reason,
                "replaced_by": index.get(d.replaced_by_id),
            }
            for d in declarations
        ]
    decision = decision_of(a, related=("report_version",))
    if decision is not None:
        section["decision"] = {
            "report_version": decision.report_version.number,
            "maker": decision.maker,
            "maker_name": decision.maker_name,
            "decided_on": _iso(decision.decided_on),
            "minute_reference": decision.minute_reference,
            "reasons": decision.reasons,
            "alternatives_rejected": decision.alternatives_rejected,
            "interests_declared": decision.interests_declared,
            "chosen_option": decision.chosen_option,
            "published_on": _iso(decision.published_on),
            "call_in_deadline": _iso(decision.call_in_deadline),
            "call_in_status": decision.call_in_status,
            "recommendations": [
                {
                    "number": r.number,
                    "text": r.text,
                    "outcome": r.outcome,
                    "amended_text": r.amended_text,
                }
                for r in decision.recommendations.order_by("number")
            ],
        }
    milestones = list(Milestone.objects.filter(appraisal_id=a.pk).order_by("due_on", "order", "pk"))
    if milestones:
        section["milestones"] = [
            {
                "name": m.name,
                "due_on": _iso(m.due_on),
                "status": m.status,
                "completed_on": _iso(m.completed_on),
                "note": m.note,
            }
            for m in milestones
        ]
    actuals = list(ActualYear.objects.filter(appraisal_id=a.pk).order_by("year"))
    if actuals:
        section["actuals"] = [
            {
                "year": y.year,
                "costs": _number(y.costs),
                "savings": _number(y.savings),
                "note": y.note,
            }
            for y in actuals
        ]
    return section


def decision_of(a: Appraisal, *, related: tuple[str, ...] = ()) -> Decision | None:
    """The record of decision a document carries (one query), with `related` selected: that
    of an appraisal decided, being implemented or closed."""
    if a.status not in (
        Appraisal.Status.DECIDED,
        Appraisal.Status.IMPLEMENTING,
        Appraisal.Status.CLOSED,
    ):
        return None
    return Decision.objects.filter(appraisal_id=a.pk).select_related(*related).first()


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


# Checking --------------------------------------------------------------------------------


def _date(c, obj: Mapping[str, Any], key: str, path: str, *, required: bool) -> None:
    value = c.field(obj, key, "text", path, required=required, nullable=not required)
    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        c.add(f"{path}.{key}", f"must be an ISO date (2026-12-14), not {value!r}")


def check_moment(c, obj: Mapping[str, Any], key: str, path: str, *, required: bool) -> None:
    value = c.field(obj, key, "text", path, required=required, nullable=not required)
    if value is None:
        return
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        c.add(f"{path}.{key}", f"must be an ISO date and time with its offset, not {value!r}")


def _choice(c, obj: Mapping[str, Any], key: str, path: str, choices, *, required: bool = True):
    value = c.field(obj, key, "text", path, required=required)
    if value is not None and value not in choices:
        allowed = ", ".join(sorted(choices))
        c.add(f"{path}.{key}", f"must be one of {allowed}, not {value!r}")
    return value


def _rows(c, section: Mapping[str, Any], key: str) -> list[tuple[str, dict]]:
    path = f"{SECTION}.{key}"
    values = c.field(section, key, "list", SECTION) or []
    if not c.count_ok(values, MAX_ROWS, key, path):
        return []
    rows = []
    for i, row in enumerate(values):
        if c.type_ok(row, "object", f"{path}[{i}]"):
            rows.append((f"{path}[{i}]", row))
    return rows


def check_section(c, doc: Mapping[str, Any], options: Mapping[str, Any]) -> None:
    if SECTION not in doc:
        return
    section = c.field(doc, SECTION, "object", "")
    if section is None:
        return
    declarations = _rows(c, section, "declarations")
    for path, d in declarations:
        c.field(d, "person", "text", path, required=True, max_length=150)
        _choice(c, d, "kind", path, set(Interest.Kind.values))
        for j, key in enumerate(c.field(d, "options", "list", path) or []):
            c.reference(key, options, "option", f"{path}.options[{j}]")
        c.field(d, "description", "text", path)
        check_moment(c, d, "declared_at", path, required=True)
        check_moment(c, d, "ended_at", path, required=False)
        c.field(d, "end_reason", "text", path)
        if d.get("ended_at") and not (d.get("end_reason") or "").strip():
            c.add(f"{path}.end_reason", "a withdrawn or amended declaration needs its reason")
        replaced = d.get("replaced_by")
        if replaced is not None and (
            not isinstance(replaced, int)
            or isinstance(replaced, bool)
            or not 0 <= replaced < len(declarations)
            or f"{SECTION}.declarations[{replaced}]" == path
        ):
            c.add(f"{path}.replaced_by", "must be the place of another declaration in the list")
    decision = c.field(section, "decision", "object", SECTION)
    if decision is not None:
        path = f"{SECTION}.decision"
        version = c.field(decision, "report_version", "number", path, required=True)
        if version is not None and (not float(version).is_integer() or version < 1):
            c.add(f"{path}.report_version", "must be a whole number from 1")
        _choice(c, decision, "maker", path, set(Decision.Maker.values))
        c.field(decision, "maker_name", "text", path, required=True, max_length=200)
        _date(c, decision, "decided_on", path, required=True)
        c.field(decision, "minute_reference", "text", path, required=True, max_length=50)
        for key in ("reasons", "alternatives_rejected", "interests_declared"):
            c.field(decision, key, "text", path)
        chosen = c.field(decision, "chosen_option", "text", path)
        if chosen:
            c.reference(chosen, options, "option", f"{path}.chosen_option")
        _date(c, decision, "published_on", path, required=False)
        _date(c, decision, "call_in_deadline", path, required=False)
        _choice(c, decision, "call_in_status", path, set(Decision.CallIn.values))
        values = c.field(decision, "recommendations", "list", path) or []
        for i, r in enumerate(values):
            rpath = f"{path}.recommendations[{i}]"
            if not c.type_ok(r, "object", rpath):
                continue
            c.field(r, "number", "number", rpath, required=True)
            c.field(r, "text", "text", rpath, required=True)
            outcome = _choice(c, r, "outcome", rpath, set(DecisionRecommendation.Outcome.values))
            amended = c.field(r, "amended_text", "text", rpath) or ""
            if outcome == "amended" and not amended.strip():
                c.add(f"{rpath}.amended_text", "an amended recommendation needs its new text")
    for path, m in _rows(c, section, "milestones"):
        c.field(m, "name", "text", path, required=True, max_length=300)
        _date(c, m, "due_on", path, required=True)
        _choice(c, m, "status", path, set(Milestone.Status.values))
        _date(c, m, "completed_on", path, required=False)
        c.field(m, "note", "text", path)
    years: dict[int, str] = {}
    for path, y in _rows(c, section, "actuals"):
        year = c.field(y, "year", "number", path, required=True)
        if year is not None:
            if not float(year).is_integer() or not 0 <= year <= 100:
                c.add(f"{path}.year", "must be a whole number from 0 to 100")
            elif int(year) in years:
                c.add(f"{path}.year", f"year {int(year)} is given already at {years[int(year)]}")
            else:
                years[int(year)] = path
        costs = c.field(y, "costs", "number", path, required=True)
        if costs is not None and costs < 0:
            c.add(f"{path}.costs", "must not be negative")
        c.field(y, "savings", "number", path, required=True)
        c.field(y, "note", "text", path)


# Importing -------------------------------------------------------------------------------


def _date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def import_section(
    appraisal: Appraisal,
    doc: Mapping[str, Any],
    option_by_key: Mapping[str, Option],
    *,
    recorded: Mapping[str, Any] | None = None,
) -> Decision | None:
    """Write the section's rows for `appraisal`, replacing its milestones and actual years
    (and its declarations and decision, where the document has them). Returns the record of
    decision if this import made it; `recorded`: who entered it and when (issued.py), if
    known, else nobody, now."""
    section = doc.get(SECTION) or {}
    Milestone.objects.filter(appraisal=appraisal).delete()
    ActualYear.objects.filter(appraisal=appraisal).delete()
    Milestone.objects.bulk_create(
        Milestone(
            appraisal=appraisal,
            name=m["name"],
            due_on=dt.date.fromisoformat(m["due_on"]),
            status=m["status"],
            completed_on=_date_or_none(m.get("completed_on")),
            note=m.get("note", ""),
            order=i,
        )
        for i, m in enumerate(section.get("milestones", []))
    )
    ActualYear.objects.bulk_create(
        ActualYear(
            appraisal=appraisal,
            year=int(y["year"]),
            costs=float(y["costs"]),
            savings=float(y["savings"]),
            note=y.get("note", ""),
        )
        for y in section.get("actuals", [])
    )
    declarations = section.get("declarations") or []
    if declarations:
        _import_declarations(appraisal, declarations, option_by_key)
    decision = section.get("decision")
    if decision is None:
        return None
    return _import_decision(appraisal, decision, recorded or {})


def _import_declarations(appraisal: Appraisal, declarations, option_by_key) -> None:
    if Interest.objects.filter(appraisal=appraisal).exists():
        # A replacing import keeps the declarations made here: they are never removed.
        return
    User = get_user_model()
    names = {d["person"] for d in declarations}
    users = {u.get_username(): u for u in User.objects.filter(username__in=names)}
    for name in sorted(names - set(users)):
        user = User(username=name, is_active=False)
        user.set_unusable_password()
        user.save()
        users[name] = user
    made = []
    for d in declarations:
        interest = Interest.objects.create(
            appraisal=appraisal,
            user=users[d["person"]],
            kind=d["kind"],
            description=d.get("description", ""),
            declared_at=parse_datetime(d["declared_at"]),
            ended_at=parse_datetime(d["ended_at"]) if d.get("ended_at") else None,
            end_reason=d.get("end_reason", ""),
        )
        interest.options.set([option_by_key[k] for k in d.get("options", [])])
        made.append(interest)
    for interest, d in zip(made, declarations, strict=True):
        if d.get("replaced_by") is not None:
            interest.replaced_by = made[d["replaced_by"]]
            interest.save(update_fields=["replaced_by"])


def _import_decision(
    appraisal: Appraisal, decision: Mapping[str, Any], recorded: Mapping[str, Any]
) -> Decision | None:
    version = appraisal.report_versions.filter(number=int(decision["report_version"])).first()
    if version is None or Decision.objects.filter(appraisal=appraisal).exists():
        return None  # the version it was taken on is not here; or the record is here already
    record = Decision.objects.create(
        appraisal=appraisal,
        report_version=version,
        maker=decision["maker"],
        maker_name=decision["maker_name"],
        decided_on=dt.date.fromisoformat(decision["decided_on"]),
        minute_reference=decision["minute_reference"],
        reasons=decision.get("reasons", ""),
        alternatives_rejected=decision.get("alternatives_rejected", ""),
        interests_declared=decision.get("interests_declared", ""),
        chosen_option=decision.get("chosen_option", ""),
        published_on=_date_or_none(decision.get("published_on")),
        call_in_deadline=_date_or_none(decision.get("call_in_deadline")),
        call_in_status=decision["call_in_status"],
        **recorded,
    )
    DecisionRecommendation.objects.bulk_create(
        DecisionRecommendation(
            decision=record,
            number=int(r["number"]),
            text=r["text"],
            outcome=r["outcome"],
            amended_text=r.get("amended_text", ""),
        )
        for r in decision.get("recommendations", [])
    )
    return record
