"""The numbered sections of the council paper, from the purpose to the contact officer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import charts
from ..explain import format_percent, format_score, format_value, join_names
from ..templatetags.councilopts import pounds
from .base import _BuilderBase
from .formatting import (
    _columns,
    _figure,
    _model_label,
    _plural,
    _signed,
    _slug,
    _the_panel,
    _value,
    _years,
)
from .narrative import _TITLES, NOT_WRITTEN, Part
from .structure import Cell, Column, Row, Section, Table, WarningText

SAID_IN_BODY = 12  # reasons quoted in the consultation section; Appendix A has them all


class _Sections(_BuilderBase):
    """The sections of the paper; each method is one section."""

    # Sections ------------------------------------------------------------------------------

    def section(self, key: str, title: str | None = None) -> Section:
        self.number += 1
        return Section(str(self.number), key, title or _TITLES[key])

    def sections(self) -> list[Section]:
        return [
            self.purpose(),
            self.summary(),
            self.recommendations(),
            self.plain("reasons"),
            self.background(),
            self.options_considered(),
            self.rejected_options(),
            self.financial(),
            self.plain("legal"),
            self.risk(),
            self.plain("equalities"),
            self.plain("human_resources"),
            self.plain("environmental"),
            self.plain("crime_disorder"),
            self.consultation(),
            self.plain("background_papers"),
            self.contact(),
        ]

    def plain(self, key: str) -> Section:
        s = self.section(key)
        s.text(self.narrative.get(key, ""))
        return s

    def leader_name(self) -> str | None:
        return None if self.r.leader is None else self.e.option_names[self.r.leader]

    def purpose(self) -> Section:
        s = self.section("purpose")
        if not s.text(self.narrative.get("purpose", ""), placeholder=False):
            services = join_names(self.doc.get("services") or []) or "the services in scope"
            s.para(
                f"This report sets out the appraisal of how {services} could be delivered in "
                f"future and asks members to decide on the way forward."
            )
        return s

    def summary(self) -> Section:
        s = self.section("summary")
        s.text(self.narrative.get("summary", ""), placeholder=False)
        for sentence in self.e.explanations[:1]:
            s.para(sentence)
        if self.close_call_sentences():
            s.add(WarningText(self.close_call_sentences()[0]))
        return s

    def recommendations(self) -> Section:
        s = self.section("recommendations")
        if not s.text(self.narrative.get("recommendations", ""), strong=True, placeholder=False):
            leader = self.leader_name()
            if leader:
                s.para(
                    f"That {leader} is taken forward as the preferred option, and a full "
                    "business case brought back to members before any decision to implement.",
                    strong=True,
                )
            else:
                s.para(NOT_WRITTEN)
        return s

    def background(self) -> Section:
        s = self.section("background")
        s.text(self.narrative.get("background", ""), placeholder=False)
        summary = self.doc.get("summary") or ""
        if summary:
            s.text(summary, placeholder=False)
        objectives = self.doc.get("objectives") or []
        if objectives:
            s.para(
                "Any option taken forward must deliver against these objectives:",
                Part(items=tuple(objectives), style="bullet"),
            )
        target = self.doc.get("savings_target")
        if target and target.get("amount"):
            year = target.get("year")
            within = "" if year is None else f" by year {year} of the financial case"
            s.para(f"The savings target is {pounds(target['amount'])} a year{within}.")
        if len(s.blocks) == 0:
            s.para(NOT_WRITTEN)
        return s

    def options_considered(self) -> Section:
        s = self.section("options")
        s.text(self.narrative.get("options", ""), placeholder=False)
        doc, r = self.doc, self.r
        criteria, panels = doc["criteria"], doc.get("panels") or []
        scale = doc["scale"]
        s.para(
            self.shortlist_sentence() + " scored against "
            f"{_plural(len(criteria), 'criterion', 'criteria')} by "
            f"{_plural(len(panels), 'panel')}"
            + (f" ({join_names([p['name'] for p in panels])})" if panels else "")
            + f". Scores on the scale of {format_score(scale['min'])} to "
            f"{format_score(scale['max'])} are turned into 0 to 100 and weighted, so an "
            "option's weighted value is out of 100. Appendix A gives every score and its "
            "reason; Appendix B the weights."
        )
        for o in self.shortlisted:
            s.para(self.option_line(o))
        s.add(self.ranking_table())
        s.add(_figure(charts.contribution_chart(self.e)))
        if len(panels) > 1:
            s.add(self.panel_table())
        close = set(self.close_call_sentences())
        for sentence in self.e.explanations[1:]:
            if sentence in close:
                s.add(WarningText(sentence))
            else:
                s.para(sentence)
        if r.rank_acceptability is not None and r.leader is not None:
            s.add(_figure(charts.acceptability_chart(self.e)))
        return s

    def shortlist_sentence(self) -> str:
        """Who was short-listed, the baseline apart (as the task list counts them): "4
        options were short-listed, beside the baseline (Do nothing). All 5 were" ..."""
        baselines = [o["name"] for o in self.shortlisted if o.get("baseline")]
        n = len(self.shortlisted) - len(baselines)
        text = f"{_plural(n, 'option')} {'was' if n == 1 else 'were'} short-listed"
        if not baselines:
            return text + " and"
        text += f", beside the baseline ({join_names(baselines)})."
        total = len(self.shortlisted)
        return text + (
            " It was" if total == 1 else " Both were" if total == 2 else f" All {total} were"
        )

    def option_line(self, o: Mapping[str, Any]) -> str:
        model = self.models.get(o["delivery_model"])
        said = [_model_label(o["name"], model.name if model else o["delivery_model"])]
        if o.get("partners"):
            said.append(f"with {join_names(o['partners'])}")
        said = [x for x in said if x]
        text = o["name"] + (f" ({', '.join(said)})" if said else "")
        if o.get("baseline"):
            text += ": the baseline the other options are measured against"
        text += "."
        if o.get("description"):
            text += f" {o['description']}"
        return text

    def close_call_sentences(self) -> list[str]:
        return [x for x in self.e.explanations if x.startswith("This is a close call")]

    def ranking_table(self) -> Table:
        r = self.r
        order = list(r.ranking) + [o for o in r.options if o.rank is None]
        rows = []
        for o in order:
            if self.options.get(o.key, {}).get("status") != "shortlisted":
                continue
            note = (
                "Yes"
                if o.complete
                else "No: "
                + join_names([self.e.criterion_name(k) for k in o.missing[:3]])
                + (" …" if len(o.missing) > 3 else "")
            )
            if o.baseline:
                note = ("Baseline; " + note[0].lower() + note[1:]) if o.complete else note
            rows.append(
                Row(
                    o.name,
                    (
                        Cell("–" if o.rank is None else str(o.rank), "num"),
                        Cell(_value(o.value), "num"),
                        Cell("–" if o.baseline else _signed(o.vs_baseline), "num"),
                        Cell(note),
                    ),
                    "leader" if o.key == r.leader else "",
                )
            )
        return Table(
            "Table 1: Options ranked by weighted value (out of 100)",
            _columns(
                [
                    ("Option", "w-36"),
                    ("Rank", "w-10 num"),
                    ("Weighted value", "w-14 num"),
                    ("Against the baseline", "w-16 num"),
                    ("Every criterion scored", "w-24"),
                ]
            ),
            tuple(rows),
            "keep",
        )

    def panel_table(self) -> Table:
        r = self.r
        panels = r.panels
        width = max(8, 64 // (len(panels) + 1))
        by_panel = {p.key: {po.option: po for po in p.options} for p in panels}
        rows = []
        for o in r.options:
            if not o.candidate:
                continue
            cells = []
            for p in panels:
                po = by_panel[p.key].get(o.key)
                if po is None or po.value is None:
                    cells.append(Cell("Not scored", "num"))
                else:
                    rank = f" ({po.rank})" if po.rank is not None else ""
                    cells.append(Cell(f"{format_value(po.value)}{rank}", "num"))
            rank = f" ({o.rank})" if o.rank is not None else ""
            cells.append(Cell(f"{_value(o.value)}{rank}", "num"))
            rows.append(Row(o.name, tuple(cells)))
        columns = [Column("Option", "w-36")]
        columns += [Column(p.name, f"w-{width} num") for p in panels]
        columns.append(Column("All panels", f"w-{width} num"))
        return Table(
            "Table 2: Each panel's weighted values (rank in brackets)",
            tuple(columns),
            tuple(rows),
            "keep",
        )

    def rejected_options(self) -> Section:
        s = self.section("rejected")
        s.text(self.narrative.get("rejected", ""), placeholder=False)
        for o in self.rejected:
            s.para(f"{o['name']}: {o.get('rejection_reason') or 'no reason recorded'}")
        for o in self.longlisted:
            s.para(f"{o['name']} was long-listed but not short-listed for scoring.")
        if not s.blocks:
            s.para("No other options were considered.")
        return s

    def financial(self) -> Section:
        s = self.section("financial")
        s.text(self.narrative.get("financial", ""), placeholder=False)
        money = self.e.finance
        fin = self.doc.get("finance") or {}
        if not money:
            if not s.blocks:
                s.para("No financial case has been recorded for the options.")
            return s
        years = max(len(f.net) for f in money.values())
        bias = float(fin.get("optimism_bias") or 0)
        s.para(
            f"Net present values are over {_plural(years, 'year')} at a discount rate of "
            f"{format_percent(float(fin.get('discount_rate') or 0))} (HM Treasury Green Book)"
            + (f", with an optimism-bias uplift of {format_percent(bias)} on costs" if bias else "")
            + ". Low, central and high use the low, central and high savings estimates; "
            "payback uses the central estimate."
        )
        cases = (fin.get("options") or {}) if isinstance(fin, Mapping) else {}
        rows = []
        target = bool(self.doc.get("savings_target"))
        for key, f in money.items():
            savings = (cases.get(key) or {}).get("savings") or {}
            low = (savings.get("low") or savings.get("central") or [0])[-1]
            high = (savings.get("high") or savings.get("central") or [0])[-1]
            cells = [
                Cell(pounds(f.one_off_costs), "num"),
                Cell(f"{pounds(low)} to {pounds(high)}", "num"),
                Cell(pounds(f.npv_low), "num"),
                Cell(pounds(f.npv_central), "num"),
                Cell(pounds(f.npv_high), "num"),
                Cell(_years(f.payback_years), "num"),
            ]
            if target:
                cells.append(
                    Cell("–" if f.target_share is None else format_percent(f.target_share), "num")
                )
            rows.append(Row(self.e.option_name(key), tuple(cells)))
        columns = [
            ("Option", "w-17" if target else "w-22"),
            ("One-off costs", "w-10 num" if target else "w-11 num"),
            ("Savings a year when in full", "w-18 num" if target else "w-19 num"),
            ("NPV low", "w-12 num"),
            ("NPV central", "w-12 num"),
            ("NPV high", "w-12 num"),
            ("Payback", "w-9 num" if target else "w-12 num"),
        ]
        if target:
            columns.append(("Share of savings target", "w-10 num"))
        s.add(
            Table(
                "Table 3: The financial case for each option",
                _columns(columns),
                tuple(rows),
                "compact keep",
            )
        )
        s.add(_figure(charts.value_for_money_chart(self.e)))
        for key, f in money.items():
            name = self.e.option_name(key)
            if f.savings_fall_to_zero is not None and f.savings_fall_to_zero > 0:
                s.para(
                    f"The central savings for {name} could fall by "
                    f"{format_percent(f.savings_fall_to_zero)} before its net present value "
                    "fell to zero."
                )
            elif f.npv_central < 0:
                s.para(f"{name} does not pay for itself over the period on central savings.")
            if f.partner_shares:
                shares = [
                    f"{partner} {format_percent(share.share)} ({pounds(share.npv_central)})"
                    for partner, share in f.partner_shares.items()
                ]
                s.para(
                    f"The savings of {name} are shared between the partners: "
                    f"{join_names(shares)} of the central net present value."
                )
        return s

    def risk(self) -> Section:
        s = self.section("risk")
        s.text(self.narrative.get("risk", ""), placeholder=False)
        risks = self.e.risks
        if not risks:
            if not s.blocks:
                s.para("No risks have been recorded.")
            return s
        s.para(
            f"{_plural(len(risks), 'risk')} {'is' if len(risks) == 1 else 'are'} recorded. "
            "Likelihood and impact are each rated 1 (lowest) to 5 (highest); the rating is "
            "their product, banded low, medium, high or very high. Appendix D gives the full "
            "register with owners."
        )
        rows = tuple(
            Row(
                rv.risk,
                (
                    Cell(rv.consequences or "–"),
                    Cell(str(rv.likelihood), "num"),
                    Cell(str(rv.impact), "num"),
                    Cell(rv.controls or "None recorded"),
                    Cell(f"{rv.after.score} ({rv.after.band})", f"band-{_slug(rv.after.band)}"),
                ),
            )
            for rv in risks
        )
        s.add(
            Table(
                "Table 4: Risks, their control measures and rating after controls",
                _columns(
                    [
                        ("Risk", "w-21"),
                        ("Consequences", "w-21"),
                        ("Likelihood", "w-11 num"),
                        ("Impact", "w-8 num"),
                        ("Control measures", "w-24"),
                        ("Rating after controls", "w-15"),
                    ]
                ),
                rows,
            )
        )
        s.add(_figure(charts.risk_heat_map(self.e, residual=False), "half"))
        s.add(_figure(charts.risk_heat_map(self.e, residual=True), "half"))
        return s

    def consultation(self) -> Section:
        s = self.section("consultation")
        s.text(self.narrative.get("consultation", ""), placeholder=False)
        doc, r = self.doc, self.r
        panels = doc.get("panels") or []
        if not panels:
            if not s.blocks:
                s.para(NOT_WRITTEN)
            return s
        cells = len(doc["criteria"]) * len(self.shortlisted)
        scored: dict[str, int] = {}
        shortlisted = {o["key"] for o in self.shortlisted}
        for score in doc.get("scores") or []:
            if score["option"] in shortlisted:
                scored[score["panel"]] = scored.get(score["panel"], 0) + 1
        results = {p.key: p for p in r.panels}
        for p in panels:
            pr = results.get(p["key"])
            who = _the_panel(p["name"], capital=True)
            line = f"{who} scored {scored.get(p['key'], 0)} of {cells} cells"
            top = pr.ranking[0] if pr is not None and pr.ranking else None
            if top is not None and top.value is not None:
                line += (
                    f" and ranked {self.e.option_name(top.option)} first, with "
                    f"{format_value(top.value)}"
                )
            s.para(line + ".")
        if r.leader is not None:
            said = self.reasons_for(r.leader)
            if said:
                shown = said[:SAID_IN_BODY]
                more = len(said) - len(shown)
                s.para(
                    f"What the panels said about {self.leader_name()}, the leading option"
                    + (f" ({more} more reasons are in Appendix A):" if more else ":"),
                    Part(items=tuple(shown), style="bullet"),
                )
        return s

    def reasons_for(self, option: str) -> list[str]:
        return [
            f"{self.e.panel_name(x['panel'])}, {self.e.criterion_name(x['criterion'])} "
            f"({format_score(x['score'])}): {x['reason']}"
            for x in self.doc.get("scores") or []
            if x["option"] == option and x.get("reason")
        ]

    def contact(self) -> Section:
        s = self.section("contact")
        if not s.text(self.narrative.get("contact", ""), placeholder=False):
            author = (self.doc.get("report") or {}).get("author")
            s.para(author or NOT_WRITTEN)
        return s
