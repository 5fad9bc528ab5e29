"""What changed: two issued versions of the report compared, or the last one with the
appraisal as it stands, in plain words (`appraisals.changes`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import changes, exempt, reports
from ..access import can_edit, get_appraisal_for
from ..models import Appraisal
from ..results import evaluate, snapshot_of
from .allow import allow

NOW = "now"


@allow("GET")
def version_compare(request: HttpRequest, reference: str) -> HttpResponse:
    """`?from=1&to=2`, or `to=now`; by default the last issued version with now."""
    appraisal = get_appraisal_for(request.user, reference)
    issued = list(appraisal.report_versions.order_by("-number").values_list("number", "issued_at"))
    context: dict[str, Any] = {
        "appraisal": appraisal,
        "section": "versions",
        "choices": [
            (str(n), f"Version {n}, issued {timezone.localtime(at):%-d %B %Y}") for n, at in issued
        ],
        "now": NOW,
    }
    if not issued:
        return render(request, "appraisals/version_compare.html", context)
    numbers = [n for n, _ in issued]
    old_choice = request.GET.get("from") or str(numbers[0])
    new_choice = request.GET.get("to") or NOW
    old_number, new_number = _number(old_choice, numbers), _number(new_choice, numbers)
    if old_number is None:
        raise Http404("Compare from an issued version")
    snapshots = dict(
        appraisal.report_versions.filter(
            number__in=[n for n in (old_number, new_number) if n is not None]
        ).values_list("number", "snapshot")
    )
    new = snapshot_of(evaluate(appraisal)) if new_number is None else snapshots[new_number]
    # Members and partners see the report's draft text once officers have shared it.
    shows_text = (
        new_number is not None or can_edit(request.user, appraisal) or _draft_shared(appraisal)
    )
    old = snapshots[old_number]
    if not exempt.may_see(request.user, appraisal):
        # Neither version's exempt information, for anyone who may not read it.
        old, new = exempt.open_pair(old, new)
    comparison = changes.compare(
        old,
        new,
        section_titles=[(s.key, s.title) for s in reports.NARRATIVE_SECTIONS],
        include_text=shows_text,
    )
    context |= {
        "comparison": comparison,
        "old_choice": old_choice,
        "new_choice": new_choice,
        "old_name": f"version {old_number}",
        "new_name": "now" if new_number is None else f"version {new_number}",
        "shows_text": shows_text,
    }
    return render(request, "appraisals/version_compare.html", context)


def _number(choice: str, numbers: list[int]) -> int | None:
    """An issued version's number, None for now; 404 for anything else."""
    if choice == NOW:
        return None
    if not choice.isdigit() or int(choice) not in numbers:
        raise Http404("No such version")
    return int(choice)


def _draft_shared(appraisal: Appraisal) -> bool:
    return bool(appraisal.draft_ready_for_members)
