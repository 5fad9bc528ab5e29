"""The version a new report follows: its "Changes since version N" appendix compares the
state being issued (or drafted) with the snapshot that version kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..models import Appraisal


@dataclass(frozen=True)
class PreviousVersion:
    number: int
    issued_at: dt.datetime
    snapshot: dict[str, Any]


def previous_version(appraisal: Appraisal) -> PreviousVersion | None:
    """The last issued version, if any (one query)."""
    row = (
        appraisal.report_versions.order_by("-number")
        .values_list("number", "issued_at", "snapshot")
        .first()
    )
    return None if row is None else PreviousVersion(*row)
