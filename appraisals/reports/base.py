"""What the section and appendix builders share: one evaluation and its options by status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..exempt import marks_of
from ..models import DeliveryModel
from ..results import Evaluation
from .law import powers_on
from .previous import PreviousVersion
from .structure import Figure


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
        self.figures = 0  # figures (charts) in the body so far

    def table_caption(self, text: str) -> str:
        """The next table's caption, numbered: tables run 1, 2, 3 without gaps."""
        self.tables += 1
        return f"Table {self.tables}: {text}"

    def next_figure(self) -> str:
        """ "Figure 2": how the text names the next figure of the body, as `number_tables`
        will number it (the appendices' figures are numbered in each, "Figure B1")."""
        return f"Figure {self.figures + 1}"

    def figure(self, chart: Any, cls: str = "") -> Figure:
        """A chart for the body, counted so that the text can name it (`next_figure`)."""
        self.figures += 1
        return Figure(chart, cls)

    def model_powers(self, model_key: str) -> list[str]:
        """The powers expected to be relied on for a delivery model, as the law stood on the
        day of the meeting (`law.powers_on`), with those for an NHS partner only where a
        partner of the appraisal or of an option using the model is an NHS body."""
        model = self.models.get(model_key)
        if model is None:
            return []
        meeting = (self.doc.get("committee") or {}).get("meeting_date")
        partners = [
            p
            for o in self.doc["options"]
            if o["delivery_model"] == model_key
            for p in o.get("partners") or []
        ] + list(self.doc.get("partners") or [])
        return powers_on(
            _relevant_powers(model.legal_basis_list(), partners),
            dt.date.fromisoformat(meeting) if meeting else None,
        )


def _relevant_powers(powers: Sequence[str], partners: Sequence[str]) -> list[str]:
    """The catalogue's powers for a model, less those for an NHS partner where no partner is
    an NHS body (told by its name, as the import tells an authority's kind)."""
    nhs = any("nhs" in p.lower() for p in partners)
    return [p for p in powers if nhs or "NHS" not in p]
