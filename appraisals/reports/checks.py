"""Before issuing: what a check-your-answers page lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models import Appraisal
from ..results import Evaluation
from .narrative import NARRATIVE_SECTIONS, NarrativeSection, parse_narrative
from .structure import Report


@dataclass(frozen=True)
class Problem:
    text: str
    field: str  # the form field (or narrative key) that fixes it


def report_problems(appraisal: Appraisal, evaluation: Evaluation | None = None) -> list[Problem]:
    """What stops the report from being issued: header facts members rely on, and the
    recommendations members vote on."""
    problems = []
    if not appraisal.committee_name:
        problems.append(Problem("Enter the committee the report goes to", "committee_name"))
    if not appraisal.meeting_date:
        problems.append(Problem("Enter the date of the meeting", "meeting_date"))
    if not appraisal.report_author:
        problems.append(Problem("Enter the report's author", "report_author"))
    narrative = appraisal.narrative or {}
    if not parse_narrative(narrative.get("recommendations", ""), one_per_line=True):
        problems.append(
            Problem("Write the recommendations members are asked to agree", "recommendations")
        )
    return problems


def unwritten_sections(narrative: Mapping[str, str]) -> list[NarrativeSection]:
    """Narrative sections with nothing written (the report prints a placeholder for some)."""
    return [s for s in NARRATIVE_SECTIONS if not parse_narrative(narrative.get(s.key, ""))]


def iter_section_titles(report: Report) -> Iterable[str]:
    for section in report.sections:
        yield f"{section.number}. {section.title}"
    for appendix in report.appendices:
        yield f"Appendix {appendix.number}: {appendix.title}"
