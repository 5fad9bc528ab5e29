"""The papers after the meeting, through the committee report's template, stylesheet and PDF
pipeline (tagged PDF/UA-1, the same checks): the record of decision, and the benefits
realisation report on the chosen option.

Each builds a `structure.Report` of numbered sections; `render_paper` writes it as HTML and
`write_pdf` as PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from ..benefits import Benefits
from ..charts import money, trajectory_chart
from ..models import Decision, DecisionRecommendation, Milestone
from .formatting import _date, _plural
from .narrative import Part
from .rendering import STYLESHEETS, TEMPLATE
from .structure import (
    Cell,
    Column,
    Figure,
    HeaderRow,
    Report,
    Row,
    Section,
    Table,
    number_tables,
)


def render_paper(report: Report) -> str:
    return render_to_string(
        TEMPLATE,
        {"report": report, "stylesheets": [settings.STATIC_URL + n for n in STYLESHEETS]},
    )


def _created(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def outcome_words(row: DecisionRecommendation) -> str:
    return {
        DecisionRecommendation.Outcome.AGREED: "agreed",
        DecisionRecommendation.Outcome.AMENDED: "agreed as amended",
        DecisionRecommendation.Outcome.NOT_AGREED: "not agreed",
    }[row.outcome]


def call_in_words(decision: Decision, working_days: int) -> list[str]:
    """The call-in period and where it stands, in sentences."""
    if decision.published_on is None or decision.call_in_deadline is None:
        return ["The decision has not been published yet: the call-in period starts when it is."]
    days = _plural(working_days, "working day")
    said = [
        f"The decision was published on {_date(decision.published_on)}. It may be called in "
        f"until the end of {_date(decision.call_in_deadline)}: {days} after publication, not "
        "counting weekends or bank holidays in England and Wales."
    ]
    said.append(
        {
            Decision.CallIn.NONE: "It had not been called in when this record was published.",
            Decision.CallIn.CALLED_IN: "It has been called in: it is not implemented until the "
            "call-in is decided.",
            Decision.CallIn.UPHELD: "It was called in, and the decision was upheld: it stands.",
            Decision.CallIn.REFERRED_BACK: "It was called in and referred back to the "
            "decision-maker to take again.",
        }[decision.call_in_status]
    )
    return said


def decision_record(
    decision: Decision,
    recommendations: Sequence[DecisionRecommendation],
    *,
    council: str,
    title: str,
    reference: str,
    option_name: str,
    working_days: int,
    declarations: Sequence[str] = (),
    corrections: Sequence[tuple[dt.date, str]] = (),
) -> Report:
    """The record of decision as a paper. `corrections`: (date, reason) of each correction
    published since the first version, this one's last."""
    version = decision.report_version
    published = decision.published_on
    mark = (
        f"Record of decision, published {_date(published)}"
        if published
        else "Record of decision, not yet published"
    )
    if corrections:
        mark += f", corrected {_date(corrections[-1][0])}"
    header = (
        HeaderRow("Decision-maker", f"{decision.maker_name} ({decision.get_maker_display()})"),
        HeaderRow("Date of decision", _date(decision.decided_on)),
        HeaderRow("Minute reference", decision.minute_reference),
        HeaderRow(
            "Report decided on",
            f"Version {version.number}, issued {_date(timezone.localdate(version.issued_at))}",
        ),
        HeaderRow("Published", _date(published) if published else "Not yet published"),
        HeaderRow(
            "Call-in deadline",
            _date(decision.call_in_deadline) if decision.call_in_deadline else "Not yet counted",
        ),
        HeaderRow("Call-in", decision.get_call_in_status_display()),
    )
    s1 = Section("1", "decision", "Decision")
    if not recommendations:
        s1.para("The report made no recommendations.")
    for row in recommendations:
        lines = tuple(line for line in row.text.splitlines() if line.strip())
        if row.outcome == DecisionRecommendation.Outcome.AMENDED:
            s1.para(
                f"Recommendation {row.number} was agreed as amended:",
                Part(lines=tuple(row.amended_text.splitlines())),
                "The report had recommended:",
                Part(lines=lines),
                strong=False,
            )
        else:
            s1.para(f"Recommendation {row.number} was {outcome_words(row)}:", Part(lines=lines))
    if option_name:
        s1.para(f"The option to be implemented is {option_name}.", strong=True)
    s2 = Section("2", "reasons", "Reasons for the decision")
    s2.text(decision.reasons, placeholder=False) or s2.para("No reasons were recorded.")
    s3 = Section("3", "alternatives", "Alternative options considered and rejected")
    if not s3.text(decision.alternatives_rejected, placeholder=False):
        s3.para("None were recorded.")
    s4 = Section("4", "interests", "Interests declared")
    if declarations:
        s4.para(
            "Those who scored the options declared these interests:",
            Part(items=tuple(declarations), style="bullet"),
        )
    said_at_meeting = s4.text(decision.interests_declared, placeholder=False)
    if not declarations and not said_at_meeting:
        s4.para("No interests were declared.")
    s5 = Section("5", "call-in", "Call-in")
    for sentence in call_in_words(decision, working_days):
        s5.para(sentence)
    sections = [s1, s2, s3, s4, s5]
    if corrections:
        s6 = Section("6", "corrections", "Corrections")
        s6.para(
            "This record was corrected after it was published:",
            Part(
                items=tuple(f"{_date(day)}: {reason}" for day, reason in corrections),
                style="bullet",
            ),
        )
        sections.append(s6)
    links = number_tables(sections, [])
    when = timezone.now()
    return Report(
        council=council,
        committee=decision.maker_name,
        title=title,
        reference=reference,
        header=header,
        sections=tuple(sections),
        appendices=(),
        draft=False,
        mark=mark,
        author=council,
        description=f"Record of decision of {decision.maker_name}, {council}",
        created=_created(when),
        links=links,
        to=f"Record of decision: {decision.maker_name}",
    )


def decision_pdf(
    decision: Decision,
    recommendations: Sequence[DecisionRecommendation],
    *,
    declarations: Sequence[str],
    corrections: Sequence[tuple[dt.date, str]] = (),
) -> bytes:
    """The record of decision of `decision` (its appraisal and council read through it) as
    tagged PDF, through the committee report's pipeline."""
    from .. import decisions
    from .rendering import write_pdf

    appraisal = decision.appraisal
    paper = decision_record(
        decision,
        recommendations,
        council=appraisal.lead_authority.name,
        title=appraisal.title,
        reference=appraisal.reference,
        option_name=decisions.option_name(decision),
        working_days=appraisal.lead_authority.call_in_working_days,
        declarations=declarations,
        corrections=corrections,
    )
    return write_pdf(render_paper(paper))


def benefits_report(
    plan: Benefits,
    milestones: Sequence[Milestone],
    *,
    council: str,
    committee: str,
    title: str,
    reference: str,
    decided: str,
) -> Report:
    """The benefits realisation report for committee: the chosen option's milestones and its
    actual costs and savings against the financial case and the target."""
    when = timezone.now()
    header = [
        HeaderRow("Option implemented", plan.option_name),
        HeaderRow("Decision", decided),
        HeaderRow("Savings target", target_words(plan) or "None set"),
    ]
    s1 = Section("1", "summary", "Summary")
    entered = plan.actuals
    if entered:
        last = entered[-1]
        s1.para(
            f"Actual figures have been entered for {_plural(len(entered), 'year')}. Over "
            f"{'that year' if len(entered) == 1 else 'those years'} {plan.option_name} saved "
            f"{money(plan.actual_savings_total)}, against {money(plan.central_savings_to_date)} "
            f"in the central case, and cost {money(plan.actual_costs_total)}, against "
            f"{money(plan.planned_costs_to_date)} planned."
        )
        if last.target is not None and last.actual is not None:
            s1.para(
                f"In year {last.year} the savings were {money(last.actual.savings)} a year, "
                f"against {money(last.target)} on the target's trajectory: "
                f"{last.against_target.lower()}."
            )
    else:
        s1.para("No actual costs or savings have been entered yet.")
    done = sum(1 for m in milestones if m.status == Milestone.Status.DONE)
    s1.para(
        f"{done} of {_plural(len(milestones), 'milestone')} {'is' if done == 1 else 'are'} done."
        if milestones
        else "No milestones have been recorded."
    )
    s2 = Section("2", "milestones", "Milestones")
    if milestones:
        s2.add(
            Table(
                "Milestones, by due date",
                (
                    Column("Milestone", "w-40"),
                    Column("Due", "w-20"),
                    Column("Status", "w-20"),
                    Column("Done on", "w-20"),
                ),
                tuple(
                    Row(
                        m.name,
                        (
                            Cell(_date(m.due_on)),
                            Cell(m.get_status_display()),
                            Cell(_date(m.completed_on) if m.completed_on else "–"),
                        ),
                    )
                    for m in milestones
                ),
            )
        )
    else:
        s2.para("No milestones have been recorded.")
    s3 = Section("3", "costs-savings", "Costs and savings by year")
    s3.para(
        f"Figures are pounds to {plan.lead}. Planned costs include the optimism bias the "
        "financial case was decided with; the range of savings is the case's low to high."
    )
    s3.add(
        Table(
            "Planned and actual costs and savings by year",
            (
                Column("Year", "w-10"),
                Column("Planned costs", "w-15 num"),
                Column("Actual costs", "w-15 num"),
                Column("Savings: low to high", "w-20 num"),
                Column("Central savings", "w-15 num"),
                Column("Actual savings", "w-15 num"),
                Column("Against the range", "w-10"),
            ),
            tuple(
                Row(
                    f"Year {r.year}",
                    (
                        Cell(money(r.planned_costs), "num"),
                        Cell(money(r.actual.costs) if r.actual else "–", "num"),
                        Cell(f"{money(r.savings_low)} to {money(r.savings_high)}", "num"),
                        Cell(money(r.savings_central), "num"),
                        Cell(money(r.actual.savings) if r.actual else "–", "num"),
                        Cell(r.against_range or "–"),
                    ),
                )
                for r in plan.rows
            ),
        )
    )
    s4 = Section("4", "trajectory", "Savings against the target")
    chart = trajectory_chart(plan)
    if plan.target is None:
        s4.para("No savings target was set: the chart shows the plan and the actual savings.")
    else:
        s4.para(
            f"The target is {target_words(plan)}. Its trajectory rises in equal steps from "
            "nothing in year 0 to the target in its year."
        )
    s4.add(Figure(chart))
    s4.add(
        Table(
            "Savings a year: the target, the financial case and the actual savings",
            tuple(Column(h, "num" if i else "") for i, h in enumerate(chart.headers)),
            tuple(Row(row[0], tuple(Cell(v, "num") for v in row[1:])) for row in chart.rows),
        )
    )
    sections = [s1, s2, s3, s4]
    links = number_tables(sections, [])
    return Report(
        council=council,
        committee=committee,
        title=title,
        reference=reference,
        header=tuple(header),
        sections=tuple(sections),
        appendices=(),
        draft=False,
        mark=f"Benefits realisation, {_date(timezone.localdate(when))}",
        author=council,
        description=f"Benefits realisation report, {council}",
        created=_created(when),
        links=links,
        to=f"Benefits realisation report to {committee or 'committee'}",
    )


def target_words(plan: Benefits) -> str:
    if plan.target is None:
        return ""
    text = f"{money(plan.target)} a year"
    if plan.target_year is not None:
        text += f" by year {plan.target_year}"
    if plan.target_percent is not None:
        text += f" ({plan.target_percent:g}% of the net revenue budget)"
    return text
