"""After the meeting: what the record of decision is built from, and the rules of its states.

- `call_in_deadline`: the last day a decision may be called in, counted in working days from
  its publication, skipping weekends and the bank holidays of England and Wales (the
  maintained `holidays` package, never a hand-kept list: `working_day_after`, which the
  report's check of its meeting date counts with too).
- `issued_recommendations`: the recommendations of an issued version, as members read them
  in its report (from the version's frozen snapshot).
- `implementation_blocked`: why the chosen option may not be implemented yet (or None).

The appraisal moves issued → decided (a record of decision is entered) → implementing →
closed; the writes are in `actions.decision`, which refuse a move these rules forbid.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from .models import Decision, ReportVersion

DEFAULT_CALL_IN_DAYS = 5


@functools.cache
def _bank_holidays() -> Any:
    """England's bank holidays (Wales has the same ones), years filled in as they are asked."""
    import holidays

    return holidays.UK(subdiv="ENG")


def is_working_day(day: dt.date) -> bool:
    return _bank_holidays().is_working_day(day)


def working_day_after(day: dt.date, n: int) -> dt.date:
    """The `n`th working day after `day` (from a Monday, the 5th: the next Monday, or later
    when a bank holiday falls between)."""
    return _bank_holidays().get_nth_working_day(day, max(1, n))


def call_in_deadline(published_on: dt.date, working_days: int = DEFAULT_CALL_IN_DAYS) -> dt.date:
    """The last working day of the call-in period: the `working_days`th working day after
    the day of publication."""
    return working_day_after(published_on, working_days)


def _preferred_option(snapshot: Mapping[str, Any]) -> str | None:
    """The option the issued report recommended: the one officers marked, else the leader."""
    options = snapshot.get("options") or []
    names = {o.get("key"): o.get("name") for o in options}
    for option in options:
        if option.get("recommended"):
            return option.get("name")
    leader = (snapshot.get("results") or {}).get("leader")
    return names.get(leader)


def preferred_option_key(snapshot: Mapping[str, Any]) -> str:
    """The key of the option the issued report recommended ("" if it recommended none)."""
    options = snapshot.get("options") or []
    for option in options:
        if option.get("recommended"):
            return option.get("key") or ""
    return (snapshot.get("results") or {}).get("leader") or ""


def option_choices(snapshot: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, name) of each option of the issued version that was not rejected."""
    return [
        (o["key"], o["name"])
        for o in snapshot.get("options") or []
        if o.get("status") != "rejected" and o.get("key")
    ]


def option_name(decision: Decision) -> str:
    """The name of the option the decision chose, as the decided version called it."""
    names = dict(option_choices(decision.report_version.snapshot or {}))
    return names.get(decision.chosen_option, "")


def issued_recommendations(version: ReportVersion) -> list[str]:
    """Each recommendation of the issued report, as its text: the officer's, one a line, or
    the drafted one the report printed while none was written."""
    from .reports import recommendation_paragraphs

    snapshot = version.snapshot or {}
    narrative = (snapshot.get("report") or {}).get("narrative") or {}
    paragraphs = recommendation_paragraphs(
        narrative.get("recommendations", ""), _preferred_option(snapshot)
    )
    texts = []
    for parts in paragraphs:
        lines: list[str] = []
        for part in parts:
            lines.extend(part.lines)
            lines.extend(f"• {item}" for item in part.items)
        texts.append("\n".join(lines))
    return texts


def implementation_blocked(decision: Decision, today: dt.date) -> str | None:
    """Why implementation may not start (or go on) yet: None when it may."""
    status = decision.call_in_status
    if status == Decision.CallIn.CALLED_IN:
        return "The decision has been called in: implementation waits for the outcome."
    if status == Decision.CallIn.REFERRED_BACK:
        return (
            "The decision was referred back to the decision-maker: implementation waits "
            "for it to be taken again."
        )
    if not decision.chosen_option:
        return "The record of decision does not say which option is to be implemented."
    if status == Decision.CallIn.NONE:
        if decision.call_in_deadline is None:
            return "Enter the date the decision was published: the call-in period runs from it."
        if today <= decision.call_in_deadline:
            return (
                f"The decision may be called in until {decision.call_in_deadline:%-d %B %Y}: "
                "implementation starts after that."
            )
    return None


# Publication: what a published record of decision says, and when saving it is a correction --

# The fields the published record says (the call-in status is not among them: a call-in is
# what happens to the decision after publication, not a correction of its record).
PUBLISHED_FIELDS = (
    "maker",
    "maker_name",
    "decided_on",
    "minute_reference",
    "reasons",
    "alternatives_rejected",
    "interests_declared",
    "chosen_option",
    "published_on",
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def content_of(fields: Mapping[str, Any], outcomes: Sequence[Any]) -> dict:
    """What a record of decision says, as JSON: its fields and each recommendation's outcome
    (`outcomes`: DecisionRecommendation rows or actions.Outcome, which share the names)."""
    return {
        "fields": {name: _plain(fields.get(name)) for name in PUBLISHED_FIELDS},
        "recommendations": [
            {
                "number": o.number,
                "text": o.text,
                "outcome": o.outcome,
                "amended_text": (o.amended_text or "").strip() if o.outcome == "amended" else "",
            }
            for o in sorted(outcomes, key=lambda o: o.number)
        ],
    }


def is_correction(content: Mapping[str, Any], published: Mapping[str, Any]) -> bool:
    """Whether `content` says something other than the published record did."""
    return any(content.get(k) != published.get(k) for k in ("fields", "recommendations"))
