"""The exempt appendix: the parts of the appraisal marked exempt under Schedule 12A, as a
separate paper marked NOT FOR PUBLICATION, through the committee report's template,
stylesheet and PDF pipeline (tagged PDF/UA-1, the same checks).

It is built from the whole evaluation (the open report is built from the opened one), so
only `views.exempt.exempt_appendix`, which checks `exempt.may_see`, serves it.
"""

from __future__ import annotations

from django.utils import timezone

from ..exempt import ACT, APPENDIX_TITLE, PARAGRAPHS, Marks, marks_of
from ..explain import format_percent
from ..models import Appraisal
from ..results import Evaluation
from ..templatetags.councilopts import pounds
from .after_decision import _created, render_paper
from .exempt_notes import part_words
from .formatting import RATING_AFTER, RATING_BEFORE, _columns, _date, _payback_cell, _rating_cell
from .narrative import _TITLES, Part
from .structure import Cell, HeaderRow, Report, Row, Section, Table, number_tables

NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION"


def exempt_appendix(
    appraisal: Appraisal, evaluation: Evaluation, *, version: int | None = None
) -> Report:
    """The exempt appendix of the appraisal as it stands: to issued version `version`, or
    else to the last issued version while it is issued, or to the draft report."""
    doc = evaluation.document
    marks = marks_of(doc)
    committee = doc.get("committee") or {}
    number = version or getattr(appraisal, "last_issued_number", None)
    if version or (appraisal.status == Appraisal.Status.ISSUED and number):
        state = f"to version {number} of the report"
    else:
        state = "to the draft report"
    mark = f"{NOT_FOR_PUBLICATION}: exempt Appendix {marks.letter} {state}"
    paragraphs = marks.paragraphs_words()
    header = [
        HeaderRow(
            "Status",
            f"Exempt: {NOT_FOR_PUBLICATION} by virtue of {paragraphs} of {ACT}",
        ),
        HeaderRow("Report", doc["title"]),
    ]
    if committee.get("name"):
        header.append(HeaderRow("Committee", committee["name"]))
    if committee.get("meeting_date"):
        header.append(HeaderRow("Date of meeting", _date(committee["meeting_date"])))
    sections = [_why(marks, evaluation)]
    for n, m in enumerate(marks.parts, start=2):
        if m.kind == "finance":
            sections.append(_finance(str(n), m.target, evaluation))
        elif m.kind == "risk":
            sections.append(_risk(str(n), int(m.target), evaluation))
        else:
            sections.append(_section(str(n), str(m.target), doc))
    links = number_tables(sections, [])
    council = doc["lead_authority"]
    return Report(
        council=council,
        committee=committee.get("name") or "",
        title=f"{doc['title']}: {APPENDIX_TITLE.lower()}",
        reference=doc["reference"],
        header=tuple(header),
        sections=tuple(sections),
        appendices=(),
        draft=False,
        mark=mark,
        author=council,
        description=f"{NOT_FOR_PUBLICATION}. Exempt Appendix {marks.letter}, {council}",
        created=_created(timezone.now()),
        illustrative=bool(doc.get("illustrative")),
        links=links,
        to=f"Exempt Appendix {marks.letter}: {NOT_FOR_PUBLICATION}",
    )


def _why(marks: Marks, evaluation: Evaluation) -> Section:
    s = Section("1", "exempt-status", "Why this appendix is not for publication")
    s.para(
        f"{NOT_FOR_PUBLICATION}. This appendix holds the parts of the report that are exempt "
        f"information under {ACT}. Members are asked not to disclose it. If members wish to "
        "discuss it, the press and public may be excluded from the meeting for that item.",
        strong=True,
    )
    s.para(
        "The parts, the paragraph that applies to each and why the public interest in keeping "
        "it exempt outweighs the public interest in disclosing it:",
        Part(
            items=tuple(
                f"{part_words(m, evaluation)}: paragraph {m.paragraph}, "
                f"{PARAGRAPHS.get(m.paragraph, '')}. {m.reason.strip()}"
                for m in marks.parts
            ),
            style="bullet",
        ),
    )
    return s


def _finance(number: str, key: str, evaluation: Evaluation) -> Section:
    name = evaluation.option_name(key)
    s = Section(number, f"exempt-finance-{key}", f"The financial case for {name}")
    case = ((evaluation.document.get("finance") or {}).get("options") or {}).get(key) or {}
    f = evaluation.finance.get(key)
    lead = evaluation.document["lead_authority"]
    if f is None:
        s.para(f"No financial case has been recorded for {name}.")
        return s
    s.para(
        f"The figures to {lead}"
        + (", its share of the arrangement's" if f.whole is not None else "")
        + f": one-off costs of {pounds(f.one_off_costs)}; net present value "
        f"{pounds(f.npv_low)} (low), {pounds(f.npv_central)} (central) and "
        f"{pounds(f.npv_high)} (high); payback {_payback_cell(f.payback_years).lower()}."
    )
    savings = case.get("savings") or {}
    central = savings.get("central") or []
    costs = case.get("costs") or []
    years = max(len(costs), len(central))
    rows = tuple(
        Row(
            f"Year {t}",
            tuple(
                Cell(pounds(series[t]) if t < len(series) else "–", "num")
                for series in (
                    costs,
                    savings.get("low") or central,
                    central,
                    savings.get("high") or central,
                )
            ),
        )
        for t in range(years)
    )
    s.add(
        Table(
            f"Table 1: {name}: yearly costs and savings of the whole arrangement",
            _columns(
                [
                    ("Year", "w-16"),
                    ("Costs", "w-21 num"),
                    ("Savings low", "w-21 num"),
                    ("Savings central", "w-21 num"),
                    ("Savings high", "w-21 num"),
                ]
            ),
            rows,
            "compact",
        )
    )
    if f.partner_shares:
        s.para(
            "Each partner's share: "
            + "; ".join(
                f"{partner} {format_percent(p.share)}, central net present value "
                f"{pounds(p.npv_central)}"
                for partner, p in f.partner_shares.items()
            )
            + "."
        )
    return s


def _risk(number: str, index: int, evaluation: Evaluation) -> Section:
    rv = evaluation.risks[index] if index < len(evaluation.risks) else None
    s = Section(number, f"exempt-risk-{index + 1}", f"Risk R{index + 1}")
    if rv is None:
        s.para("This risk is no longer in the register.")
        return s
    s.add(
        Table(
            f"Risk R{index + 1}, its ratings and control measures",
            _columns([("What", "w-30"), ("Detail", "w-70")]),
            (
                Row("Risk", (Cell(rv.risk),)),
                Row("Consequences", (Cell(rv.consequences or "–"),)),
                Row("Option", (Cell(rv.option_name),)),
                Row("Owner", (Cell(rv.owner or "–"),)),
                Row(RATING_BEFORE, (_rating_cell(rv.likelihood, rv.impact, rv.before),)),
                Row("Control measures", (Cell(rv.controls or "–"),)),
                Row(
                    RATING_AFTER,
                    (_rating_cell(rv.residual_likelihood, rv.residual_impact, rv.after),),
                ),
            ),
            "compact",
        )
    )
    return s


def _section(number: str, key: str, doc) -> Section:
    s = Section(number, f"exempt-section-{key}", _TITLES.get(key, key))
    text = ((doc.get("report") or {}).get("narrative") or {}).get(key, "")
    if not s.text(text, placeholder=False):
        s.para("Nothing has been written in this section yet.")
    return s


def render_exempt_appendix(
    appraisal: Appraisal, evaluation: Evaluation, *, version: int | None = None
) -> bytes:
    from .rendering import write_pdf

    return write_pdf(render_paper(exempt_appendix(appraisal, evaluation, version=version)))
