"""Building the report from an evaluation: `build_report`, `preview_section`, `_Builder`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from ..models import Appraisal, DeliveryModel
from ..results import Evaluation
from .appendices import _Appendices
from .formatting import _date
from .sections import _Sections
from .structure import HeaderRow, Report, Section


def build_report(
    evaluation: Evaluation,
    *,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
    models: Mapping[str, DeliveryModel] | None = None,
) -> Report:
    """Every section and appendix, in the order of a council paper. `models` are the
    catalogue entries of the options' delivery models (looked up if not given)."""
    doc = evaluation.document
    report = doc.get("report") or {}
    narrative: Mapping[str, str] = report.get("narrative") or {}
    committee = doc.get("committee") or {}
    if models is None:
        keys = {o["delivery_model"] for o in doc["options"]}
        models = {m.key: m for m in DeliveryModel.objects.filter(key__in=keys)}
    when = issued_at or timezone.now()
    if draft:
        mark = f"Draft rendered {_date(timezone.localdate(when))}"
    else:
        mark = f"Version {version}, issued {_date(timezone.localdate(when))}"

    builder = _Builder(evaluation, narrative, models)
    sections = builder.sections()
    appendices = builder.appendices()
    status = "Open"
    if report.get("status") == Appraisal.ReportStatus.EXEMPT:
        status = (
            "Exempt: not for publication by virtue of paragraph "
            f"{report.get('exempt_paragraph')} of Part 1 of Schedule 12A to the Local "
            "Government Act 1972"
        )
    purpose = (
        "For information"
        if report.get("purpose") == Appraisal.ReportPurpose.INFORMATION
        else "For decision"
    )
    header = (
        HeaderRow("Committee", committee.get("name") or "Not set"),
        HeaderRow("Date of meeting", _date(committee.get("meeting_date"))),
        HeaderRow("Agenda item", committee.get("agenda_item") or "Not set"),
        HeaderRow("Status", status),
        HeaderRow("Decision or information", purpose),
        HeaderRow("Title", doc["title"]),
        HeaderRow("Report author", report.get("author") or "Not set"),
        HeaderRow("Portfolio holder", report.get("portfolio_holder") or "Not set"),
        HeaderRow("Officers consulted", report.get("officers_consulted") or "None recorded"),
        HeaderRow("Wards affected", report.get("wards_affected") or "All"),
        HeaderRow("Key decision", "Yes" if report.get("key_decision") else "No"),
    )
    return Report(
        council=doc["lead_authority"],
        committee=committee.get("name") or "",
        title=doc["title"],
        reference=doc["reference"],
        header=header,
        sections=tuple(sections),
        appendices=tuple(appendices),
        draft=draft,
        mark=mark,
        author=report.get("author") or doc["lead_authority"],
        description=(
            ("Illustrative, not the council's own figures. " if doc.get("illustrative") else "")
            + f"Report to {committee.get('name') or 'committee'}, {doc['lead_authority']}"
        ),
        created=when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        illustrative=bool(doc.get("illustrative")),
    )


def preview_section(evaluation: Evaluation, key: str, text: str) -> Section:
    """Narrative section `key` as the report would print it if its text were `text` (not yet
    saved): numbered paragraphs and lists, and the parts added from the appraisal."""
    doc = evaluation.document
    narrative = {**((doc.get("report") or {}).get("narrative") or {}), key: text}
    keys = {o["delivery_model"] for o in doc["options"]}
    models = {m.key: m for m in DeliveryModel.objects.filter(key__in=keys)}
    return next(s for s in _Builder(evaluation, narrative, models).sections() if s.key == key)


class _Builder(_Sections, _Appendices):
    """Builds the sections from one evaluation; each method is one section."""
