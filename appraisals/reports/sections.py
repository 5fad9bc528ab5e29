"""The numbered sections of the council paper, from the purpose to the contact officer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .. import charts, finance
from ..bodies import LEAD
from ..exempt import risks_note
from ..explain import (
    format_money,
    format_percent,
    format_percents,
    format_score,
    format_value,
    join_names,
    on_scale,
    out_of_100,
    recommendation,
)
from ..explain import the_panel as _the_panel
from ..templatetags.councilopts import pounds
from .appendices import APPENDICES
from .base import _BuilderBase
from .executive_summary import draft_summary
from .exempt_notes import add_exempt_status, exempt_appendix_entry, exempt_finance_note
from .formatting import (
    RATING_AFTER,
    RATING_BEFORE,
    _columns,
    _model_label,
    _payback_cell,
    _plural,
    _rating_cell,
    _signed,
    _value,
    services_phrase,
)
from .law import cited_already
from .narrative import _TITLES, NOT_ENTERED, NOT_WRITTEN, Part, parse_narrative
from .structure import Cell, Column, Row, Section, Table, WarningText

# The sections in the order printed (the contact officer's, when there is one, after them).
ORDER = (
    "purpose",
    "summary",
    "recommendations",
    "reasons",
    "background",
    "previous",
    "options",
    "rejected",
    "consultation",
    "financial",
    "legal",
    "risk",
    "equalities",
    "human_resources",
    "environmental",
    "crime_disorder",
    "next_steps",
    "appendices",
    "background_papers",
)
SAID_IN_BODY = 3  # reasons quoted in the consultation section; Appendix A has them all
# The baseline's standing, in the same words wherever the report mentions it.
BASELINE = "kept as the baseline the other options are measured against"


class _Sections(_BuilderBase):
    """The sections of the paper; each method is one section."""

    # Sections ------------------------------------------------------------------------------

    def section(self, key: str, title: str | None = None) -> Section:
        self.number += 1
        # Numbered ahead (`ORDER`) so that an earlier section can refer to a later one.
        assert self.section_numbers.setdefault(key, str(self.number)) == str(self.number), key
        return Section(str(self.number), key, title or _TITLES[key])

    def sections(self) -> list[Section]:
        self.section_numbers.update({key: str(n) for n, key in enumerate(ORDER, start=1)})
        return [
            self.purpose(),
            self.summary(),
            self.recommendations(),
            self.plain("reasons"),
            self.background(),
            self.plain("previous"),
            self.options_considered(),
            self.rejected_options(),
            self.consultation(),
            self.financial(),
            self.legal(),
            self.risk(),
            self.plain("equalities"),
            self.human_resources(),
            self.plain("environmental"),
            self.plain("crime_disorder"),
            self.next_steps(),
            self.appendix_list(),
            self.background_papers(),
            # The front sheet gives the contact officer's name, telephone and email; a
            # section of its own repeats them only to add what the officer wrote there.
            *([self.contact()] if (self.narrative.get("contact") or "").strip() else []),
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
            services = services_phrase(self.doc) or "the council's services"
            s.para(
                f"This report sets out the appraisal of how {services} could be delivered in "
                f"future and asks members to decide on the way forward."
            )
        return s

    def summary(self) -> Section:
        """The officer's summary, or one drafted from the appraisal until they write it."""
        s = self.section("summary")
        if not s.text(self.narrative.get("summary", ""), placeholder=False):
            for paragraph in draft_summary(self.e, see=self.options_reference()):
                s.para(paragraph)
        else:
            # The officer's words stand, but an option recommended against the ranking and
            # a close call are never left unsaid (the draft says both itself); the close
            # call's detail is in the options section, once.
            if self.e.recommended and self.e.recommended != self.r.leader:
                s.para(recommendation(self.r, self.e.recommended))
            if self.e.explained.close_call:
                s.add(WarningText(f"{self.e.explained.verdict}: {self.options_reference()}."))
        return s

    def options_reference(self) -> str:
        """Where the ranking's robustness is set out, for the summary to point to."""
        return f"section {self.section_numbers['options']} shows what would change the leader"

    def summary_drafted(self) -> bool:
        return not parse_narrative(self.narrative.get("summary", ""))

    def recommendations(self) -> Section:
        s = self.section("recommendations")
        # The option the officers marked as recommended; the leader if they marked none.
        key = self.e.recommended or self.r.leader
        paragraphs = recommendation_paragraphs(
            self.narrative.get("recommendations", ""),
            None if key is None else self.e.option_names[key],
        )
        for parts in paragraphs:
            s.para(*parts, strong=True)
        if not paragraphs:
            s.missing()
        return s

    def background(self) -> Section:
        s = self.section("background")
        # The officer's background, or else the appraisal's summary (what is appraised and
        # why): both tell the same story, and a reader should not meet it twice.
        if not s.text(self.narrative.get("background", ""), placeholder=False):
            s.text(self.doc.get("summary") or "", placeholder=False)
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
            s.para(f"The savings target is {format_money(target['amount'])} a year{within}.")
        self.bodies_paragraph(s)
        if len(s.blocks) == 0:
            s.missing()
        return s

    def bodies_paragraph(self, s: Section) -> None:
        """The facts of the councils and bodies involved (size, budget, character: partners
        who are alike share more easily), as their own administrators recorded them; nothing
        while none are recorded."""
        bodies = self.e.bodies
        if not any(b.recorded for b in bodies):
            return
        if len(bodies) == 1:
            s.para(f"About {bodies[0].name}: {bodies[0].facts_text()}.")
            return
        s.para(
            "The councils and bodies involved are:",
            Part(items=tuple(b.sentence() for b in bodies), style="bullet"),
        )

    def options_considered(self) -> Section:
        s = self.section("options")
        s.text(self.narrative.get("options", ""), placeholder=False)
        doc = self.doc
        criteria, panels = doc["criteria"], doc.get("panels") or []
        scale = doc["scale"]
        s.para(
            self.shortlist_sentence() + " scored against "
            f"{_plural(len(criteria), 'criterion', 'criteria')} by "
            f"{_plural(len(panels), 'panel')}"
            + (f" ({join_names([p['name'] for p in panels])})" if panels else "")
            + f". Each score, from {format_score(scale['min'])} to "
            f"{format_score(scale['max'])}, is turned into points out of 100 and weighted, so "
            "an option's weighted value is out of 100. Appendix A gives every score and its "
            "reason. Appendix B gives the weights, and its Figure B1 shows what each criterion "
            "adds to each option's value."
        )
        for o in self.shortlisted:
            s.para(self.option_line(o))
        explained = self.e.explained
        # The drafted summary gives the leader's value and lead, and the table every value:
        # a sentence here would say them a second time. A shared first place is said here.
        tied = sum(1 for o in self.r.ranking if o.rank == 1) > 1
        if not self.summary_drafted() or tied or self.r.leader is None:
            for sentence in explained.leader:
                s.para(sentence)
        s.add(self.ranking_table())
        for sentence in explained.switching:
            s.para(sentence)
        for sentence in explained.close_call:
            s.add(WarningText(sentence))
        for sentence in (
            *explained.acceptability,
            *explained.incomplete,
            *explained.disagreement,
            *explained.consistency,
        ):
            s.para(sentence)
        return s

    def shortlist_sentence(self) -> str:
        """Who was short-listed, the baseline apart (as the task list counts them): "The
        appraisal short-listed 4 options, beside the baseline, Do nothing. All 5 were" ..."""
        baselines = [o["name"] for o in self.shortlisted if o.get("baseline")]
        n = len(self.shortlisted) - len(baselines)
        text = f"The appraisal short-listed {_plural(n, 'option')}"
        if not baselines:
            return text + ", which were" if n != 1 else text + ", which was"
        text += f", beside the baseline, {join_names(baselines)}."
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
        if not o.get("description") and not o.get("baseline"):
            # No description: a sentence from its delivery model, never a bare name.
            kind = model.name if model else o["delivery_model"]
            kind = kind if len(kind) > 1 and kind[1].isupper() else kind[:1].lower() + kind[1:]
            partners = f", with {join_names(o['partners'])}" if o.get("partners") else ""
            return (
                f"{o['name']} follows the {kind} delivery model{partners}; Appendix E describes it."
            )
        text = o["name"] + (f" ({', '.join(said)})" if said else "")
        if o.get("baseline"):
            text += f": {BASELINE}, not as a choice"
        text += "."
        if o.get("description"):
            text += f" {o['description']}"
        return text

    def ranking_table(self) -> Table:
        r = self.r
        order = list(r.ranking) + [o for o in r.options if o.rank is None]
        baseline = next((o for o in r.options if o.baseline), None)
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
            rows.append(
                Row(
                    o.name,
                    (
                        Cell("–" if o.rank is None else str(o.rank), "num"),
                        Cell(_value(o.value), "num"),
                        # The baseline is named where its difference would be, not in
                        # the scoring column ("Baseline; yes").
                        Cell("Baseline" if o.baseline else _shown_difference(o, baseline), "num"),
                        Cell(note),
                    ),
                    "leader" if o.key == r.leader else "",
                )
            )
        return Table(
            self.table_caption("Options ranked by weighted value (out of 100)"),
            _columns(
                [
                    ("Option", "w-36"),
                    ("Rank", "w-10 num"),
                    ("Weighted value (out of 100)", "w-14 num"),
                    ("Against the baseline (points)", "w-16 num"),
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
        columns += [Column(f"{p.name} (out of 100)", f"w-{width} num") for p in panels]
        columns.append(Column("All panels (out of 100)", f"w-{width} num"))
        return Table(
            "Each panel's weighted values, out of 100 (rank in brackets)",
            tuple(columns),
            tuple(rows),
            "keep",
        )

    def rejected_options(self) -> Section:
        """Every option not short-listed, with its reason and, where it was scored, its
        weighted value; the baseline's standing; "none" only when no other was recorded."""
        s = self.section("rejected")
        s.text(self.narrative.get("rejected", ""), placeholder=False)
        # Options rejected for the same reason are told together, the reason said once.
        by_reason: dict[str, list[Mapping[str, Any]]] = {}
        for o in self.rejected:
            reason = _after_colon((o.get("rejection_reason") or "").strip().rstrip("."))
            by_reason.setdefault(reason, []).append(o)
        for reason, group in by_reason.items():
            s.para(self.rejected_paragraph(group, reason))
        for o in self.longlisted:
            s.para(f"{o['name']} was long-listed but not short-listed, so it was not scored.")
        # The baseline's standing is said once, beside its description in the options
        # section: it is neither rejected nor put forward.
        if not self.rejected and not self.longlisted:
            s.para(
                "No option was rejected: every option recorded in the appraisal was "
                "short-listed and is set out in section "
                f"{self.section_numbers.get('options', '')}."
            )
        return s

    def rejected_paragraph(self, group: Sequence[Mapping[str, Any]], reason: str) -> str:
        """ "A was rejected: its reason." with, where it was scored, its weighted value; for
        several with one reason, "A and B were rejected: …", each one's value named."""
        one = len(group) == 1
        text = (
            f"{join_names([o['name'] for o in group])} {'was' if one else 'were'} rejected: "
            f"{reason or 'no reason was recorded'}."
        )
        scored = [(o["name"], self.r.option(o["key"])) for o in group]
        valued = [(name, x.value) for name, x in scored if x.value is not None]
        partly = [name for name, x in scored if x.value is None and x.contributions]
        if one and valued:
            return text + (
                f" Before it was rejected it was scored {out_of_100(valued[0][1])}; "
                "Appendix A gives its scores."
            )
        if one and partly:
            return (
                text + " It was partly scored before it was rejected; Appendix A gives its scores."
            )
        if valued:
            said = join_names([f"{name} {out_of_100(value)}" for name, value in valued])
            text += f" Before they were rejected they were scored: {said}."
        if partly:
            text += (
                f" {join_names(partly)} {'was' if len(partly) == 1 else 'were'} partly scored "
                "before being rejected."
            )
        return text + (" Appendix A gives their scores." if valued or partly else "")

    def financial(self) -> Section:
        s = self.section("financial")
        s.text(self.narrative.get("financial", ""), placeholder=False)
        money = self.e.finance
        fin = self.doc.get("finance") or {}
        for key in self.exempt.finance:
            s.para(exempt_finance_note(self.exempt, key, self.e.option_name(key)))
        if not money:
            if not s.blocks:
                s.para("No financial case has been recorded for the options.")
            return s
        lead = self.doc["lead_authority"]
        years = max(len(f.net) for f in money.values())
        bias = float(fin.get("optimism_bias") or 0)
        shared = {key: f for key, f in money.items() if f.whole is not None}
        # The value-for-money chart follows the table: the body's next figure.
        basis = f"All the figures in Table {self.tables + 1} and {self.next_figure()} are to {lead}"
        if shared:
            basis += (
                ": for an option shared with partners, they are its share of the costs and "
                "savings, so that every option is compared on the same basis"
            )
        s.para(
            basis + ". Net present values (NPVs) are over "
            f"{_plural(years, 'year')} at a discount rate of "
            f"{format_percent(float(fin.get('discount_rate') or 0))} (HM Treasury Green Book)"
            + (f", with an optimism-bias uplift of {format_percent(bias)} on costs" if bias else "")
            + ". Low, central and high use the low, central and high savings estimates; "
            f"payback uses the central estimate. {self.year_zero_sentence()}"
        )
        rows = []
        target = bool(self.doc.get("savings_target"))
        for key, f in money.items():
            cells = [
                Cell(pounds(f.one_off_costs), "num"),
                Cell(f"{pounds(f.savings_full_low)} to {pounds(f.savings_full_high)}", "num"),
                Cell(pounds(f.npv_low), "num"),
                Cell(pounds(f.npv_central), "num"),
                Cell(pounds(f.npv_high), "num"),
                Cell(_payback_cell(f.payback_years), "num"),
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
                self.table_caption(f"The financial case for each option, to {lead}"),
                _columns(columns),
                tuple(rows),
                "compact keep",
            )
        )
        s.add(self.figure(charts.value_for_money_chart(self.e)))
        for sentence in payback_sentences(
            [(self.e.option_name(key), f) for key, f in money.items()]
        ):
            s.para(sentence)
        for key, f in shared.items():
            s.para(
                f"{self.e.option_name(key)} is shared: Table {self.tables + 1} gives the "
                "figures for the whole arrangement and each partner's share of them."
            )
            s.add(self.partnership_table(key, f, lead))
        return s

    def year_zero_sentence(self) -> str:
        """Which financial year year 0 of the financial case is: the one the meeting falls
        in (the appraisal records no start year of its own)."""
        meeting = (self.doc.get("committee") or {}).get("meeting_date")
        if not meeting:
            return "Year 0 is the financial year in which the decision is taken."
        year = finance.financial_year(dt.date.fromisoformat(meeting))
        return f"Year 0 is {year}, the financial year of the decision."

    def partnership_table(self, key: str, f: finance.FinanceResult, lead: str) -> Table:
        """A partnership's whole figures and each partner's share, rounded so that the
        shares add up to the whole shown and the lead council's agree with the comparison
        table."""
        whole = f.whole
        assert whole is not None
        shares = f.partner_shares
        columns = {
            "one_off_costs": whole.one_off_costs,
            "npv_low": whole.npv_low,
            "npv_central": whole.npv_central,
            "npv_high": whole.npv_high,
        }
        shown = {
            field: finance.apportion(
                total, {name: getattr(p, field) for name, p in shares.items()}, lead
            )
            for field, total in columns.items()
        }
        percents = dict(
            zip(shares, format_percents([p.share for p in shares.values()]), strict=True)
        )
        rows = [
            Row(
                name,
                (Cell(percents[name], "num"),)
                + tuple(Cell(pounds(shown[field][name]), "num") for field in columns),
            )
            for name in shares
        ]
        rows.append(
            Row(
                "Whole arrangement",
                (Cell("100%", "num"),)
                + tuple(Cell(pounds(total), "num") for total in columns.values()),
                "total",
            )
        )
        return Table(
            self.table_caption(
                f"{self.e.option_name(key)}: the whole arrangement and each partner's share"
            ),
            _columns(
                [
                    ("Partner", "w-28"),
                    ("Share", "w-10 num"),
                    ("One-off costs", "w-14 num"),
                    ("NPV low", "w-16 num"),
                    ("NPV central", "w-16 num"),
                    ("NPV high", "w-16 num"),
                ]
            ),
            tuple(rows),
            "compact keep",
        )

    def risk(self) -> Section:
        s = self.section("risk")
        s.text(self.narrative.get("risk", ""), placeholder=False)
        risks = self.e.risks
        if not risks:
            if not s.blocks:
                s.para("No risks have been recorded.")
            return s
        s.para(
            f"The risk register records {_plural(len(risks), 'risk')}. Likelihood and impact "
            "are each rated 1 (lowest) to 5 (highest); the rating is "
            "their product, banded low, medium, high or very high, before and after the "
            "control measures."
        )
        # The body gives what still needs members' attention: the risks rated high or very
        # high after controls. Appendix D has the whole register.
        main = [rv for rv in risks if rv.after.band in ("high", "very high")]
        register = (
            "Appendix D gives the full register: each risk's consequences, the option it "
            "applies to, its owner and its control measures, with heat maps that place each "
            "risk by its ID (Figure D1 before controls, Figure D2 after)."
        )
        # An exempt risk's ratings are withheld in the open report: never counted here.
        withheld = risks_note(self.e, what="not counted")
        register = f"{register} {withheld}" if withheld else register
        rated_risks = [rv for rv in risks if not rv.exempt]
        if not main and not rated_risks:
            s.para(register)
            return s
        if not main:
            bands: dict[str, int] = {}
            for rv in rated_risks:
                bands[rv.after.band] = bands.get(rv.after.band, 0) + 1
            counts = [f"{n} {band}" for band in ("medium", "low") if (n := bands.get(band))]
            rated = join_names(counts)
            one = len(rated_risks) == 1
            s.para(
                "No risk is rated high or very high once its controls are in place: after "
                f"controls, {'it is' if one else 'they are'} rated "
                f"{rated_risks[0].after.band if one else rated}. {register}"
            )
            return s
        every = len(main) == len(risks)
        s.para(
            f"Table {self.tables + 1} gives "
            + (
                "each risk"
                if every
                else f"the {_plural(len(main), 'risk')} of {len(risks)} still rated high or "
                "very high after controls"
            )
            + f". {register}"
        )
        rows = tuple(
            Row(
                rv.ref,
                (
                    Cell(rv.risk),
                    _rating_cell(rv.likelihood, rv.impact, rv.before),
                    Cell(rv.controls or "–"),
                    _rating_cell(rv.residual_likelihood, rv.residual_impact, rv.after),
                ),
            )
            for rv in main
        )
        s.add(
            Table(
                self.table_caption(
                    "Risks, their ratings and control measures"
                    if every
                    else "Risks still rated high or very high after controls"
                ),
                _columns(
                    [
                        ("ID", "w-6"),
                        ("Risk", "w-28"),
                        (RATING_BEFORE, "w-16"),
                        ("Control measures", "w-34"),
                        (RATING_AFTER, "w-16"),
                    ]
                ),
                rows,
            )
        )
        return s

    def consultation(self) -> Section:
        s = self.section("consultation")
        s.text(self.narrative.get("consultation", ""), placeholder=False)
        doc, r = self.doc, self.r
        panels = doc.get("panels") or []
        if not panels:
            if not s.blocks:
                s.missing()
            return s
        # Who scored, when, how much and what they put first: one paragraph, each panel
        # named once ("… scored in November 2011. It gave all 20 scores …").
        when = self.when_sentence(panels)
        named = bool(when) and all((p.get("scored_when") or "").strip() for p in panels)
        s.para(
            " ".join(
                x
                for x in (
                    when,
                    self.scored_sentence(panels, named=named),
                    self.panel_leaders_sentence(panels, named=named),
                )
                if x
            )
        )
        declared = self.e.interests
        if declared.declared:
            s.para(
                "Declarations of interest:",
                Part(items=tuple(d.sentence for d in declared.declared), style="bullet"),
            )
        if declared.history:
            s.para(
                "Declarations withdrawn or amended:",
                Part(items=declared.history, style="bullet"),
            )
        if declared.declarations or declared.history:
            s.para(declared.summary)
        if r.leader is not None:
            said = self.reasons_for(r.leader)
            if said:
                shown = said[:SAID_IN_BODY]
                more = len(said) - len(shown)
                heaviest = (
                    f", on the {_plural(len(shown), 'criterion', 'criteria')} that carry most "
                    "weight"
                    if more
                    else ""
                )
                s.para(
                    f"What the panels said about {self.leader_name()}, the leading option"
                    f"{heaviest} (scores {on_scale(r)})"
                    + ("; Appendix A gives the rest:" if more else ":"),
                    Part(items=tuple(shown), style="bullet"),
                )
        return s

    def when_sentence(self, panels: list[Mapping[str, Any]]) -> str:
        """When the panels scored, the panels that scored at the same time together: "The
        Staff and Unison panels scored in September 2011, the Councillors in October 2011"."""
        by_when: dict[str, list[str]] = {}
        for p in panels:
            when = (p.get("scored_when") or "").strip()
            if when:
                by_when.setdefault(when, []).append(p["name"])
        if not by_when:
            return ""

        def at(when: str) -> str:
            return f"{'on' if when[0].isdigit() else 'in'} {when}"

        if len(by_when) == 1 and sum(map(len, by_when.values())) == len(panels):
            ((when, _),) = by_when.items()
            who = (
                _the_panel(panels[0]["name"], capital=True)
                if len(panels) == 1
                else ("Both panels" if len(panels) == 2 else f"All {len(panels)} panels")
            )
            return f"{who} scored {at(when)}."
        said = [f"{join_names(names)} {at(when)}" for when, names in by_when.items()]
        return f"The panels scored: {'; '.join(said)}."

    def scored_sentence(self, panels: list[Mapping[str, Any]], *, named: bool = False) -> str:
        """How much of the grid each panel scored, the panels that scored alike together."""
        doc = self.doc
        cells = len(doc["criteria"]) * len(self.shortlisted)
        grid = (
            f"{_plural(len(self.shortlisted), 'option')} on "
            f"{_plural(len(doc['criteria']), 'criterion', 'criteria')}"
        )
        shortlisted = {o["key"] for o in self.shortlisted}
        scored: dict[str, int] = {}
        for score in doc.get("scores") or []:
            if score["option"] in shortlisted:
                scored[score["panel"]] = scored.get(score["panel"], 0) + 1
        full = [p["name"] for p in panels if scored.get(p["key"], 0) >= cells]
        if len(full) == len(panels):
            if named:  # the sentence before named them
                who = "It" if len(full) == 1 else "Each"
            else:
                who = (
                    _the_panel(full[0], capital=True)
                    if len(full) == 1
                    else f"Each of the {len(full)} panels ({join_names(full)})"
                )
            return f"{who} gave all {cells} scores: {grid}."
        parts = [f"{_the_panel(p['name'])} gave {scored.get(p['key'], 0)}" for p in panels]
        return f"Of the {cells} scores ({grid}), {join_names(parts)}."

    def panel_leaders_sentence(
        self, panels: list[Mapping[str, Any]], *, named: bool = False
    ) -> str:
        """Which option each panel ranked first, the panels that agree said together."""
        results = {p.key: p for p in self.r.panels}
        by_leader: dict[str, list[str]] = {}
        for p in panels:
            pr = results.get(p["key"])
            top = pr.ranking[0] if pr is not None and pr.ranking else None
            if top is not None and top.value is not None:
                by_leader.setdefault(top.option, []).append(
                    f"{p['name']} with {format_value(top.value)}"
                )
                value = top.value
        if not by_leader:
            return "No panel has yet scored an option on every criterion."
        if len(by_leader) == 1:
            ((option, values),) = by_leader.items()
            name = self.e.option_name(option)
            if len(panels) == 1:
                who = _the_panel(panels[0]["name"], capital=True)
                return f"{'It' if named else who} ranked {name} first, with {out_of_100(value)}."
            every = "Both panels" if len(values) == 2 else f"All {len(values)} panels"
            if len(values) < len(panels):
                every = f"The {len(values)} panels that scored every criterion"
            return f"{every} ranked {name} first: {join_names(values)}, out of 100."
        said = [
            f"{join_names(values)} out of 100 ranked {self.e.option_name(option)} first"
            for option, values in by_leader.items()
        ]
        return f"The panels differ on the leading option: {'; '.join(said)}."

    def reasons_for(self, option: str) -> list[str]:
        """The reasons given for `option`, a reason several panels gave said once with each
        panel's score: "Politically viable (Staff 4, Unison 4): Consensus …"."""
        given: dict[tuple[str, str], list[str]] = {}
        for x in self.doc.get("scores") or []:
            if x["option"] == option and x.get("reason"):
                key = (x["criterion"], x["reason"].strip())
                given.setdefault(key, []).append(
                    (self.e.panel_name(x["panel"]), format_score(x["score"]))
                )
        # Most weight first: what matters most to the result is quoted in the body.
        order = sorted(given, key=lambda k: -self.r.weights.get(k[0], 0.0))
        return [
            f"{self.e.criterion_name(criterion)} ({_gave(given[(criterion, reason)])}): {reason}"
            for criterion, reason in order
        ]

    def candidates(self) -> list[Mapping[str, Any]]:
        """The short-listed options other than the baseline: what members choose between."""
        return [o for o in self.shortlisted if not o.get("baseline")]

    def legal(self) -> Section:
        """The officer's text (the Monitoring Officer's comments), then the powers the
        preferred option's delivery model relies on (from the catalogue, as the law stood on
        the day of the meeting: `law.powers_on`), said as the powers *expected* to be relied
        on: the legal team confirms them. Appendix E gives every other option's, beside its
        model. The officer's text stands: what it cites already is not said again, and
        beside it the catalogue's lines are its usual starting points, for the Monitoring
        Officer to confirm, so they never read as contradicting it."""
        s = self.section("legal")
        written = self.narrative.get("legal", "")
        s.text(written, placeholder=False)
        officer = bool(s.blocks)
        key = self.e.recommended or self.r.leader
        preferred = self.options.get(key) if key else None
        catalogue = self.model_powers(preferred["delivery_model"]) if preferred else []
        powers = [line for line in catalogue if not cited_already(line, written)]
        others = [
            o
            for o in self.candidates()
            if o is not preferred and self.model_powers(o["delivery_model"])
        ]
        option = (
            f"{preferred['name']}, the {'recommended' if self.e.recommended else 'leading'} option"
            if preferred
            else ""
        )
        if powers and officer:
            s.para(
                f"For {option}, the powers usually relied on for such an arrangement"
                + (", beyond those cited above," if len(powers) < len(catalogue) else "")
                + " are below, as starting points for the Monitoring Officer to confirm or "
                "set aside before any decision to implement; they are not legal advice.",
                Part(items=tuple(powers), style="bullet"),
            )
        elif powers:
            s.para(
                f"The powers expected to be relied on for {option} are below. They are the "
                "usual starting points for such an arrangement, for the Monitoring Officer to "
                "confirm before any decision to implement; they are not legal advice.",
                Part(items=tuple(powers), style="bullet"),
            )
        best_value = (
            "Whichever option is chosen, the council remains under its best value duty "
            "(Local Government Act 1999 s.3)."
        )
        closing = [
            (
                "Appendix E gives the powers expected to be relied on for "
                + ("the other options" if catalogue else "each option")
                + ", beside each delivery model."
            )
            if others
            else "",
            best_value if (catalogue or others) and not cited_already(best_value, written) else "",
        ]
        if any(closing):
            s.para(" ".join(x for x in closing if x))
        if not s.blocks:
            s.missing()
        return s

    def human_resources(self) -> Section:
        """The officer's text, then whether TUPE applies: the catalogue knows which delivery
        models move staff to another employer. Unwritten, the draft gives the TUPE facts and
        after them a box saying what the officer still has to add, as the contact officer's
        section does."""
        s = self.section("human_resources")
        written = s.text(self.narrative.get("human_resources", ""), placeholder=False)
        moving = [
            o["name"]
            for o in self.candidates()
            if (model := self.models.get(o["delivery_model"])) is not None and model.moves_staff
        ]
        if moving:
            one = len(moving) == 1
            s.para(
                f"{join_names(moving)} may move staff to another employer. Where "
                f"{'it does' if one else 'an option does'}, the Transfer of Undertakings "
                "(Protection of Employment) Regulations 2006 (TUPE) apply: the staff who "
                "transfer keep their terms and conditions, and their employer must inform "
                "and consult them and their trade unions before the transfer."
            )
        elif self.candidates():
            s.para(
                "None of the short-listed options would move staff to another employer, so "
                "the TUPE Regulations 2006 would not apply."
            )
        if not written:
            s.missing(
                f"{NOT_WRITTEN}: what the options mean for staff, and what staff and their "
                "trade unions have said."
            )
        return s

    def next_steps(self) -> Section:
        """The officer's next steps, or what the appraisal itself says follows the meeting:
        the drafted recommendation's business case coming back to the committee, and the
        record of decision with its call-in period. What only the officer knows (how their
        own recommendations are put into effect, when members hear again) is marked unwritten
        in a draft until they write it."""
        s = self.section("next_steps")
        if s.text(self.narrative.get("next_steps", ""), placeholder=False):
            return s
        report = self.doc.get("report") or {}
        committee = (self.doc.get("committee") or {}).get("name") or "members"
        if report.get("purpose") == "information":
            s.para("This report is for information: no decision is asked for at this meeting.")
            s.missing(f"{NOT_WRITTEN}: what happens next, and when members will hear again.")
            return s
        key = self.e.recommended or self.r.leader
        drafted = key is not None and not parse_narrative(
            self.narrative.get("recommendations", ""), one_per_line=True
        )
        if drafted:
            s.para(
                "If members agree the recommendation, officers will prepare the full business "
                f"case for {self.e.option_name(key)}, with a plan for putting it into effect, "
                f"and bring it back to {committee} before any decision to implement."
            )
        lead = next((b for b in self.e.bodies if b.role == LEAD), None)
        days = lead.call_in_working_days if lead is not None else None
        within = (
            f"within {_plural(days, 'working day')} of its publication"
            if days
            else "in the period after its publication that the constitution sets"
        )
        s.para(
            "After the meeting, the decision and the reasons for it will be published in a "
            "record of decision. An executive decision may be called in for scrutiny "
            f"{within}, and is not put into effect until that period has passed."
        )
        if not drafted:
            s.missing(
                f"{NOT_WRITTEN}: how the recommendations will be put into effect and "
                "communicated, and when members will hear again."
            )
        return s

    def appendix_list(self) -> Section:
        """The appendices, with any exempt ones listed apart, and the Schedule 12A status of
        each part of the report."""
        s = self.section("appendices")
        report = self.doc.get("report") or {}
        whole_exempt = report.get("status") == "exempt"
        ours = [(letter, title, "") for letter, _, title in APPENDICES]
        extra = attached_appendices(self.narrative.get("appendices", ""))
        letters = [chr(ord("F") + i) for i in range(len(extra))]
        attached = [
            (letter, title, para) for letter, (title, para) in zip(letters, extra, strict=True)
        ]
        if self.exempt:
            attached.append(exempt_appendix_entry(self.exempt))
        every = ours + attached
        if self.previous is not None:
            every.append((self.changes_letter(), self.changes_title(), ""))
        open_ones = [f"Appendix {n}: {t}" for n, t, para in every if not para]
        exempt = [
            f"Appendix {n}: {t} (exempt under paragraph{'s' if ' and ' in para else ''} {para})"
            for n, t, para in every
            if para
        ]
        if whole_exempt:
            paragraph = report.get("exempt_paragraph")
            s.para(
                "The whole report and every appendix are exempt: not for publication by "
                f"virtue of paragraph {paragraph} of Part 1 of Schedule 12A to the Local "
                "Government Act 1972. The appendices are:",
                Part(items=tuple(f"Appendix {n}: {t}" for n, t, _ in every), style="bullet"),
            )
            return s
        s.para(
            "These appendices are open: published with the report."
            if exempt
            else "The report and all its appendices are open: published with the report. "
            "The appendices are:",
            Part(items=tuple(open_ones), style="bullet"),
        )
        if exempt:
            s.para(
                "These appendices are exempt: not for publication by virtue of the paragraph "
                "of Part 1 of Schedule 12A to the Local Government Act 1972 shown, and "
                "circulated to members only:",
                Part(items=tuple(exempt), style="bullet"),
            )
        add_exempt_status(s, self.exempt, self.e)
        return s

    def background_papers(self) -> Section:
        s = self.section("background_papers")
        text = self.narrative.get("background_papers", "")
        s.text(text)
        first = next((b for b in s.blocks if getattr(b, "kind", "") == "para"), None)
        if first is not None and first.parts and first.parts[0].items:
            # A list with nothing before it would print as a bare paragraph number.
            s.blocks[s.blocks.index(first)] = replace(
                first,
                parts=(Part(lines=("The background papers relied on are:",)), *first.parts),
            )
        if text.strip() and not text.strip().lower().startswith("none"):
            report = self.doc.get("report") or {}
            where = (report.get("papers_inspection") or "").strip()
            if not where:
                contact = _contact_phrase(report)
                where = (
                    f"by arrangement with the contact officer, {contact}"
                    if contact
                    else "by arrangement with the contact officer"
                )
            s.para(
                f"The background papers can be inspected {_at_place(where.rstrip('.'))}, for "
                "four years from the date of the meeting."
            )
        return s

    def contact(self) -> Section:
        s = self.section("contact")
        report = self.doc.get("report") or {}
        name = (report.get("contact_name") or "").strip()
        title = (report.get("contact_job_title") or "").strip()
        phone = (report.get("contact_telephone") or "").strip()
        email = (report.get("contact_email") or "").strip()
        lines = [", ".join(x for x in (name, title) if x)]
        lines += [f"Telephone: {phone}" if phone else "", f"Email: {email}" if email else ""]
        lines = [line for line in lines if line]
        if lines:
            s.para(Part(lines=tuple(lines)))
        lacking = [what for what, value in _CONTACT_PARTS(name, phone, email) if not value]
        if lacking:
            s.missing(f"{NOT_ENTERED}: the contact officer's {join_names(lacking)}.")
        s.text(self.narrative.get("contact", ""), placeholder=False)
        return s


def payback_sentences(cases: Sequence[tuple[str, finance.FinanceResult]]) -> list[str]:
    """Payback in words and how far central savings could fall before the net present value
    fell to zero, the options alike said together: one sentence each, not one per option
    ("A and B pay back during year 1, and C during year 3.")."""
    paying: dict[str, list[str]] = {}
    never: dict[str, list[str]] = {}
    for name, f in cases:
        words = finance.payback_words(f.payback_years, len(f.net))
        (never if f.payback_years is None else paying).setdefault(words, []).append(name)
    sentences = []
    clauses = []
    for words, names in paying.items():
        words = words if len(names) == 1 else _plural_verb(words)
        # After the first, "and C during year 3": the verb is not said again.
        clauses.append(f"{join_names(names)} {words if not clauses else words.split(' back ')[1]}")
    if clauses:
        sentences.append(f"On central savings, {join_names(clauses)}.")
    for words, names in never.items():
        words = words if len(names) == 1 else _plural_verb(words)
        sentences.append(f"{join_names(names)} {words}.")
    falls: dict[str, list[str]] = {}
    for name, f in cases:
        if f.savings_fall_to_zero is not None and f.savings_fall_to_zero > 0:
            falls.setdefault(format_percent(f.savings_fall_to_zero), []).append(name)
    if len(falls) == 1 and len(next(iter(falls.values()))) == 1:
        ((shown, (name,)),) = falls.items()
        sentences.append(
            f"Central savings would have to fall by {shown} before the net present value of "
            f"{name} fell to zero."
        )
    elif falls:
        said = [f"{shown} for {join_names(names)}" for shown, names in falls.items()]
        sentences.append(
            f"Central savings would have to fall by {', by '.join(said[:-1])}, and by "
            f"{said[-1]}, before an "
            "option's net present value fell to zero."
            if len(said) > 1
            else f"Central savings would have to fall by {said[0]} before their net present "
            "values fell to zero."
        )
    losing = [name for name, f in cases if f.npv_central < 0 and f.payback_years is not None]
    if losing:
        sentences.append(
            f"{join_names(losing)} {'does' if len(losing) == 1 else 'do'} not pay for "
            f"{'itself' if len(losing) == 1 else 'themselves'} over the period on central "
            "savings."
        )
    return sentences


def _plural_verb(words: str) -> str:
    """ "pays back during year 1" said of several options: "pay back during year 1"."""
    for one, many in (("pays back", "pay back"), ("does not pay", "do not pay")):
        if words.startswith(one):
            return many + words[len(one) :]
    return words


def _shown_difference(option: Any, baseline: Any) -> str:
    """The option's lead over the baseline as the difference of the two values shown, so the
    table's columns agree (76.0 and 43.0 give +33.0, whatever the digits beyond)."""
    if baseline is None or option.value is None or baseline.value is None:
        return "–"
    return _signed(float(_value(option.value)) - float(_value(baseline.value)))


def _CONTACT_PARTS(name: str, phone: str, email: str) -> list[tuple[str, str]]:  # noqa: N802
    return [("name", name), ("telephone number", phone), ("email address", email)]


def recommendation_paragraphs(text: str, preferred: str | None) -> list[tuple[Part, ...]]:
    """The recommendations as members vote on them: the officer's, one a paragraph, or until
    they are written the one drafted for the `preferred` option (the one the officers marked
    as recommended, else the leader; none while there is neither). The report and the
    members' pages both read them from here."""
    paragraphs = parse_narrative(text, one_per_line=True)
    if paragraphs or not preferred:
        return paragraphs
    leader = preferred
    return [
        (
            Part(
                lines=(
                    f"That {leader} is taken forward as the preferred option, and a full "
                    "business case brought back to members before any decision to implement.",
                )
            ),
        )
    ]


# Words that start a reason in the middle of a sentence in lower case; any other first word
# may be a name ("Stockton declined"), so it keeps its capital.
_COMMON_FIRST_WORDS = frozenset(
    re.findall(
        r"\w+",
        """a an the no not none it its this these there too little lack insufficient limited
        considered ruled rejected would could does did was were is are has had cost costs high
        higher low lower less more outside beyond needs requires unaffordable unproven only
        procurement savings staff members councillors partners legal risk risks time""",
    )
)


def _after_colon(text: str) -> str:
    """An officer's sentence continued after a colon: "No progress" becomes "no progress"."""
    first = text.split(" ", 1)[0]
    if first.casefold() in _COMMON_FIRST_WORDS and first[:1].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def _contact_phrase(report: Mapping[str, Any]) -> str:
    """ "Jane Officer (01858 828282, jane.officer@example.gov.uk)", as far as it is known."""
    name = (report.get("contact_name") or "").strip()
    reach = [
        x
        for x in (
            (report.get("contact_telephone") or "").strip(),
            (report.get("contact_email") or "").strip(),
        )
        if x
    ]
    if not name:
        return ""
    return name + (f" ({', '.join(reach)})" if reach else "")


_EXEMPT = re.compile(
    r"^(?P<title>.*?)\s*\(\s*exempt[^)]*?paragraph\s*(?P<para>[1-7])\s*\)\s*\.?$", re.IGNORECASE
)


def attached_appendices(text: str) -> list[tuple[str, str]]:
    """The officer's own appendices, one a line: (title, Schedule 12A paragraph or "")."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-*• ").strip()
        if not line:
            continue
        match = _EXEMPT.match(line)
        found.append((match["title"], match["para"]) if match else (line, ""))
    return found


def _gave(scores: Sequence[tuple[str, str]]) -> str:
    """Who gave which score, "Staff gave 4, Unison 3": the verb keeps a panel named with a
    number ("Panel 1") from running into its score ("Panel 1 5")."""
    (first, score), *rest = scores
    return ", ".join(
        [
            f"{first} gave {score}",
            *(f"{name}{' gave' if name[-1:].isdigit() else ''} {n}" for name, n in rest),
        ]
    )


# Words an officer may start a place with ("by arrangement", "on the council's website").
_PLACE_WORDS = frozenset({"at", "by", "on", "in", "from", "via", "through", "online", "with"})


def _at_place(where: str) -> str:
    """Where the papers can be inspected, as the sentence needs it: "at Democratic Services,
    Council Offices" for a place typed bare; "on the council's website" for one typed with
    its preposition, lower case mid-sentence."""
    first = where.split(maxsplit=1)[0].lower() if where.split() else ""
    return where[:1].lower() + where[1:] if first in _PLACE_WORDS else f"at {where}"
