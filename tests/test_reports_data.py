"""Appraisals for the report tests and the bench, built as interchange documents.

`report_document` writes a complete appraisal of any size (options, criteria, panels, risks)
with scores and reasons, a financial case for every option, a rejected option, header facts
and every narrative section; `make_report_appraisal` imports it. No tests here.
"""

from __future__ import annotations

from typing import Any

from appraisals.interchange import import_document
from appraisals.models import Appraisal, Authority, DeliveryModel
from appraisals.reports import NARRATIVE_KEYS

MODELS = (
    ("do-nothing", "Do nothing", "", "", ""),
    ("in-house", "In-house transformation", "No", "The council", "Unchanged"),
    ("shared-service", "Shared service", "No", "The host council", "No extra liability"),
    ("outsourcing", "Outsourcing", "The contractor", "The contractor (TUPE)", "May add VAT"),
    ("company", "Local authority company", "Yes", "Yes", "May pay corporation tax"),
)
# The powers each model relies on, and whether it moves staff (as the catalogue has them).
LEGAL = {
    "shared-service": (
        "Local Government Act 1972 ss.101–102: joint arrangements\n"
        "NHS Act 2006 s.75, where a partner is an NHS body",
        True,
    ),
    "outsourcing": ("Procurement Act 2023\nTUPE Regulations 2006", True),
    "company": ("Localism Act 2011 s.1: the general power of competence", True),
}


def ensure_delivery_models() -> None:
    for order, (key, name, entity, staff, vat) in enumerate(MODELS):
        DeliveryModel.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "order": order,
                "summary": f"{name}: how the service would be run.",
                "legal_entity": entity,
                "employs_staff": staff,
                "vat_position": vat,
                "governance": "Members of the council",
                "advantages": "Keeps control\nKnown costs",
                "disadvantages": "Slow to change",
                "legal_basis": LEGAL.get(key, ("", False))[0],
                "moves_staff": LEGAL.get(key, ("", False))[1],
            },
        )


def narrative(extra: dict[str, str] | None = None) -> dict[str, str]:
    text = {
        key: f"The {key.replace('_', ' ')} paragraph written by the officer."
        for key in NARRATIVE_KEYS
    }
    text["recommendations"] = (
        "That the Council approves the shared service as the preferred option.\n\n"
        "That officers bring a full business case to the December meeting."
    )
    text["summary"] = (
        "Members asked for an appraisal of how corporate services are delivered.\n\n"
        "The benefits are:\n- resilience\n- lower costs\n- shared expertise"
    )
    # The contact officer is in the header fields; attached appendices are the officer's own.
    del text["contact"], text["appendices"]
    text["previous"] = "Full Council, 25 July 2011, minute 23: agreed the project brief"
    text.update(extra or {})
    return text


def report_document(
    *,
    reference: str = "report-test",
    lead: str = "Lead District Council",
    options: int = 4,
    criteria: int = 5,
    panels: int = 2,
    risks: int = 4,
    years: int = 5,
    narrative_text: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A complete interchange document: a baseline, `options` short-listed options (the
    first shared with a partner), one rejected option, scores with reasons from every panel."""
    models = [m[0] for m in MODELS[1:]]
    opts = [
        {
            "key": "do-nothing",
            "name": "Do nothing",
            "delivery_model": "do-nothing",
            "baseline": True,
            "status": "shortlisted",
            "partners": [],
        },
    ]
    for i in range(1, options + 1):
        opts.append(
            {
                "key": f"option-{i}",
                "name": f"Option {i} {models[i % len(models)].replace('-', ' ')}",
                "delivery_model": models[i % len(models)],
                "partners": ["Partner Borough Council"] if i == 1 else [],
                "status": "shortlisted",
                "description": f"Option {i} described by the officer.",
            }
        )
    opts.append(
        {
            "key": "rejected",
            "name": "Outsource everything",
            "delivery_model": "outsourcing",
            "status": "rejected",
            "rejection_reason": "Procurement would take three years.",
        }
    )
    crits = [
        {
            "key": f"criterion-{j}",
            "name": f"Criterion {j}",
            "weight": 5 + (j * 7) % 11,
            "group": "Strategic" if j % 2 else "Operational",
            "guidance": "0 poor, 5 excellent",
        }
        for j in range(1, criteria + 1)
    ]
    pans = [{"key": f"panel-{k}", "name": f"Panel {k}"} for k in range(1, panels + 1)]
    scores = [
        {
            "panel": p["key"],
            "option": o["key"],
            "criterion": c["key"],
            "score": (i * 3 + j * 2 + k) % 6,
            "reason": f"Reason of {p['name']} for {o['name']} on {c['name']}.",
        }
        for k, p in enumerate(pans)
        for i, o in enumerate(opts[:-1])
        for j, c in enumerate(crits)
    ]
    risk_list = [
        {
            "option": None if n % 3 == 0 else f"option-{1 + n % max(options, 1)}",
            "risk": f"Risk {n + 1}: savings are not delivered quickly enough",
            "consequences": "The budget gap widens and reserves are used.",
            "likelihood": 1 + n % 5,
            "impact": 1 + (n * 2) % 5,
            "controls": "Sound business case; programme management.",
            "residual_likelihood": 1 + (n % 5) // 2,
            "residual_impact": 1 + ((n * 2) % 5) // 2,
            "owner": "Chief Executive",
        }
        for n in range(risks)
    ]
    finance = {}
    for i, o in enumerate(opts[1:-1], start=1):
        steady = 100_000 * (i + 1)
        central = [steady * min(1, t / 2) for t in range(years)]
        finance[o["key"]] = {
            "costs": [50_000 * i] + [0] * (years - 1),
            "savings": {
                "low": [x * 0.75 for x in central],
                "central": central,
                "high": [x * 1.25 for x in central],
            },
            "partner_shares": (
                {"Lead District Council": 0.5, "Partner Borough Council": 0.5} if i == 1 else {}
            ),
        }
    return {
        "format": "councilopts.appraisal/1",
        "reference": reference,
        "title": "Future options for corporate services",
        "lead_authority": lead,
        "partners": ["Partner Borough Council"],
        "services": ["Payroll", "Revenues and benefits"],
        "summary": "Corporate services are appraised to meet the savings target.",
        "objectives": ["Customer focus", "Sustainable budgets"],
        "savings_target": {"amount": 300_000, "year": 3},
        "committee": {"name": "Full Council", "meeting_date": "2011-10-31", "agenda_item": "7"},
        "scale": {"min": 0, "max": 5},
        "criteria": crits,
        "weighting": {"method": "direct"},
        "options": opts,
        "panels": pans,
        "scores": scores,
        "risks": risk_list,
        "finance": {"discount_rate": 0.035, "optimism_bias": 0.0, "options": finance},
        "report": {
            "author": "Jane Officer, Head of Transformation",
            "report_of": "Director of Resources",
            "portfolio_holder": "Councillor Sam Leader",
            "uses_portfolio_holders": True,
            "contact_name": "Jane Officer",
            "contact_job_title": "Head of Transformation",
            "contact_telephone": "01632 960000",
            "contact_email": "jane.officer@lead.example",
            "officers_consulted": "Chief Finance Officer; Monitoring Officer",
            "wards_affected": "All",
            "ward_members_consulted": "Not applicable: every ward is affected",
            "papers_inspection": "",
            "key_decision": True,
            "forward_plan_reference": "FP/2011/007",
            "status": "open",
            "exempt_paragraph": "",
            "purpose": "decision",
            "narrative": narrative(narrative_text),
        },
    }


def meeting_ahead(appraisal: Appraisal, *, days: int = 56) -> Appraisal:
    """The meeting moved `days` ahead of today: a report is issued before its meeting (the
    check page refuses one whose meeting is past), and the factory's is the 2011 paper's."""
    import datetime as dt

    from django.utils import timezone

    appraisal.meeting_date = timezone.localdate() + dt.timedelta(days=days)
    Appraisal.objects.filter(pk=appraisal.pk).update(meeting_date=appraisal.meeting_date)
    return appraisal


def make_report_appraisal(**sizes: Any) -> Appraisal:
    ensure_delivery_models()
    Authority.objects.get_or_create(name="Partner Borough Council")
    document = report_document(**sizes)
    import_document(document=document)
    return Appraisal.objects.get(reference=document["reference"])
