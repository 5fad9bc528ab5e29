"""What the section and appendix builders share: one evaluation and its options by status."""

from __future__ import annotations

from collections.abc import Mapping

from ..exempt import marks_of
from ..models import DeliveryModel
from ..results import Evaluation
from .previous import PreviousVersion


class _BuilderBase:
    """The state `_Sections` and `_Appendices` build from; `_Builder` joins the two."""

    def __init__(
        self,
        evaluation: Evaluation,
        narrative: Mapping[str, str],
        models: Mapping[str, DeliveryModel],
        previous: PreviousVersion | None = None,
    ) -> None:
        self.e = evaluation
        self.previous = previous  # the last issued version: "Changes since version N"
        self.doc = evaluation.document
        self.exempt = marks_of(self.doc)  # the parts left out, and their appendix's letter
        self.r = evaluation.result
        self.narrative = narrative
        self.models = models
        self.options = {o["key"]: o for o in self.doc["options"]}
        self.shortlisted = [o for o in self.doc["options"] if o.get("status") == "shortlisted"]
        self.rejected = [o for o in self.doc["options"] if o.get("status") == "rejected"]
        self.longlisted = [o for o in self.doc["options"] if o.get("status") == "longlisted"]
        self.number = 0
        self.section_numbers: dict[str, str] = {}  # section key -> its number, as built
        self.tables = 0  # numbered tables so far

    def table_caption(self, text: str) -> str:
        """The next table's caption, numbered: tables run 1, 2, 3 without gaps."""
        self.tables += 1
        return f"Table {self.tables}: {text}"
