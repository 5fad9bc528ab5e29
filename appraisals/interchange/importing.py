"""Reading a document into the database: all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ..bodies import letters, normalised_name
from ..history import record_change
from ..models import (
    Appraisal,
    Authority,
    Criterion,
    DeliveryModel,
    ExemptPart,
    FinancialCase,
    Option,
    Panel,
    PartnerShare,
    Risk,
    Score,
    Service,
)
from . import after_decision
from . import issued as issued_section
from .validation import AppraisalExists, InvalidDocument, Problem, _show, validate_document


@dataclass(frozen=True)
class ImportReport:
    appraisal: Appraisal
    replaced: bool
    created_authorities: tuple[str, ...] = ()
    created_services: tuple[str, ...] = ()


# Words in a new authority's name that tell its kind, most specific first.
_KIND_WORDS = (
    ("integrated care board", Authority.Kind.INTEGRATED_CARE_BOARD),
    ("nhs", Authority.Kind.NHS_TRUST),
    ("police", Authority.Kind.POLICE),
    ("fire", Authority.Kind.FIRE),
    ("combined authority", Authority.Kind.COMBINED),
    ("london borough", Authority.Kind.LONDON_BOROUGH),
    ("metropolitan", Authority.Kind.METROPOLITAN),
    ("county council", Authority.Kind.COUNTY),
    ("district council", Authority.Kind.DISTRICT),
    ("borough council", Authority.Kind.BOROUGH),
    ("city council", Authority.Kind.DISTRICT),
)


def guess_kind(name: str) -> str:
    lowered = name.lower()
    for words, kind in _KIND_WORDS:
        if words in lowered:
            return kind
    return Authority.Kind.OTHER


def _named(model: type, names: Iterable[str], **defaults: Any) -> tuple[dict[str, Any], list]:
    """{name: row} for the names, creating the ones not known yet (returned second)."""
    wanted = list(dict.fromkeys(names))
    known = {row.name: row for row in model.objects.filter(name__in=wanted)}
    created = []
    for name in wanted:
        if name not in known:
            extra = {"kind": guess_kind(name)} if model is Authority else {}
            known[name] = model.objects.create(name=name, **extra, **defaults)
            created.append(name)
    return known, created


def _authorities(names: Mapping[str, str]) -> tuple[dict[str, Authority], list[str]]:
    """{name: authority} for the names, as `_named`, but a name written differently from the
    listed body's ("Harborough Council" for "Harborough District Council") finds that body:
    names are compared as the scope page's duplicate check compares them
    (bodies.normalised_name). Only a body no listed name matches is created. `names`: each
    name with the path where the document first writes it."""
    wanted = list(names)
    known = {a.name: a for a in Authority.objects.filter(name__in=wanted)}
    created: list[str] = []
    missing = [name for name in wanted if name not in known]
    if missing:
        listed: dict[str, list[Authority]] = {}
        by_letters: dict[str, Authority] = {}
        for authority in Authority.objects.order_by("pk"):  # a few hundred at most
            listed.setdefault(normalised_name(authority.name), []).append(authority)
            by_letters.setdefault(letters(authority.name), authority)
        for name in [name for name in missing if letters(name) in by_letters]:
            known[name] = by_letters[letters(name)]  # "DURHAM COUNTY COUNCIL"
            missing.remove(name)
        ambiguous = [
            Problem(
                names[name],
                f"{_show(name)} could be {_either(listed[normalised_name(name)])}: "
                "write the name as it is listed",
            )
            for name in missing
            if len(listed.get(normalised_name(name), ())) > 1
        ]
        if ambiguous:  # places share names ("Durham County Council", "City of Durham Council")
            raise InvalidDocument(ambiguous)
        for name in missing:
            key = normalised_name(name)
            if key not in listed:
                listed[key] = [Authority.objects.create(name=name, kind=guess_kind(name))]
                created.append(name)
            known[name] = listed[key][0]
    return known, created


def _either(bodies: list[Authority]) -> str:
    names = sorted(body.name for body in bodies)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _appraisal_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The Appraisal row's own fields from a validated document (defaults where absent)."""
    defaults = {f.name: f.get_default() for f in Appraisal._meta.concrete_fields}
    committee = doc.get("committee") or {}
    weighting = doc.get("weighting") or {}
    target = doc.get("savings_target")
    finance = doc.get("finance") or {}
    report = doc.get("report") or {}
    method = weighting.get("method", "direct")
    date = committee.get("meeting_date")
    return {
        "title": doc["title"],
        "summary": doc.get("summary", ""),
        "objectives": "\n".join(o.strip() for o in doc.get("objectives", []) if o.strip()),
        "illustrative": doc.get("illustrative", False),
        "status": doc.get("status", defaults["status"]),
        "archived": doc.get("archived", False),
        "savings_target": None if target is None else float(target["amount"]),
        "savings_target_year": None if target is None else _int_or_none(target.get("year")),
        "committee_name": committee.get("name", ""),
        "meeting_date": dt.date.fromisoformat(date) if date else None,
        "agenda_item": committee.get("agenda_item", ""),
        "scale_min": float(doc["scale"]["min"]),
        "scale_max": float(doc["scale"]["max"]),
        "weighting_method": method,
        "pairwise_matrix": (
            [[float(x) for x in row] for row in weighting["matrix"]]
            if method == "pairwise"
            else None
        ),
        "discount_rate": float(finance.get("discount_rate", defaults["discount_rate"])),
        "optimism_bias": float(finance.get("optimism_bias", defaults["optimism_bias"])),
        "report_author": report.get("author", ""),
        "report_of": report.get("report_of", ""),
        "portfolio_holder": report.get("portfolio_holder", ""),
        "uses_portfolio_holders": report.get("uses_portfolio_holders", True),
        "contact_name": report.get("contact_name", ""),
        "contact_job_title": report.get("contact_job_title", ""),
        "contact_telephone": report.get("contact_telephone", ""),
        "contact_email": report.get("contact_email", ""),
        "officers_consulted": report.get("officers_consulted", ""),
        "wards_affected": report.get("wards_affected", defaults["wards_affected"]),
        "ward_members_consulted": report.get("ward_members_consulted", ""),
        "papers_inspection": report.get("papers_inspection", ""),
        "key_decision": report.get("key_decision", False),
        "forward_plan_reference": report.get("forward_plan_reference", ""),
        "report_status": report.get("status", defaults["report_status"]),
        "exempt_paragraph": report.get("exempt_paragraph", ""),
        "report_purpose": report.get("purpose", defaults["report_purpose"]),
        "narrative": dict(report.get("narrative", {})),
        "exempt_to_partners": report.get("exempt_to_partners", False),
    }


def _import_exempt_parts(
    appraisal: Appraisal, doc: Mapping[str, Any], option_by_key: dict, risks: list
) -> None:
    """The parts marked exempt (`report.exempt`), replacing any the appraisal had."""
    ExemptPart.objects.filter(appraisal=appraisal).delete()
    parts = (doc.get("report") or {}).get("exempt") or []
    ExemptPart.objects.bulk_create(
        ExemptPart(
            appraisal=appraisal,
            kind=p["part"],
            option=option_by_key[p["option"]] if p["part"] == "finance" else None,
            risk=risks[p["risk"]] if p["part"] == "risk" else None,
            section=p["section"] if p["part"] == "section" else "",
            paragraph=int(p["paragraph"]),
            reason=p["reason"],
            order=i,
        )
        for i, p in enumerate(parts)
    )
    if parts and not appraisal.has_exempt_parts:
        Appraisal.objects.filter(pk=appraisal.pk).update(has_exempt_parts=True)
        appraisal.has_exempt_parts = True


def _int_or_none(x: Any) -> int | None:
    return None if x is None else int(x)


def _floats(values: Iterable[Any]) -> list[float]:
    return [float(x) for x in values]


@transaction.atomic
def import_document(
    *, document: dict[str, Any], user=None, replace: bool = False, issued: bool = False
) -> ImportReport:
    """Create (or, with `replace`, overwrite) the appraisal a document describes.

    All or nothing: a document with any problem raises `InvalidDocument` listing them all,
    and an existing reference raises `AppraisalExists` unless `replace`. Replacing keeps the
    Appraisal row (its issued reports, questions and audit trail stay with it) and replaces
    everything the document holds; panel members are kept for panels whose key remains.
    Authorities and services the installation did not know are created and reported.
    One `Change` row records the import.

    `issued`: the operator restores a full backup (`import_appraisal`), whose `issued`
    section brings back the issued versions and published records of decision (issued.py).
    Anywhere else a document carrying that section is refused.
    """
    if not issued and isinstance(document, dict) and issued_section.SECTION in document:
        raise InvalidDocument(
            [
                Problem(
                    issued_section.SECTION,
                    "issued versions of the report are restored only from a full backup, by "
                    "the operator with import_appraisal: take this section out to import the "
                    "rest",
                )
            ]
        )
    problems = validate_document(document)
    if problems:
        raise InvalidDocument(problems)
    doc = document
    reference = doc["reference"]
    existing = Appraisal.objects.select_for_update().filter(reference=reference).first()
    if existing is not None and not replace:
        raise AppraisalExists(
            [Problem("reference", f"an appraisal {_show(reference)} exists already")]
        )

    options_in = doc["options"]
    finance_in = (doc.get("finance") or {}).get("options") or {}
    # Each name with where it is first written, for a message about it.
    named: dict[str, str] = {doc["lead_authority"]: "lead_authority"}
    for i, name in enumerate(doc.get("partners", [])):
        named.setdefault(name, f"partners[{i}]")
    for o, option in enumerate(options_in):
        for i, name in enumerate(option.get("partners", [])):
            named.setdefault(name, f"options[{o}].partners[{i}]")
    for key, case in finance_in.items():
        for name in case.get("partner_shares") or {}:
            named.setdefault(name, f"finance.options.{key}.partner_shares")
    authorities, created_authorities = _authorities(named)
    services, created_services = _named(Service, doc.get("services", []))
    catalogue = {
        m.key: m
        for m in DeliveryModel.objects.filter(key__in={o["delivery_model"] for o in options_in})
    }

    fields = _appraisal_fields(doc)
    fields["lead_authority"] = authorities[doc["lead_authority"]]
    members: dict[str, list[int]] = {}
    versions: dict[tuple[str, str, str], int] = {}
    if existing is not None:
        appraisal = existing
        # A score page opened before the replace carries the versions it loaded: every cell
        # moves past them, so a save from that page is refused, never applied silently.
        versions = {
            (panel, option, criterion): version
            for panel, option, criterion, version in Score.objects.filter(
                panel__appraisal=appraisal
            ).values_list("panel__key", "option__key", "criterion__key", "version")
        }
        for key, member_id in Panel.members.through.objects.filter(
            panel__appraisal=appraisal
        ).values_list("panel__key", "user_id"):
            members.setdefault(key, []).append(member_id)
        # Scores, financial cases and option risks go with their options and panels.
        appraisal.risks.all().delete()
        appraisal.options.all().delete()
        appraisal.criteria.all().delete()
        appraisal.panels.all().delete()
        for name, value in fields.items():
            setattr(appraisal, name, value)
        appraisal.save()
    else:
        appraisal = Appraisal.objects.create(reference=reference, created_by=user, **fields)
    appraisal.partners.set([authorities[name] for name in doc.get("partners", [])])
    appraisal.services.set([services[name] for name in doc.get("services", [])])

    options = Option.objects.bulk_create(
        Option(
            appraisal=appraisal,
            key=o["key"],
            name=o["name"],
            delivery_model=catalogue[o["delivery_model"]],
            description=o.get("description", ""),
            baseline=o.get("baseline", False),
            recommended=o.get("recommended", False),
            status=o.get("status", Option.Status.SHORTLISTED),
            rejection_reason=o.get("rejection_reason", ""),
            order=i,
        )
        for i, o in enumerate(options_in)
    )
    option_by_key = {o.key: o for o in options}
    Option.partners.through.objects.bulk_create(
        Option.partners.through(option=option, authority=authority)
        for option, o in zip(options, options_in, strict=True)
        # (two spellings of one body are one partner)
        for authority in {
            authorities[name].pk: authorities[name] for name in o.get("partners", [])
        }.values()
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            appraisal=appraisal,
            key=c["key"],
            name=c["name"],
            weight=float(c.get("weight", 1)),
            group=c.get("group", ""),
            description=c.get("description", ""),
            guidance=c.get("guidance", ""),
            order=i,
        )
        for i, c in enumerate(doc["criteria"])
    )
    criterion_by_key = {c.key: c for c in criteria}
    panels = Panel.objects.bulk_create(
        Panel(
            appraisal=appraisal,
            key=p["key"],
            name=p["name"],
            scored_when=p.get("scored_when", ""),
            order=i,
        )
        for i, p in enumerate(doc.get("panels", []))
    )
    panel_by_key = {p.key: p for p in panels}
    Panel.members.through.objects.bulk_create(
        Panel.members.through(panel=panel, user_id=member_id)
        for panel in panels
        for member_id in members.get(panel.key, [])
    )
    Score.objects.bulk_create(
        Score(
            panel=panel_by_key[s["panel"]],
            option=option_by_key[s["option"]],
            criterion=criterion_by_key[s["criterion"]],
            score=float(s["score"]),
            reason=s.get("reason", ""),
            version=versions.get((s["panel"], s["option"], s["criterion"]), 0) + 1,
            updated_by=user if user is not None and user.is_authenticated else None,
        )
        for s in doc.get("scores", [])
    )
    risks = Risk.objects.bulk_create(
        Risk(
            appraisal=appraisal,
            option=option_by_key[r["option"]] if r.get("option") else None,
            risk=r["risk"],
            consequences=r.get("consequences", ""),
            likelihood=int(r["likelihood"]),
            impact=int(r["impact"]),
            controls=r.get("controls", ""),
            residual_likelihood=int(r.get("residual_likelihood") or r["likelihood"]),
            residual_impact=int(r.get("residual_impact") or r["impact"]),
            owner=r.get("owner", ""),
            order=i,
        )
        for i, r in enumerate(doc.get("risks", []))
    )
    cases = FinancialCase.objects.bulk_create(
        FinancialCase(
            option=option_by_key[key],
            costs=_floats(case.get("costs", [])),
            savings_low=_floats((case.get("savings") or {}).get("low", [])),
            savings_central=_floats((case.get("savings") or {}).get("central", [])),
            savings_high=_floats((case.get("savings") or {}).get("high", [])),
        )
        for key, case in finance_in.items()
    )
    PartnerShare.objects.bulk_create(
        PartnerShare(financial_case=fc, authority=authorities[name], share=float(share), order=i)
        for fc, case in zip(cases, finance_in.values(), strict=True)
        for i, (name, share) in enumerate((case.get("partner_shares") or {}).items())
    )
    _import_exempt_parts(appraisal, doc, option_by_key, risks)
    # The issued versions first: the record of decision hangs on one.
    people = issued_section.import_versions(appraisal, doc)
    decision = after_decision.import_section(
        appraisal, doc, option_by_key, recorded=issued_section.recorded(doc, people)
    )
    if decision is not None:
        issued_section.import_publications(decision, doc, people)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="import",
        subject=appraisal.title,
        field="imported",
        old="" if existing is None else "replaced",
        new=(
            f"{len(options)} options, {len(criteria)} criteria, {len(panels)} panels, "
            f"{len(doc.get('scores', []))} scores, {len(doc.get('risks', []))} risks"
        ),
    )
    return ImportReport(
        appraisal=appraisal,
        replaced=existing is not None,
        created_authorities=tuple(created_authorities),
        created_services=tuple(created_services),
    )
