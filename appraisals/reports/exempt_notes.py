"""What the open report says about its exempt information (`appraisals.exempt`): where each
exempt part is, the exempt appendix in the list of appendices, and the Schedule 12A status
of each part."""

from __future__ import annotations

from ..exempt import ACT, APPENDIX_TITLE, Marks
from ..explain import join_names
from .narrative import _TITLES, Part
from .structure import Section


def exempt_finance_note(marks: Marks, key: str, option: str) -> str:
    """Said in place of an exempt option's financial case."""
    paragraph = marks.finance[key].paragraph
    return (
        f"The financial case for {option} is exempt under paragraph {paragraph} of {ACT}: it "
        f"is in {marks.where()}, which is not for publication, and is left out of the tables "
        "and chart here."
    )


def exempt_appendix_entry(marks: Marks) -> tuple[str, str, str]:
    """(letter, title, paragraphs) for the list of appendices."""
    return (
        marks.letter,
        APPENDIX_TITLE,
        join_names([str(n) for n in marks.paragraphs]),
    )


def part_words(mark, evaluation) -> str:
    """The part as the report names it: "The financial case for Shared service"."""
    if mark.kind == "finance":
        return f"The financial case for {evaluation.option_name(mark.target)}"
    if mark.kind == "risk":
        return f"Risk R{int(mark.target) + 1}"
    return f"Section “{_TITLES.get(mark.target, mark.target)}”"


def add_exempt_status(s: Section, marks: Marks, evaluation) -> None:
    """The Schedule 12A status of each part: everything is open but the parts listed, each
    with its paragraph and why the public interest favours keeping it exempt."""
    if not marks:
        return
    s.para(
        f"The body of this report is open. These parts are exempt under {ACT}, and are "
        f"in exempt Appendix {marks.letter}:",
        Part(
            items=tuple(
                f"{part_words(m, evaluation)}: paragraph {m.paragraph}. {m.reason.strip()}"
                for m in marks.parts
            ),
            style="bullet",
        ),
    )
