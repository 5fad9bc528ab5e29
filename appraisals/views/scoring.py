"""The scoring grid: one panel's scores, options as columns and criteria as rows.

Each cell saves on its own through htmx (`score_cell`) and answers with the cell and the
panel's totals; without JavaScript the grid is one form that saves every changed cell.
Writes go through `actions.save_score`, which refuses a stale version (no lost updates).
"""

from __future__ import annotations

import hashlib
import html
import math
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeData, SafeString, mark_safe

from .. import engine
from ..access import can_edit, can_score, get_appraisal_for, get_panel_for
from ..actions import Conflict, save_score
from ..history import person_name
from ..interests import ScoringBarred, grid_marks
from ..models import Appraisal, Criterion, Option, Panel, Score
from .allow import allow

MAX_REASON = 5000


def _number(value: float) -> str:
    return f"{value:g}"


def _digest(score: str, reason: str) -> str:
    """What the user saw in a cell when they loaded it, so an untouched cell is never saved."""
    return hashlib.sha256(f"{score}\x00{reason}".encode()).hexdigest()[:16]


class ScoreForm(forms.Form):
    """One cell as typed: a score within the scale (blank removes it) and its reason.

    The messages are ours, in the GOV.UK pattern: the grid shows each in its cell and the
    error summary puts the cell's name before it ("Option 1 on Cost: Score must be ...").
    A score is never told about characters: whatever is not a number on the scale is
    refused as that.
    """

    score = forms.CharField(required=False)
    reason = forms.CharField(
        required=False,
        max_length=MAX_REASON,
        error_messages={"max_length": f"Reason must be {MAX_REASON:,} characters or fewer"},
    )
    version = forms.IntegerField(required=False, min_value=0)
    loaded = forms.CharField(required=False, max_length=16)

    def __init__(self, *args, scale: tuple[float, float], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scale = scale

    def clean_score(self) -> float | None:
        text = self.cleaned_data["score"].strip()
        if not text:
            return None
        low, high = (_number(x) for x in self.scale)
        try:
            # Too long to be a score on any scale: say what is wanted, not how many characters.
            value = float(text) if len(text) <= 20 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise forms.ValidationError(f"Score must be a number from {low} to {high}")
        if not self.scale[0] <= value <= self.scale[1]:
            raise forms.ValidationError(f"Score must be between {low} and {high}")
        return value

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"].replace("\r\n", "\n").strip()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("score") is None and data.get("reason") and "score" not in self.errors:
            self.add_error("score", "Enter a score to go with the reason")
        return data


@dataclass
class Cell:
    option: Option
    criterion: Criterion
    stored: Score | None
    row: int
    col: int
    # What the inputs show: the stored score, or what the user typed when it was refused.
    score: str = ""
    reason: str = ""
    error: str = ""
    reason_error: bool = False  # the error is about the reason box, not the score
    conflict: bool = False
    saved: bool = False
    # Why the user may not score this cell (a declared disclosable pecuniary interest), if so.
    barred: str = ""
    # Who entered the stored score before declaring an interest in the option, if anyone.
    flagged_by: str = ""
    post_url: str = ""  # where the cell saves itself (`score_cell`), set by `Grid.load`

    def __post_init__(self) -> None:
        self.show_stored()

    @property
    def prefix(self) -> str:
        return f"c{self.option.pk}-{self.criterion.pk}"

    @property
    def version(self) -> int:
        return self.stored.version if self.stored else 0

    @property
    def loaded(self) -> str:
        stored = self.stored
        return _digest(_number(stored.score), stored.reason) if stored else _digest("", "")

    @property
    def label(self) -> str:
        return f"{self.option.name} on {self.criterion.name}"

    @property
    def changed_by(self) -> str:
        """Who last changed the stored score, or "" when nobody is recorded: imported and demo
        scores have no author, nor do those of a user since removed."""
        user = self.stored.updated_by if self.stored else None
        return person_name(user) if user else ""

    def show_stored(self) -> None:
        self.score = _number(self.stored.score) if self.stored else ""
        self.reason = self.stored.reason if self.stored else ""

    @property
    def html(self) -> SafeString:
        """The cell, as the grid prints it (`cell_html`)."""
        return cell_html(self)

    @property
    def body_html(self) -> SafeString:
        """The inside of the cell, which each save swaps (`cell_body_html`)."""
        return cell_body_html(self)


# The grid's cells are printed here rather than by a template: a 12 x 40 grid has 480 of
# them, and Django's template engine took about 0.4 s of CPU to render them (each lookup and
# tag costs microseconds, a cell has a hundred), against a few milliseconds here. The HTML is
# the same as the template's was, every value escaped as the template escapes it (`_e`:
# Django's conditional_escape without its lazy-string wrapper, a third of the time here).


def _e(value: object) -> str:
    return value if isinstance(value, SafeData) else html.escape(str(value))  # type: ignore[return-value]


def cell_html(cell: Cell) -> SafeString:
    """The grid's table cell: saves itself through htmx (`score_cell`), sending only its own
    four fields, queued behind any other save from the grid."""
    p = _e(cell.prefix)
    return mark_safe(  # noqa: S308 (every value escaped)
        f'\n<td class="govuk-table__cell app-scoring__cell" id="{p}" data-row="{cell.row}" '
        f'data-col="{cell.col}" hx-post="{_e(cell.post_url)}" hx-trigger="change, cell-save" '
        'hx-target="this" hx-swap="innerHTML" hx-sync="closest form:queue all" '
        f'hx-params="{p}-score,{p}-reason,{p}-version,{p}-loaded">\n'
        f"{cell_body_html(cell)}</td>"
    )


def _describedby(*ids: str) -> str:
    joined = " ".join(i for i in ids if i)
    return f' aria-describedby="{joined}"' if joined else ""


def cell_body_html(cell: Cell) -> SafeString:
    """The inside of a cell: the score and reason boxes with their labels, or why the user
    may not score it; any error, conflict (who changed it, when and to what), flag or
    "Saved" beside them."""
    p, label, stored = _e(cell.prefix), _e(cell.label), cell.stored
    out: list[str] = []
    add = out.append
    if cell.barred:
        add('  <div class="app-scoring__body app-scoring__body--barred">\n')
        add(f'    <p class="govuk-body-s govuk-!-margin-bottom-1" id="{p}-barred">')
        add(f'<span class="govuk-visually-hidden">{label}: </span>')
        if stored:
            add(f"Score {_e(_number(stored.score))}. ")
        add(f"{_e(cell.barred)}</p>\n")
        if cell.flagged_by:
            add(
                '    <p class="govuk-body-s govuk-!-margin-bottom-0"><strong class="govuk-tag '
                'govuk-tag--orange">Entered before an interest was declared</strong></p>\n'
            )
        add("  </div>\n")
        return mark_safe("".join(out))  # noqa: S308 (every value escaped)
    state = (
        " govuk-form-group--error"
        if cell.error
        else (" app-scoring__body--conflict" if cell.conflict else "")
    )
    add(f'  <div class="govuk-form-group govuk-!-margin-bottom-0 app-scoring__body{state}"')
    add(" data-conflict>\n" if cell.conflict else ">\n")
    if cell.error:
        add(
            f'    <p id="{p}-error" class="govuk-error-message"><span '
            f'class="govuk-visually-hidden">Error:</span> {_e(cell.error)}</p>\n'
        )
    if cell.conflict:
        add(f'    <div class="app-scoring__conflict" id="{p}-conflict">\n')
        if stored:
            when = timezone.localtime(stored.updated_at)
            by = f" by {_e(cell.changed_by)}" if cell.changed_by else ""
            add(
                '      <p class="govuk-body-s govuk-!-margin-bottom-1">This score was changed'
                f"{by} at {dateformat.format(when, 'H:i')} on "
                f"{dateformat.format(when, 'j F Y')} to "
                f"<strong>{_e(_number(stored.score))}</strong> since you opened the page.</p>\n"
            )
            if stored.reason:
                add(
                    '      <p class="govuk-body-s govuk-!-margin-bottom-1">Their reason: '
                    f"{_e(stored.reason)}</p>\n"
                )
        else:
            add(
                '      <p class="govuk-body-s govuk-!-margin-bottom-1">This score was removed by '
                "someone else since you opened the page.</p>\n"
            )
        add(
            '      <p class="govuk-body-s govuk-!-margin-bottom-1">Your value is kept below and '
            "was not saved. To save it over theirs, press Enter in the score box or choose "
            "Save my score.</p>\n"
            # Out of the Tab order, which stays score, reason, next score: keyboards press
            # Enter in the score box, or the same button under "Scores not saved" after the
            # grid (scoring.js).
            '      <button type="submit" class="govuk-button govuk-button--secondary '
            'govuk-!-margin-bottom-1 app-scoring__retry" data-module="govuk-button" '
            'tabindex="-1">Save my '
            f'score<span class="govuk-visually-hidden"> for {label}</span></button>\n'
            "    </div>\n"
        )
    guided = bool(cell.criterion.guidance or cell.criterion.description)
    keys = (
        f' aria-keyshortcuts="Alt+G" data-guidance="guidance-{cell.criterion.pk}"' if guided else ""
    )
    guidance_key = "guidance-key" if guided else ""
    score_error = cell.error and not cell.reason_error
    if score_error:
        score_described = _describedby(f"{p}-error", guidance_key)
    elif cell.conflict:
        score_described = _describedby(f"{p}-conflict", guidance_key)
    else:
        score_described = _describedby(guidance_key)
    reason_described = _describedby(f"{p}-error" if cell.reason_error else "", guidance_key)
    add(
        f'    <label class="govuk-label govuk-visually-hidden" for="{p}-score">Score for '
        f"{label}</label>\n"
        '    <input class="govuk-input govuk-input--width-3 app-scoring__score'
        f'{" govuk-input--error" if score_error else ""}" id="{p}-score" name="{p}-score" '
        'type="text" inputmode="decimal" spellcheck="false" autocomplete="off" '
        f'value="{_e(cell.score)}"{score_described}{keys}>\n'
        f'    <input type="hidden" name="{p}-version" value="{cell.version}">\n'
        f'    <input type="hidden" name="{p}-loaded" value="{_e(cell.loaded)}">\n'
        f'    <label class="govuk-label govuk-visually-hidden" for="{p}-reason">Reason for the '
        f"score for {label}</label>\n"
        '    <textarea class="govuk-textarea govuk-!-margin-bottom-0 app-scoring__reason'
        f'{" govuk-textarea--error" if cell.reason_error else ""}" id="{p}-reason" '
        f'name="{p}-reason" rows="2" placeholder="Reason"{reason_described}{keys}>'
        f"{_e(cell.reason)}</textarea>\n"
    )
    if cell.flagged_by:
        add(
            '    <p class="govuk-body-s govuk-!-margin-bottom-0"><strong class="govuk-tag '
            f'govuk-tag--orange">Entered before {_e(cell.flagged_by)} declared an interest'
            "</strong></p>\n"
        )
    if cell.saved:
        add('    <p class="govuk-body-s govuk-!-margin-bottom-0 app-scoring__saved">Saved</p>\n')
    add("  </div>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped)


@dataclass
class Total:
    option: Option
    value: float | None
    rank: int | None
    scored: int


@dataclass
class Grid:
    """One panel's cells, loaded with three queries (options, criteria, this panel's scores)."""

    appraisal: Appraisal
    panel: Panel
    options: list[Option]
    criteria: list[Criterion]
    rows: list[tuple[Criterion, list[Cell]]] = field(default_factory=list)

    @classmethod
    def load(cls, appraisal: Appraisal, panel: Panel, user=None) -> Grid:
        options = list(
            appraisal.options.filter(Q(status=Option.Status.SHORTLISTED) | Q(baseline=True))
        )
        criteria = list(appraisal.criteria.all())
        # Unordered (`order_by()`): Score's default ordering joins panel, option and criterion
        # to their appraisal only to sort rows this dictionary keys by cell.
        scores = {
            (s.option_id, s.criterion_id): s
            for s in panel.scores.select_related("updated_by").filter(option__in=options).order_by()
        }
        grid = cls(appraisal, panel, options, criteria)
        barred, flagged = grid_marks(appraisal, user, options)
        # Each cell's own URL (`score_cell`) is the grid's with the two keys after it: one
        # reverse() for the grid instead of one a cell (tests/test_scoring.py checks it).
        scoring_url = reverse("appraisals:scoring", args=[appraisal.reference, panel.key])
        grid.rows = [
            (
                criterion,
                [
                    Cell(
                        option,
                        criterion,
                        scores.get((option.pk, criterion.pk)),
                        r,
                        c,
                        barred=barred.get(option.pk, ""),
                        post_url=f"{scoring_url}{option.key}/{criterion.key}/",
                    )
                    for c, option in enumerate(options)
                ],
            )
            for r, criterion in enumerate(criteria)
        ]
        for cell in grid.cells:
            if cell.stored is not None and cell.stored.pk in flagged:
                cell.flagged_by = cell.changed_by
        return grid

    @property
    def cells(self) -> list[Cell]:
        return [cell for _, cells in self.rows for cell in cells]

    def cell(self, option_key: str, criterion_key: str) -> Cell:
        for cell in self.cells:
            if cell.option.key == option_key and cell.criterion.key == criterion_key:
                return cell
        raise Http404("No such option or criterion to score")

    def result(self) -> engine.AppraisalResult | None:
        """This panel's scores on their own, through the engine (None without criteria or
        with a pairwise matrix that does not fit them)."""
        a = self.appraisal
        inp = engine.AppraisalIn(
            scale_min=a.scale_min,
            scale_max=a.scale_max,
            criteria=tuple(
                engine.CriterionIn(c.key, c.name, c.weight, c.group) for c in self.criteria
            ),
            options=tuple(
                engine.OptionIn(o.key, o.name, o.baseline, o.status) for o in self.options
            ),
            panels=(engine.PanelIn(self.panel.key, self.panel.name),),
            scores=tuple(
                engine.ScoreIn(
                    self.panel.key, cell.option.key, cell.criterion.key, cell.stored.score
                )
                for cell in self.cells
                if cell.stored is not None
            ),
            weighting_method=a.weighting_method,
            pairwise_matrix=(
                tuple(tuple(float(x) for x in row) for row in a.pairwise_matrix)
                if a.pairwise_matrix
                else None
            ),
        )
        if not inp.criteria:
            return None
        try:
            return engine.compute(inp, samples=0)
        except ValueError:  # a pairwise matrix that no longer fits the criteria
            return None

    def totals(self, result: engine.AppraisalResult | None) -> list[Total]:
        if result is None:
            return []
        n = len(self.criteria)
        return [
            Total(option, r.value, r.rank, n - len(r.missing))
            for option, r in zip(self.options, result.options, strict=True)
        ]


def _panel_to_score(user, appraisal: Appraisal, key: str) -> Panel:
    panel = get_panel_for(user, appraisal, key)
    if not can_score(user, panel):
        raise PermissionDenied("Only the panel's members and the lead council's officers score.")
    return panel


def _read(cell: Cell, data, *, panel: Panel) -> dict | None:
    """The cell's fields from `data`, validated; None (and the error on the cell) if invalid."""
    form = ScoreForm(
        data, prefix=cell.prefix, scale=(panel.appraisal.scale_min, panel.appraisal.scale_max)
    )
    if form.is_valid():
        return form.cleaned_data
    cell.score = data.get(f"{cell.prefix}-score", "").strip()
    cell.reason = data.get(f"{cell.prefix}-reason", "").replace("\r\n", "\n").strip()
    cell.reason_error = "score" not in form.errors and "reason" in form.errors
    cell.error = form.errors.get("score", form.errors.get("reason", [""]))[0]
    return None


def _save(cell: Cell, typed: dict, *, panel: Panel, user) -> None:
    """Save a validated cell if the user changed it; on a conflict keep their values to retry."""
    score, reason, stored = typed["score"], typed["reason"], cell.stored
    if (stored is None and score is None) or (
        stored is not None and stored.score == score and stored.reason == reason
    ):
        return  # nothing to change
    shown = "" if score is None else _number(score)
    if typed["loaded"] == _digest(shown, reason):
        return  # the user left this cell as they found it: never overwrite someone else
    try:
        cell.stored = save_score(
            panel=panel,
            option=cell.option,
            criterion=cell.criterion,
            score=score,
            reason=reason,
            expected_version=typed["version"],
            user=user,
        )
    except ScoringBarred as barred:
        cell.error = str(barred)
        return
    except Conflict as conflict:
        cell.stored = conflict.current  # shown to them beside their own values
        cell.score, cell.reason, cell.conflict = shown, reason, True
        return
    cell.show_stored()
    cell.saved = True


def _context(request: HttpRequest, grid: Grid, **extra) -> dict:
    result = grid.result()
    return {
        "appraisal": grid.appraisal,
        "panel": grid.panel,
        "grid": grid,
        "rows": [
            (criterion, result.weights[criterion.key] if result else None, cells)
            for criterion, cells in grid.rows
        ],
        "totals": grid.totals(result),
        "guidance": [c for c in grid.criteria if c.guidance or c.description],
        "scale_min": _number(grid.appraisal.scale_min),
        "scale_max": _number(grid.appraisal.scale_max),
        "section": "tasks",  # under Overview in the appraisal's navigation, as the panels page
        **extra,
    }


def _other_panels(user, grid: Grid) -> list[Panel]:
    """The appraisal's other panels this user scores, linked after the grid, so an officer
    scoring every panel goes from one grid to the next in one click. A member who scores
    this panel is in the appraisal's councils already: they score the panels they are in."""
    panels = grid.appraisal.panels.exclude(pk=grid.panel.pk)
    if not can_edit(user, grid.appraisal):
        panels = panels.filter(members=user)
    return list(panels.only("key", "name"))


@allow("GET", "POST")
def scoring(request: HttpRequest, reference: str, panel: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    grid = Grid.load(appraisal, _panel_to_score(request.user, appraisal, panel), request.user)
    if request.method == "POST":  # the whole grid, sent without JavaScript
        # Cells the user may not score (a declared interest) have no boxes: never read them.
        typed = [
            (cell, _read(cell, request.POST, panel=grid.panel))
            for cell in grid.cells
            if not cell.barred
        ]
        errors = [cell for cell, fields in typed if fields is None]
        if not errors:  # all or nothing: a grid with a mistake saves no cell
            for cell, fields in typed:
                _save(cell, fields, panel=grid.panel, user=request.user)
        conflicts = [c for c in grid.cells if c.conflict]
        if not errors and not conflicts:
            saved = sum(c.saved for c in grid.cells)
            messages.success(request, f"{saved} score{'s' if saved != 1 else ''} saved.")
            return redirect("appraisals:scoring", appraisal.reference, grid.panel.key)
        return render(
            request,
            "appraisals/scoring.html",
            _context(
                request,
                grid,
                errors=errors,
                conflicts=conflicts,
                other_panels=_other_panels(request.user, grid),
            ),
        )
    return render(
        request,
        "appraisals/scoring.html",
        _context(request, grid, other_panels=_other_panels(request.user, grid)),
    )


@allow("POST")
def score_cell(
    request: HttpRequest, reference: str, panel: str, option: str, criterion: str
) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    grid = Grid.load(appraisal, _panel_to_score(request.user, appraisal, panel), request.user)
    cell = grid.cell(option, criterion)
    typed = None if cell.barred else _read(cell, request.POST, panel=grid.panel)
    if typed is not None:
        _save(cell, typed, panel=grid.panel, user=request.user)
    if not request.htmx:
        return redirect("appraisals:scoring", appraisal.reference, grid.panel.key)
    # 200 even for an error or a conflict: htmx 2 swaps only successful responses.
    return render(
        request, "appraisals/scoring.html#cell-response", _context(request, grid, cell=cell)
    )
