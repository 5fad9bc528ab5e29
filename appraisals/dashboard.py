"""A council's dashboard: every appraisal it leads or is a partner in, one line each.

Each line needs the appraisal's evaluation (the option recommended or leading, its central
net present value and its share of the savings target) and where its tasks stand (what it
is waiting on). Those are computed once per change of the appraisal and kept in the cache
(`Line`, a few hundred bytes) under the appraisal's newest history row, its status and its
last save: every write leaves a history row (`appraisals/history.py`), so a changed
appraisal gets a new key and nothing needs invalidating. A warm dashboard is then a fixed
number of queries, however many appraisals the council has; a cold line costs one
`results.evaluate` (which reads the evaluation cache too) and the task list's one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import OuterRef, Q, QuerySet, Subquery

from .exempt import council_may_see, marks_of
from .models import Appraisal, Authority, Change
from .results import _method_fingerprint, evaluate

WAITING_ISSUED = "Nothing: the report is issued"


@dataclass(frozen=True)
class Figures:
    """What the evaluation says, for one appraisal (cached)."""

    option: str  # the option's name, "" while none can be ranked
    option_is: str  # "Recommended" (marked by officers), "Leading" (top of the ranking) or ""
    npv_central: float | None  # the option's central net present value, £ (lead's share)
    partner_npv: dict[str, float]  # each partner's share of it, by council name
    target_share: float | None  # its central savings in the target year / the target
    waiting_on: str  # the first task not completed, and why, in the officer's words
    # The option's financial case is exempt (appraisals.exempt): a partner's dashboard shows
    # its figures only where the lead council allows partners to read exempt information.
    exempt: bool = False


@dataclass(frozen=True)
class Line:
    """One row of the dashboard."""

    appraisal: Appraisal
    role: str  # "Lead" or "Partner"
    council: str  # the council whose dashboard it is
    figures: Figures

    # Flat accessors, for the table's columns, sorting and the exports.
    @property
    def title(self) -> str:
        return self.appraisal.title

    @property
    def reference(self) -> str:
        return self.appraisal.reference

    @property
    def lead_council(self) -> str:
        return self.appraisal.lead_authority.name

    @property
    def status(self) -> str:
        label = self.appraisal.get_status_display()
        return f"{label} (archived)" if self.appraisal.archived else label

    @property
    def meeting_date(self) -> date | None:
        return self.appraisal.meeting_date

    @property
    def option(self) -> str:
        return self.figures.option

    @property
    def option_is(self) -> str:
        return self.figures.option_is

    @property
    def withheld(self) -> bool:
        """The figures are exempt information this council may not read."""
        return self.figures.exempt and not council_may_see(
            self.appraisal, lead=self.role == "Lead", partner=self.role == "Partner"
        )

    @property
    def npv_central(self) -> float | None:
        """The council's own: the lead's share, or this partner's (None if it has none)."""
        if self.withheld:
            return None
        if self.role == "Lead":
            return self.figures.npv_central
        return self.figures.partner_npv.get(self.council)

    @property
    def target_share(self) -> float | None:
        return None if self.withheld else self.figures.target_share

    @property
    def waiting_on(self) -> str:
        return self.figures.waiting_on


def council_appraisals(authority: Authority) -> QuerySet[Appraisal]:
    """The appraisals the council leads or is a partner in, each with its newest history row
    (for the cache key), in one query."""
    partnered = Appraisal.partners.through.objects.filter(authority=authority).values("appraisal")
    newest = Change.objects.filter(appraisal=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return (
        Appraisal.objects.filter(Q(lead_authority=authority) | Q(pk__in=partnered))
        .select_related("lead_authority")
        .annotate(newest_change=Subquery(newest))
    )


def _key(appraisal: Appraisal) -> str:
    stamp = appraisal.updated_at.isoformat() if appraisal.updated_at else ""
    return (
        f"dashboard:{appraisal.pk}:{appraisal.newest_change}:{appraisal.status}:{stamp}:"
        f"{_method_fingerprint()}"
    )


def _waiting_on(appraisal: Appraisal) -> str:
    # The task list's own words ("Panels and scoring: give the 3 scores left."), from the
    # overview's code, so the two never disagree.
    from .views.workspace import COMPLETED, _progress, _tasks

    if appraisal.status == Appraisal.Status.ISSUED:
        return WAITING_ISSUED
    if appraisal.status == Appraisal.Status.DECIDED:
        return "Implementation: it starts once the call-in period has passed"
    if appraisal.status == Appraisal.Status.IMPLEMENTING:
        return "Implementation: milestones and actual savings"
    if appraisal.status == Appraisal.Status.CLOSED:
        return "Nothing: the appraisal is closed"
    for task in _tasks(appraisal, _progress(appraisal)):
        if task.status != COMPLETED:
            return f"{task.name}: {task.why}" if task.why else task.name
    return "Issuing the report"


def figures_of(appraisal: Appraisal) -> Figures:
    """Computed afresh: the evaluation (without Monte Carlo samples) and the task list."""
    option_key, option_is, npv, share, partners = None, "", None, None, {}
    try:
        evaluation = evaluate(appraisal, samples=0)
    except ValueError:  # e.g. a pairwise matrix that no longer fits the criteria
        evaluation = None
    if evaluation is not None:
        if evaluation.recommended:
            option_key, option_is = evaluation.recommended, "Recommended"
        elif evaluation.leader:
            option_key, option_is = evaluation.leader, "Leading"
        money = evaluation.finance.get(option_key) if option_key else None
        if money is not None:
            npv, share = money.npv_central, money.target_share
            partners = {name: p.npv_central for name, p in money.partner_shares.items()}
    return Figures(
        option=evaluation.option_name(option_key) if evaluation and option_key else "",
        option_is=option_is,
        npv_central=npv,
        partner_npv=partners,
        target_share=share,
        waiting_on=_waiting_on(appraisal),
        exempt=bool(
            evaluation and option_key and option_key in marks_of(evaluation.document).finance
        ),
    )


def lines(authority: Authority, appraisals: QuerySet[Appraisal]) -> list[Line]:
    """The dashboard's lines for `appraisals` (from `council_appraisals`, maybe filtered):
    figures from the cache, computed only for appraisals changed since they were cached."""
    rows = list(appraisals)
    keys = {a.pk: _key(a) for a in rows}
    cached = cache.get_many(list(keys.values()))
    fresh = {}
    for a in rows:
        if keys[a.pk] not in cached:
            fresh[keys[a.pk]] = figures_of(a)
    if fresh:
        cache.set_many(fresh)
    found = {**cached, **fresh}
    return [
        Line(
            appraisal=a,
            role="Lead" if a.lead_authority_id == authority.pk else "Partner",
            council=authority.name,
            figures=found[keys[a.pk]],
        )
        for a in rows
    ]


# Exports -----------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    ("Title", "title"),
    ("Reference", "reference"),
    ("Lead council", "lead_council"),
    ("Role", "role"),
    ("Status", "status"),
    ("Meeting", "meeting_date"),
    ("Option", "option"),
    ("Recommended or leading", "option_is"),
    ("Central net present value (£)", "npv_central"),
    ("Share of the savings target (%)", "target_share_percent"),
    ("Waiting on", "waiting_on"),
)


def _value(line: Line, attr: str):
    if attr == "target_share_percent":
        share = line.target_share
        return None if share is None else round(share * 100, 1)
    if attr == "npv_central":
        return None if line.npv_central is None else round(line.npv_central)
    return getattr(line, attr)


def to_csv(rows: list[Line]) -> str:
    """The dashboard as CSV; text a spreadsheet would run as a formula is escaped."""
    import csv
    import io

    from .interchange import csv_safe

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in EXPORT_COLUMNS])
    for line in rows:
        values = [_value(line, attr) for _, attr in EXPORT_COLUMNS]
        writer.writerow(
            [csv_safe("" if v is None else v.isoformat() if isinstance(v, date) else v)
             for v in values]
        )  # fmt: skip
    return out.getvalue()


def to_xlsx(rows: list[Line]) -> bytes:
    """The dashboard as a workbook: text is stored as text (never a formula), numbers as
    numbers, dates as dates."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Dashboard"
    sheet.append([name for name, _ in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in rows:
        sheet.append([_value(line, attr) for _, attr in EXPORT_COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for column, width in zip(
        "ABCDEFGHIJK", (40, 24, 28, 9, 18, 12, 30, 14, 16, 16, 60), strict=True
    ):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
