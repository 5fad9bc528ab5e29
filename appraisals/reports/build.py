"""Building the report from an evaluation: `build_report`, `preview_section`, `_Builder`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.forms.models import model_to_dict
from django.utils import timezone

from ..exempt import marks_of, open_evaluation
from ..explain import join_names
from ..models import Appraisal, DeliveryModel
from ..results import Evaluation, Fingerprinted
from .appendices import _Appendices
from .formatting import _date, _plural
from .narrative import NOT_ENTERED
from .previous import PreviousVersion
from .sections import _Sections, attached_appendices
from .signoff import SignOffs, add_sign_offs
from .structure import HeaderRow, Report, Section, number_tables


def delivery_models(
    evaluation: Evaluation | Fingerprinted,
) -> tuple[dict[str, DeliveryModel], str]:
    """The catalogue entries of the options' delivery models, which the report prints from
    (one query), and a fingerprint of what they hold, for a cache key: they are not part of
    the appraisal's document, and a council administrator may change them."""
    keys = {o["delivery_model"] for o in evaluation.document["options"]}
    models = {m.key: m for m in DeliveryModel.objects.filter(key__in=keys)}
    held = {k: model_to_dict(m) for k, m in sorted(models.items())}
    blob = json.dumps(held, sort_keys=True, default=str, ensure_ascii=False)
    return models, hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def build_report(
    evaluation: Evaluation,
    *,
    draft: bool = True,
    version: int | None = None,
    issued_at: dt.datetime | None = None,
    models: Mapping[str, DeliveryModel] | None = None,
    previous: PreviousVersion | None = None,
    sign_offs: SignOffs | None = None,
) -> Report:
    """Every section and appendix, in the order of a council paper. `models` are the
    catalogue entries of the options' delivery models (looked up if not given); `previous`,
    the last issued version, adds the appendix "Changes since version N"; `sign_offs` end the
    financial and legal implications with who agreed them (`reports.signoff`)."""
    # The report is what the council publishes: never with its exempt information, which
    # goes in its own appendix (`exempt_appendix`), whoever renders it.
    evaluation = open_evaluation(evaluation)
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

    builder = _Builder(evaluation, narrative, models, previous)
    sections = builder.sections()
    appendices = builder.appendices()
    links = number_tables(sections, appendices)
    if sign_offs is not None:
        add_sign_offs(sections, sign_offs, draft=draft)
    header = _header(doc, report, committee, narrative, draft=draft)
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
        links=links,
    )


def preview_section(evaluation: Evaluation, key: str, text: str) -> Section:
    """Narrative section `key` as the report would print it if its text were `text` (not yet
    saved): numbered paragraphs and lists, and the parts added from the appraisal."""
    evaluation = open_evaluation(evaluation)
    doc = evaluation.document
    narrative = {**((doc.get("report") or {}).get("narrative") or {}), key: text}
    keys = {o["delivery_model"] for o in doc["options"]}
    models = {m.key: m for m in DeliveryModel.objects.filter(key__in=keys)}
    return next(s for s in _Builder(evaluation, narrative, models).sections() if s.key == key)


class _Builder(_Sections, _Appendices):
    """Builds the sections from one evaluation; each method is one section."""


def _header(
    doc: Mapping[str, Any],
    report: Mapping[str, Any],
    committee: Mapping[str, Any],
    narrative: Mapping[str, str],
    *,
    draft: bool,
) -> tuple[HeaderRow, ...]:
    """The front sheet. A fact not yet entered is a marked box: issuing refuses until the
    ones a clerk needs are set (`checks.report_problems`). An optional fact left blank is
    marked in a draft and left out of an issued report, so nothing reads "Not set"."""
    rows: list[HeaderRow] = []

    def row(label: str, value: str, *, required: bool = True) -> None:
        value = (value or "").strip()
        if value:
            rows.append(HeaderRow(label, value))
        elif required or draft:
            rows.append(HeaderRow(label, "", missing=NOT_ENTERED))

    status = "Open"
    exempt = [title for title, para in attached_appendices(narrative.get("appendices", "")) if para]
    if marks_of(doc):
        exempt.append("exempt information")
    if report.get("status") == Appraisal.ReportStatus.EXEMPT:
        status = (
            "Exempt: not for publication by virtue of paragraph "
            f"{report.get('exempt_paragraph')} of Part 1 of Schedule 12A to the Local "
            "Government Act 1972"
        )
    elif exempt:
        status = (
            f"Open, except {_plural(len(exempt), 'appendix', 'appendices')} listed as exempt "
            "under Schedule 12A to the Local Government Act 1972 (see Appendices)"
        )
    purpose = (
        "For information"
        if report.get("purpose") == Appraisal.ReportPurpose.INFORMATION
        else "For decision"
    )
    date = committee.get("meeting_date")
    row("Committee", committee.get("name") or "")
    row("Date of meeting", _date(date) if date else "")
    row("Agenda item", committee.get("agenda_item") or "")
    row("Status", status)
    row("Decision or information", purpose)
    # No "Title" row: the title is printed large just above the block.
    row("Report of", report.get("report_of") or "")
    row("Report author", report.get("author") or "")
    if report.get("uses_portfolio_holders", True):
        row("Portfolio holder", report.get("portfolio_holder") or "")
    name = (report.get("contact_name") or "").strip()
    title = (report.get("contact_job_title") or "").strip()
    phone = (report.get("contact_telephone") or "").strip()
    email = (report.get("contact_email") or "").strip()
    lines = [
        ", ".join(x for x in (name, title) if x),
        f"Telephone: {phone}" if phone else "",
        f"Email: {email}" if email else "",
    ]
    lacking = [w for w, v in (("name", name), ("telephone", phone), ("email", email)) if not v]
    rows.append(
        HeaderRow(
            "Contact officer",
            "\n".join(x for x in lines if x),
            missing=f"{NOT_ENTERED}: {join_names(lacking)}" if lacking else "",
        )
    )
    row("Officers consulted", report.get("officers_consulted") or "", required=False)
    row("Wards affected", report.get("wards_affected") or "")
    row("Ward members consulted", report.get("ward_members_consulted") or "", required=False)
    if report.get("key_decision"):
        reference = (report.get("forward_plan_reference") or "").strip()
        rows.append(
            HeaderRow(
                "Key decision",
                f"Yes (forward plan reference {reference})" if reference else "Yes",
                missing="" if reference else f"{NOT_ENTERED}: forward plan reference",
            )
        )
    else:
        row("Key decision", "No")
    return tuple(rows)
