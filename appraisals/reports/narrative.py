"""Narrative: the sections officers write, as plain text.

`NARRATIVE_SECTIONS` names them, in the order of a council paper; `parse_narrative` turns
what an officer wrote into paragraphs of text lines and simple lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NarrativeSection:
    key: str
    title: str
    hint: str


NARRATIVE_SECTIONS: tuple[NarrativeSection, ...] = (
    NarrativeSection("purpose", "Purpose of the report", "Why the report comes to committee."),
    NarrativeSection(
        "summary",
        "Executive summary",
        "About 120 to 150 words. Until you write one, the report prints the summary drafted "
        "from the appraisal, shown under this box; what you write replaces it.",
    ),
    NarrativeSection(
        "recommendations",
        "Recommendations",
        "One paragraph a recommendation, each a resolution members can pass: "
        "“That the Council approves …”. Separate them with a blank line.",
    ),
    NarrativeSection("reasons", "Reasons for the recommendations", ""),
    NarrativeSection(
        "background",
        "Background",
        "How the council came to appraise this. Leave blank to print the appraisal's summary.",
    ),
    NarrativeSection(
        "previous",
        "Previous reports and decisions",
        "One a line: the meeting, its date, the minute number and what was decided, for "
        "example “Full Council, 25 July 2011, minute 23: agreed the project brief”. Write "
        "“None” if this is the first report.",
    ),
    NarrativeSection(
        "options",
        "Options considered",
        "Your commentary; the ranking, charts, panels and sensitivity are added from the "
        "appraisal.",
    ),
    NarrativeSection(
        "rejected",
        "Other options considered and rejected",
        "Each rejected option and its reason are added from the options list.",
    ),
    NarrativeSection(
        "consultation",
        "Consultation",
        "Staff, unions, members, partners, residents; the panels who scored are added.",
    ),
    NarrativeSection(
        "financial",
        "Financial implications",
        "Costs, savings, net present values and payback are added from the financial case.",
    ),
    NarrativeSection(
        "legal",
        "Legal implications and powers",
        "The Monitoring Officer's comments. The powers expected to be relied on are added "
        "from each option's delivery model.",
    ),
    NarrativeSection(
        "risk", "Risk analysis", "The risk table and heat map are added from the risk register."
    ),
    NarrativeSection("equalities", "Equalities", ""),
    NarrativeSection(
        "human_resources",
        "Human resources",
        "Staff and unions. Whether TUPE applies is added from each option's delivery model.",
    ),
    NarrativeSection("environmental", "Environmental", ""),
    NarrativeSection(
        "crime_disorder", "Crime and disorder", "Section 17 of the Crime and Disorder Act 1998."
    ),
    NarrativeSection(
        "next_steps",
        "Next steps",
        "How the decision will be put into effect and communicated, and when members will "
        "hear again. Until you write it, the report says what follows from the appraisal: the "
        "record of decision, the call-in period, and for the drafted recommendation the "
        "business case coming back.",
    ),
    NarrativeSection(
        "appendices",
        "Appendices",
        "Appendices A to E are added from the appraisal. List any other papers attached, one "
        "a line; end the line with “(exempt, paragraph 3)” for one not for publication under "
        "that paragraph of Schedule 12A.",
    ),
    NarrativeSection(
        "background_papers",
        "Background papers",
        "The unpublished papers the report relies on, one a line, or “None”. Where they can "
        "be inspected is added from the header.",
    ),
    NarrativeSection(
        "contact",
        "Contact officer",
        "Anything to add to the contact officer's details entered above, such as an address.",
    ),
)
NARRATIVE_KEYS = tuple(s.key for s in NARRATIVE_SECTIONS)
_TITLES = {s.key: s.title for s in NARRATIVE_SECTIONS}
NOT_WRITTEN = "Not yet written"  # a draft's marked box; issuing refuses while one is left
NOT_ENTERED = "Not yet entered"

# Whole lines, matched with fullmatch (never "^…$", whose "$" also matches before a newline).
_BULLET = re.compile(r"\s*[-*•]\s+(.*)")
_DECIMAL = re.compile(r"\s*\d{1,3}[.)]\s+(.*)")
_ALPHA = re.compile(r"\s*\(?([a-z])\)\s+(.*)")


@dataclass(frozen=True)
class Part:
    """A run of lines (kept as line breaks) or a simple list within one paragraph."""

    lines: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    style: str = ""  # for lists: "bullet", "decimal" or "alpha"


# Sections where officers write one item a line (recommendations, reasons): each line is a
# paragraph of its own, as members vote on each.
ONE_PER_LINE = frozenset({"recommendations", "reasons", "previous", "appendices"})


def parse_narrative(text: str, *, one_per_line: bool = False) -> list[tuple[Part, ...]]:
    """Plain text → paragraphs (separated by blank lines), each a sequence of parts.

    Lines starting "- ", "* " or "• " are bullet items; "1. " or "1) " numbered items;
    "(a) " or "a) " lettered ones. Everything else is text, its line breaks kept (addresses),
    or with `one_per_line` each line of text starts a paragraph (list items stay with it). A
    list that starts a block continues the paragraph before it, if there is one.
    Nothing is interpreted as markup: the template escapes every string.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if one_per_line:
        lines = []
        for raw in text.split("\n"):
            if raw.strip() and not raw[:1].isspace() and _list_item(raw.strip()) is None:
                lines.append("")
            lines.append(raw)
        text = "\n".join(lines)
    paragraphs: list[tuple[Part, ...]] = []
    for block in re.split(r"\n\s*\n", text):
        parts = _parse_block(block)
        if parts and parts[0].items and paragraphs:
            # A list after a blank line belongs to the paragraph above ("The options are:"):
            # as a paragraph of its own it would take a number and print none.
            paragraphs[-1] += parts
        elif parts:
            paragraphs.append(parts)
    return paragraphs


def _list_item(line: str) -> tuple[str, str] | None:
    for pattern, style in ((_BULLET, "bullet"), (_DECIMAL, "decimal"), (_ALPHA, "alpha")):
        match = pattern.fullmatch(line)
        if match:
            return style, match.groups()[-1].strip()
    return None


def _parse_block(block: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    run: list[str] = []  # the current run of text lines or list items
    style = ""  # "" while the run is text lines
    for raw in block.split("\n"):
        line = raw.strip()
        if not line:
            continue
        item = _list_item(line)
        if item is None and style and raw[:1].isspace():
            run[-1] = f"{run[-1]} {line}"  # an indented line continues the list item
            continue
        kind = "" if item is None else item[0]
        if run and kind != style:
            parts.append(Part(items=tuple(run), style=style) if style else Part(lines=tuple(run)))
            run = []
        style = kind
        run.append(line if item is None else item[1])
    if run:
        parts.append(Part(items=tuple(run), style=style) if style else Part(lines=tuple(run)))
    return tuple(parts)
