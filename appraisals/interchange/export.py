"""The appraisal as an interchange document, read in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from ..models import (
    Appraisal,
    Authority,
    Criterion,
    ExemptPart,
    Option,
    Panel,
    PartnerShare,
    Risk,
    Score,
)
from . import after_decision
from . import issued as issued_section

FORMAT = "councilopts.appraisal/1"
SAVINGS_SERIES = ("low", "central", "high")


# --------------------------------------------------------------------------------------------
# Export


def _number(x: float | int | None) -> float | int | None:
    """Whole floats as ints, so a document reads 2, not 2.0 (2 == 2.0 either way)."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def _numbers(values: Iterable[float]) -> list[float | int | None]:
    return [_number(v) for v in values]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _names(items: Iterable[Any]) -> list[str]:
    return sorted(item.name for item in items)


def _load(appraisal: Appraisal) -> Appraisal:
    """The appraisal with its lead authority (one query), and prefetched: partners, services,
    options (with delivery model and financial case), criteria, panels, risks (six)."""
    return (
        Appraisal.objects.select_related("lead_authority")
        .prefetch_related(
            # With their facts: the report's background and its cache key read them.
            Prefetch(
                "partners",
                queryset=Authority.objects.only(
                    "pk", "name", "kind", "population", "net_revenue_budget", "character"
                ),
            ),
            "services",
            Prefetch(
                "options",
                queryset=Option.objects.select_related("delivery_model", "financial_case").order_by(
                    "order", "pk"
                ),
            ),
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")),
            Prefetch("panels", queryset=Panel.objects.order_by("order", "pk")),
            Prefetch("risks", queryset=Risk.objects.order_by("order", "pk")),
        )
        .get(pk=appraisal.pk)
    )


def _group(rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """{first value: [the rest of each row]}, keeping the rows' order."""
    grouped: dict[Any, list[tuple[Any, ...]]] = {}
    for first, *rest in rows:
        grouped.setdefault(first, []).append(tuple(rest))
    return grouped


def export_with_appraisal(
    appraisal: Appraisal, *, after: bool = False, issued: bool = False
) -> tuple[dict[str, Any], Appraisal]:
    """The document and the loaded appraisal it was built from, in ten queries whatever the
    appraisal's size: seven in `_load`, options' partners, partner shares, scores. With
    `after`, this project's `after_decision` section too (three more queries, and three at
    most for declarations and a decision): for downloads and backups, never for the
    evaluation or an issued version's snapshot, which are the appraisal alone. With
    `issued`, the `issued` section as well (issued.py; one query, three with a decision):
    for the operator's full backup only, never a download."""
    a = _load(appraisal)
    option_partners = _group(
        Option.partners.through.objects.filter(option__appraisal_id=a.pk)
        .order_by("authority__name")
        .values_list("option_id", "authority__name")
    )
    shares = _group(
        PartnerShare.objects.filter(financial_case__option__appraisal_id=a.pk)
        .order_by("order", "pk")
        .values_list("financial_case_id", "authority__name", "share")
    )
    options = list(a.options.all())
    criteria = list(a.criteria.all())
    panels = list(a.panels.all())
    option_keys = {o.pk: o.key for o in options}
    position = {
        "option": {o.pk: i for i, o in enumerate(options)},
        "criterion": {c.pk: i for i, c in enumerate(criteria)},
        "panel": {p.pk: i for i, p in enumerate(panels)},
    }
    # One query: the scores as plain values, ordered here by the lists' order. Unordered in
    # SQL (`order_by()`): Score's default ordering follows panel, option and criterion to
    # their appraisal, six joins and a twelve-key sort that the sort below replaces (a score
    # is unique by its cell, so that order is total).
    rows = (
        Score.objects.filter(panel__appraisal_id=a.pk)
        .order_by()
        .values_list("panel_id", "option_id", "criterion_id", "score", "reason")
    )
    rows = sorted(
        rows,
        key=lambda r: (
            position["panel"].get(r[0], -1),
            position["option"].get(r[1], -1),
            position["criterion"].get(r[2], -1),
        ),
    )
    keys = {"panel": {p.pk: p.key for p in panels}, "criterion": {c.pk: c.key for c in criteria}}
    weighting: dict[str, Any] = {"method": a.weighting_method}
    if a.weighting_method == Appraisal.Weighting.PAIRWISE:
        weighting["matrix"] = [_numbers(row) for row in (a.pairwise_matrix or [])]
    finance_options = {}
    for o in options:
        case = getattr(o, "financial_case", None)
        if case is None:
            continue
        finance_options[o.key] = {
            "costs": _numbers(case.costs),
            "savings": {
                "low": _numbers(case.savings_low),
                "central": _numbers(case.savings_central),
                "high": _numbers(case.savings_high),
            },
            "partner_shares": {name: _number(share) for name, share in shares.get(case.pk, [])},
        }
    target = None
    if a.savings_target is not None:
        target = {"amount": _number(a.savings_target), "year": a.savings_target_year}
    doc = {
        "format": FORMAT,
        "reference": a.reference,
        "title": a.title,
        "lead_authority": a.lead_authority.name,
        "partners": _names(a.partners.all()),
        "services": _names(a.services.all()),
        "status": a.status,
        "archived": a.archived,
        "illustrative": a.illustrative,
        "summary": a.summary,
        "objectives": _lines(a.objectives),
        "savings_target": target,
        "committee": {
            "name": a.committee_name,
            "meeting_date": a.meeting_date.isoformat() if a.meeting_date else None,
            "agenda_item": a.agenda_item,
        },
        "scale": {"min": _number(a.scale_min), "max": _number(a.scale_max)},
        "criteria": [
            {
                "key": c.key,
                "name": c.name,
                "weight": _number(c.weight),
                "group": c.group,
                "guidance": c.guidance,
                "description": c.description,
            }
            for c in criteria
        ],
        "weighting": weighting,
        "options": [
            {
                "key": o.key,
                "name": o.name,
                "delivery_model": o.delivery_model.key,
                "partners": sorted(name for (name,) in option_partners.get(o.pk, [])),
                "baseline": o.baseline,
                "recommended": o.recommended,
                "status": o.status,
                "rejection_reason": o.rejection_reason,
                "description": o.description,
            }
            for o in options
        ],
        "panels": [{"key": p.key, "name": p.name, "scored_when": p.scored_when} for p in panels],
        "scores": [
            {
                "panel": keys["panel"][panel_id],
                "option": option_keys[option_id],
                "criterion": keys["criterion"][criterion_id],
                "score": _number(score),
                "reason": reason,
            }
            for panel_id, option_id, criterion_id, score, reason in rows
        ],
        "risks": [
            {
                "option": option_keys.get(r.option_id),
                "risk": r.risk,
                "consequences": r.consequences,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "controls": r.controls,
                "residual_likelihood": r.residual_likelihood,
                "residual_impact": r.residual_impact,
                "owner": r.owner,
            }
            for r in a.risks.all()
        ],
        "finance": {
            "discount_rate": _number(a.discount_rate),
            "optimism_bias": _number(a.optimism_bias),
            "options": finance_options,
        },
        "report": {
            "author": a.report_author,
            "report_of": a.report_of,
            "portfolio_holder": a.portfolio_holder,
            "uses_portfolio_holders": a.uses_portfolio_holders,
            "contact_name": a.contact_name,
            "contact_job_title": a.contact_job_title,
            "contact_telephone": a.contact_telephone,
            "contact_email": a.contact_email,
            "officers_consulted": a.officers_consulted,
            "wards_affected": a.wards_affected,
            "ward_members_consulted": a.ward_members_consulted,
            "papers_inspection": a.papers_inspection,
            "key_decision": a.key_decision,
            "forward_plan_reference": a.forward_plan_reference,
            "status": a.report_status,
            "exempt_paragraph": a.exempt_paragraph,
            "purpose": a.report_purpose,
            "narrative": dict(a.narrative or {}),
        },
    }
    # Written only when set, so that a document from before exempt parts reads back the same.
    exempt = _exempt_parts(a, option_keys)
    if exempt:
        doc["report"]["exempt"] = exempt
    if a.exempt_to_partners:
        doc["report"]["exempt_to_partners"] = True
    # This project's extension, also written only when there is something in it.
    section = after_decision.export_section(a, option_keys) if after else {}
    if section:
        doc[after_decision.SECTION] = section
    held = issued_section.export_section(a) if issued else {}
    if held:
        doc[issued_section.SECTION] = held
    return doc, a


def _exempt_parts(a: Appraisal, option_keys: dict[int, str]) -> list[dict[str, Any]]:
    """The parts marked exempt (`appraisals.exempt`): one query, and none for an appraisal
    that never had any. A risk is named by its place in `risks` (from 0)."""
    if not a.has_exempt_parts:
        return []
    risk_index = {r.pk: i for i, r in enumerate(a.risks.all())}
    found = []
    for p in ExemptPart.objects.filter(appraisal_id=a.pk).order_by("order", "pk"):
        part: dict[str, Any] = {"part": p.kind}
        if p.kind == ExemptPart.Kind.FINANCE:
            part["option"] = option_keys[p.option_id]
        elif p.kind == ExemptPart.Kind.RISK:
            part["risk"] = risk_index[p.risk_id]
        else:
            part["section"] = p.section
        part.update(paragraph=p.paragraph, reason=p.reason)
        found.append(part)
    return found


def export_document(
    appraisal: Appraisal, *, after: bool = False, issued: bool = False
) -> dict[str, Any]:
    """The appraisal as an interchange document, in canonical form, in ten queries whatever
    its size (see `export_with_appraisal`); with `after`, its `after_decision` section; with
    `issued` (a full backup), its issued versions and published records of decision."""
    return export_with_appraisal(appraisal, after=after, issued=issued)[0]
