"""The appendices A to E: scores, weights, sensitivity, risk register, delivery models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from .. import changes, charts
from ..exempt import open_pair, risks_note
from ..explain import (
    format_chance,
    format_percent,
    format_score,
    format_value,
    in_scale,
    join_names,
    on_scale,
    rank_label,
)
from ..explain import the_panel as _the_panel
from ..results import snapshot_of
from .base import _BuilderBase
from .formatting import (
    RATING_AFTER,
    RATING_BEFORE,
    _columns,
    _columns_of,
    _date,
    _figure,
    _plural,
    _rating_cell,
)
from .narrative import NARRATIVE_SECTIONS, Part
from .structure import Cell, Column, Row, Section, Subheading, Table

# The appendices built from the appraisal: (letter, key, title). The report's list of
# appendices names them; an officer's own attached papers follow from F.
APPENDICES = (
    ("A", "scores", "Scores by panel, with reasons"),
    ("B", "weights", "Weights and how they were set"),
    ("C", "sensitivity", "Sensitivity"),
    ("D", "risk-register", "Risk register"),
    ("E", "delivery-models", "The delivery models"),
)
_TITLE = {key: (letter, title) for letter, key, title in APPENDICES}


class _Appendices(_BuilderBase):
    """The appendices; each method is one appendix."""

    # Appendices ----------------------------------------------------------------------------

    def appendix(self, key: str) -> Section:
        letter, title = _TITLE[key]
        return Section(letter, key, title)

    def appendices(self) -> list[Section]:
        built = [
            self.score_matrix(),
            self.weights(),
            self.sensitivity(),
            self.risk_register(),
            self.delivery_models(),
        ]
        if self.previous is not None:
            built.append(self.changes_since())
        return built

    def changes_letter(self) -> str:
        """The letter of "Changes since version N": after the officer's own attached papers
        (F, G, …) and the exempt appendix, so the letters they wrote in the text never move
        when a version follows."""
        from .sections import attached_appendices

        attached = len(attached_appendices(self.narrative.get("appendices", "")))
        return chr(ord("F") + attached + (1 if self.exempt else 0))

    def changes_title(self) -> str:
        return f"Changes since version {self.previous.number}" if self.previous else ""

    def changes_since(self) -> Section:
        """What changed since the last issued version, from its snapshot to this state
        (`appraisals.changes`), group by group; a group with none says so."""
        previous = self.previous
        s = Section(self.changes_letter(), "changes", self.changes_title())
        comparison = changes.compare(
            *open_pair(previous.snapshot, snapshot_of(self.e)),
            section_titles=[(n.key, n.title) for n in NARRATIVE_SECTIONS],
        )
        issued = _date(timezone.localdate(previous.issued_at))
        s.para(
            f"This appendix lists what changed between version {previous.number} of this "
            f"report, issued on {issued}, and this version"
            + (
                f": {_plural(comparison.count, 'change')} in all."
                if comparison.changed
                else ". Nothing changed in the appraisal or the report's text."
            )
        )
        for group in comparison.groups:
            s.add(Subheading(group.title))
            if group.changes:
                s.para(Part(items=tuple(c.text for c in group.changes), style="bullet"))
            else:
                s.para(group.unchanged)
        return s

    def score_matrix(self) -> Section:
        s = self.appendix("scores")
        doc = self.doc
        criteria = doc["criteria"]
        low, high = format_score(doc["scale"]["min"]), format_score(doc["scale"]["max"])
        # Each score column's unit, as short as a heading needs: "out of 5", "1 to 10".
        scale = f"out of {high}" if doc["scale"]["min"] == 0 else f"{low} to {high}"
        scored = {x["option"] for x in doc.get("scores") or []}
        # Options rejected after scoring keep their scores here: section 7 refers to them.
        dropped = [o for o in self.rejected + self.longlisted if o["key"] in scored]
        options = self.shortlisted + dropped
        s.para(
            f"Each panel scored each short-listed option on each criterion, from "
            f"{format_score(doc['scale']['min'])} to {format_score(doc['scale']['max'])}"
            + (
                f"; {join_names([o['name'] for o in dropped])} "
                f"{'was' if len(dropped) == 1 else 'were'} scored before being rejected"
                if dropped
                else ""
            )
            + ". A dash means no score was given. The reasons follow each panel's scores, "
            "where the panel gave one."
        )
        if len(doc.get("panels") or []) > 1:
            s.add(self.panel_table())
        by_panel: dict[str, dict[tuple[str, str], Mapping[str, Any]]] = {}
        for x in doc.get("scores") or []:
            by_panel.setdefault(x["panel"], {})[(x["option"], x["criterion"])] = x
        for p in doc.get("panels") or []:
            cells = by_panel.get(p["key"], {})
            s.add(Subheading(p["name"]))  # unnumbered: paragraphs are A.1, A.2, …
            for first, chunk in _columns_of(options, 6):
                width = 70 // len(chunk)
                rows = tuple(
                    Row(
                        c["name"],
                        tuple(
                            Cell(
                                format_score(cells[(o["key"], c["key"])]["score"])
                                if (o["key"], c["key"]) in cells
                                else "–",
                                "num",
                            )
                            for o in chunk
                        ),
                    )
                    for c in criteria
                )
                part = ""
                if len(chunk) < len(options):
                    last = first + len(chunk) - 1
                    part = f" (option {first})" if last == first else f" (options {first}–{last})"
                s.add(
                    Table(
                        f"Scores given by {_the_panel(p['name'])}{part}",
                        (Column("Criterion", "w-30"),)
                        + tuple(Column(f"{o['name']} ({scale})", f"w-{width} num") for o in chunk),
                        rows,
                        "compact",
                    )
                )
            # One short table an option: long tables cost WeasyPrint far more to break
            # across pages, and the option need not be repeated on every row.
            for o in options:
                reasons = tuple(
                    Row(
                        c["name"],
                        (
                            Cell(format_score(cells[(o["key"], c["key"])]["score"]), "num"),
                            Cell(cells[(o["key"], c["key"])]["reason"]),
                        ),
                    )
                    for c in criteria
                    if cells.get((o["key"], c["key"]), {}).get("reason")
                )
                if reasons:
                    s.add(
                        Table(
                            f"Reasons given by {_the_panel(p['name'])} for {o['name']}",
                            _columns(
                                [
                                    ("Criterion", "w-28"),
                                    (f"Score ({scale})", "w-8 num"),
                                    ("Reason", "w-64"),
                                ]
                            ),
                            reasons,
                            "compact",
                        )
                    )
        return s

    def weights(self) -> Section:
        s = self.appendix("weights")
        doc, r = self.doc, self.r
        method = (doc.get("weighting") or {}).get("method") or "direct"
        how = {
            "direct": "entered directly: each criterion was given a weight, and the weights "
            "were scaled to add up to 100%",
            "swing": "set by swing weighting: the criterion whose swing from worst to best "
            "matters most was given 100 points and each other criterion points against it; "
            "the points were scaled to add up to 100%",
            "pairwise": "derived from pairwise comparisons on Saaty's 1 to 9 scale (the "
            "principal eigenvector of the comparison matrix)",
        }[method]
        s.para(f"The weights were {how}.")
        if r.consistency is not None and method == "pairwise":
            verdict = "above" if r.consistency.flagged else "within"
            s.para(
                f"The consistency ratio of the comparisons is {r.consistency.ratio:.2f}, "
                f"{verdict} the 0.10 that is usually accepted."
            )
        rows = tuple(
            Row(
                c["name"],
                (
                    Cell(c.get("group") or "–"),
                    Cell("–" if method == "pairwise" else format_score(float(c["weight"])), "num"),
                    Cell(format_percent(r.weights.get(c["key"], 0.0)), "num"),
                    Cell(c.get("guidance") or "–"),
                ),
            )
            for c in doc["criteria"]
        )
        s.add(
            Table(
                "Criteria and their weights",
                _columns(
                    [
                        ("Criterion", "w-26"),
                        ("Group", "w-14"),
                        ("Weight as entered", "w-12 num"),
                        ("Share of the total", "w-12 num"),
                        ("Scoring guidance", "w-36"),
                    ]
                ),
                rows,
                "compact",
            )
        )
        # What the weights do: each option's weighted value split by criterion. Detail for
        # the reader who wants it; the body gives the ranking in Table 1.
        s.add(_figure(charts.contribution_chart(self.e)))
        return s

    def sensitivity(self) -> Section:
        s = self.appendix("sensitivity")
        r, e = self.r, self.e
        if r.leader is None:
            s.para("No option can be ranked yet, so there is no sensitivity to report.")
            return s
        s.para(
            "Switching values: each criterion's weight moved up or down, the other weights "
            "keeping their proportions, until the leading option changes. A dash means no "
            "weight from 0% to 100% changes the leader that way."
        )
        rows = []
        for sw in r.switching:
            cells = [Cell(format_percent(sw.weight), "num")]
            for point in (sw.lower, sw.upper):
                if point is None:
                    cells += [Cell("–", "num"), Cell("–")]
                else:
                    cells += [
                        Cell(format_percent(point.weight), "num"),
                        Cell(e.option_name(point.new_leader)),
                    ]
            rows.append(Row(e.criterion_name(sw.criterion), tuple(cells)))
        s.add(
            Table(
                "Switching values",
                _columns(
                    [
                        ("Criterion", "w-26"),
                        ("Weight now", "w-10 num"),
                        ("Leader changes below", "w-12 num"),
                        ("New leader", "w-20"),
                        ("Leader changes above", "w-12 num"),
                        ("New leader", "w-20"),
                    ]
                ),
                tuple(rows),
                "compact",
            )
        )
        ra = r.rank_acceptability
        # With one option ranked it is first in every simulation: nothing to show.
        if ra is not None and ra.options and len(r.ranking) >= 2:
            ranks = min(5, max(len(v) for v in ra.options.values()))
            s.para(
                f"Rank acceptability: the share of {ra.samples:,} simulations (seed {ra.seed}) "
                f"in which each option takes each rank, each weight varying by up to "
                f"{format_percent(ra.weight_jitter)} and each score within the range the "
                "panels gave."
            )
            width = max(8, 60 // ranks)
            s.add(
                Table(
                    "Rank acceptability",
                    (Column("Option", "w-40"),)
                    + tuple(Column(rank_label(i + 1), f"w-{width} num") for i in range(ranks)),
                    tuple(
                        Row(
                            e.option_name(key),
                            tuple(Cell(format_chance(x), "num") for x in shares[:ranks]),
                        )
                        for key, shares in ra.options.items()
                    ),
                    "compact",
                )
            )
            s.add(_figure(charts.acceptability_chart(e)))
        cc = r.close_call
        if cc is not None and cc.flips:
            groups = _flip_groups(cc.flips)
            count = len(cc.flips)
            s.para(
                "Moved by one step, "
                + ("one single score" if count == 1 else f"any one of {count} single scores")
                + " would change the leading option. Each row gathers one panel's scores for "
                "one option that would do so, each with the score now and the score it would "
                "take:"
            )
            s.add(
                Table(
                    "Scores that would change the leader",
                    _columns(
                        [
                            ("Option", "w-20"),
                            ("Panel", "w-14"),
                            ("One step", "w-10"),
                            ("Criterion: score now → moved to", "w-36"),
                            ("New leader", "w-20"),
                        ]
                    ),
                    tuple(
                        Row(
                            e.option_name(option),
                            (
                                Cell(e.panel_name(panel)),
                                Cell("Up" if up else "Down"),
                                Cell(
                                    "; ".join(
                                        f"{e.criterion_name(f.criterion)}: "
                                        f"{format_score(f.from_score)} → {format_score(f.to_score)}"
                                        for f in flips
                                    )
                                ),
                                Cell(e.option_name(new_leader)),
                            ),
                        )
                        for (option, panel, up, new_leader), flips in groups.items()
                    ),
                    "compact",
                )
            )
        if r.disagreements:
            s.para(
                f"Scores on which the panels differ by {in_scale(r, r.disagreement_threshold)} "
                f"or more {on_scale(r)}, that is {format_score(r.disagreement_threshold)} points "
                "or more out of 100:"
            )
            s.add(
                Table(
                    "Where the panels disagree",
                    _columns(
                        [
                            ("Option", "w-26"),
                            ("Criterion", "w-26"),
                            ("Gap (points out of 100)", "w-12 num"),
                            (f"Scores given ({on_scale(r)})", "w-36"),
                        ]
                    ),
                    tuple(
                        Row(
                            e.option_name(d.option),
                            (
                                Cell(e.criterion_name(d.criterion)),
                                Cell(format_value(d.spread), "num"),
                                Cell(
                                    "; ".join(
                                        # "Panel 1: 5", never "Panel 1 5"
                                        f"{e.panel_name(p)}"
                                        f"{':' if e.panel_name(p)[-1:].isdigit() else ''} "
                                        f"{format_score(x)}"
                                        for p, x in d.scores.items()
                                    )
                                ),
                            ),
                        )
                        for d in r.disagreements
                    ),
                    "compact",
                )
            )
        return s

    def risk_register(self) -> Section:
        s = self.appendix("risk-register")
        if not self.e.risks:
            s.para("No risks have been recorded.")
            return s
        s.add(_figure(charts.risk_heat_map(self.e, residual=False), "half"))
        s.add(_figure(charts.risk_heat_map(self.e, residual=True), "half"))
        if note := risks_note(self.e):  # the exempt risks' ratings are withheld
            s.para(note)
        s.add(
            Table(
                "The risk register",
                _columns(
                    [
                        ("ID", "w-5"),
                        ("Risk", "w-16"),
                        ("Consequences", "w-15"),
                        ("Option", "w-11"),
                        ("Owner", "w-10"),
                        (RATING_BEFORE, "w-12"),
                        ("Control measures", "w-19"),
                        (RATING_AFTER, "w-12"),
                    ]
                ),
                tuple(
                    Row(
                        rv.ref,
                        (
                            Cell(rv.risk),
                            Cell(rv.consequences or "–"),
                            Cell(rv.option_name),
                            Cell(rv.owner or "–"),
                            _rating_cell(rv.likelihood, rv.impact, rv.before),
                            Cell(rv.controls or "–"),
                            _rating_cell(rv.residual_likelihood, rv.residual_impact, rv.after),
                        ),
                    )
                    for rv in self.e.risks
                ),
                "compact",
            )
        )
        return s

    def delivery_models(self) -> Section:
        s = self.appendix("delivery-models")
        used: list[str] = []
        for o in self.doc["options"]:
            if o["delivery_model"] not in used:
                used.append(o["delivery_model"])
        for key in used:
            model = self.models.get(key)
            if model is None:
                continue
            s.add(Subheading(model.name))  # unnumbered: paragraphs are E.1, E.2, …
            if model.summary:
                s.text(model.summary, placeholder=False)
            traits = [
                ("Legal entity of its own", model.legal_entity),
                ("Employs the staff", model.employs_staff),
                ("VAT and tax", model.vat_position),
                ("Governance", model.governance),
                ("Note", model.typical_note),
            ]
            rows = tuple(Row(label, (Cell(value),)) for label, value in traits if value)
            if rows:
                s.add(
                    Table(
                        f"Traits of {model.name}",
                        _columns([("Trait", "w-28"), ("", "w-72")]),
                        rows,
                        "compact traits",
                    )
                )
            for label, items in (
                ("Advantages", model.advantage_list()),
                ("Disadvantages", model.disadvantage_list()),
                ("Powers expected to be relied on", self.model_powers(key)),
            ):
                if items:
                    s.para(f"{label}:", Part(items=tuple(items), style="bullet"))
        if not s.blocks:
            s.para("The catalogue has no description of the options' delivery models.")
        return s


def _flip_groups(flips: Sequence[Any]) -> dict[tuple[str, str, bool, str], list[Any]]:
    """The close call's single-score flips gathered by option, panel, direction and new
    leader, in the engine's order: a near tie can have a hundred flips, which read better as
    a few rows of "any of these" than as a hundred near-identical rows."""
    groups: dict[tuple[str, str, bool, str], list[Any]] = {}
    for f in flips:
        key = (f.option, f.panel, f.to_score > f.from_score, f.new_leader)
        groups.setdefault(key, []).append(f)
    return groups
