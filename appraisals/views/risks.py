"""The risk register and its 5 × 5 heat maps, before and after controls.

`heat_map(...)` builds what templates/appraisals/_risk_heat_map.html draws, so the results
and report pages can include the same map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions, engine, exempt
from ..access import can_edit, get_appraisal_for
from ..forms import RiskForm
from ..models import Appraisal, ExemptPart, Risk
from .allow import allow
from .edit import click, edit


@dataclass(frozen=True)
class HeatCell:
    impact: int
    band: str
    labels: tuple[str, ...]  # the risks in this cell, "R1", "R4"…


@dataclass(frozen=True)
class HeatMap:
    caption: str
    rows: tuple[tuple[int, tuple[HeatCell, ...]], ...]  # likelihood 5 → 1
    note: str = ""  # under the map: the exempt risks it leaves out, and where they are


@dataclass(frozen=True)
class RiskRow:
    label: str
    risk: Risk
    before: engine.RiskRating
    after: engine.RiskRating


def risk_rows(
    risks: Sequence[Risk], cutoffs: Sequence[int], withheld: frozenset[int] = frozenset()
) -> list[RiskRow]:
    """`withheld`: the risks (by pk) whose ratings the user may not read (exempt)."""
    return [
        RiskRow(f"R{n}", risk, exempt.WITHHELD, exempt.WITHHELD)
        if risk.pk in withheld
        else RiskRow(
            f"R{n}",
            risk,
            engine.risk_rating(risk.likelihood, risk.impact, cutoffs),
            engine.risk_rating(risk.residual_likelihood, risk.residual_impact, cutoffs),
        )
        for n, risk in enumerate(risks, start=1)
    ]


def heat_map(
    rows: Sequence[RiskRow], cutoffs: Sequence[int], *, after: bool, where: str = ""
) -> HeatMap:
    """`where`: where the exempt risks are ("exempt Appendix F"), which the map leaves out."""
    bands = engine.risk_matrix(cutoffs)
    cells: dict[tuple[int, int], list[str]] = {}
    shown = [row for row in rows if row.before != exempt.WITHHELD]
    for row in shown:
        r = row.risk
        at = (r.residual_likelihood, r.residual_impact) if after else (r.likelihood, r.impact)
        cells.setdefault(at, []).append(row.label)
    caption = "After controls" if after else "Before controls"
    return HeatMap(
        caption=f"{caption}: number of risks by likelihood and impact",
        rows=tuple(
            (
                lk,
                tuple(
                    HeatCell(im, bands[lk - 1][im - 1], tuple(cells.get((lk, im), ())))
                    for im in range(1, 6)
                ),
            )
            for lk in range(5, 0, -1)
        ),
        note=exempt.withheld_note(len(rows) - len(shown), where),
    )


def _risk(appraisal: Appraisal, pk: int) -> Risk:
    try:
        return appraisal.risks.get(pk=pk)
    except Risk.DoesNotExist:
        raise Http404("No such risk") from None


def _risks_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:risks", args=[appraisal.reference])


@allow("GET")
def risks(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    cutoffs = appraisal.lead_authority.risk_cutoffs
    risks = list(appraisal.risks.select_related("option"))
    withheld: dict[int, int] = {}
    if not exempt.may_see(request.user, appraisal):
        # The exempt risks' words stay out for anyone who may not read them (never saved).
        withheld = dict(
            appraisal.exempt_parts.filter(kind=ExemptPart.Kind.RISK).values_list(
                "risk_id", "paragraph"
            )
        )
        for risk in risks:
            if risk.pk in withheld:
                risk.risk = (
                    f"Exempt information (paragraph {withheld[risk.pk]} of Schedule 12A): "
                    "not for publication"
                )
                risk.consequences = risk.controls = risk.owner = ""
    # The whole of an exempt risk is exempt: its ratings too, so the heat maps leave it out.
    rows = risk_rows(risks, cutoffs, frozenset(withheld))
    where = exempt.appendix_where(appraisal)
    return render(
        request,
        "appraisals/risks.html",
        {
            "appraisal": appraisal,
            "rows": rows,
            "heat_maps": [
                heat_map(rows, cutoffs, after=False, where=where),
                heat_map(rows, cutoffs, after=True, where=where),
            ],
            "can_edit": can_edit(request.user, appraisal),
            "section": "tasks",
        },
    )


def risk_form(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    """Add a risk (no pk) or change one."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    risk = _risk(appraisal, pk) if pk is not None else None
    options = appraisal.options.all()

    def build(data) -> RiskForm:
        # A bound form writes onto its instance: give it a blank one, not the stored risk.
        if data is not None:
            return RiskForm(data, instance=Risk(appraisal=appraisal), options=options)
        return RiskForm(instance=_risk(appraisal, pk) if pk is not None else None, options=options)

    def save(form: RiskForm) -> None:
        actions.save_risk(
            appraisal=appraisal,
            user=request.user,
            fields=form.risk_fields(),
            risk=_risk(appraisal, pk) if pk is not None else None,
        )

    form = edit(
        request,
        appraisal,
        build=build,
        save=save,
        kinds=["risk"],
        subjects=[str(risk)] if risk else [],
    )
    if form.saved:
        messages.success(request, "Risk saved.")
        if pk is None and request.POST.get("add_another"):  # the register, one after another
            return redirect("appraisals:risk-add", appraisal.reference)
        return redirect(_risks_url(appraisal))
    return render(
        request,
        "appraisals/risk_form.html",
        {"appraisal": appraisal, "risk": risk, "form": form, "section": "tasks"},
    )


@allow("POST")
def risk_delete(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Remove a risk, unless it changed after the officer opened it (the button carries the
    risk form's stamp): then its page shows it as it is now, and says who changed what."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    risk = _risk(appraisal, pk)
    options = appraisal.options.all()
    refused = click(
        request,
        appraisal,
        shown=lambda: RiskForm(instance=_risk(appraisal, pk), options=options),
        act=lambda: actions.delete_risk(
            appraisal=appraisal, user=request.user, risk=_risk(appraisal, pk)
        ),
        kinds=["risk"],
        subjects=[str(risk)],
    )
    if refused is not None:
        for line in refused:
            messages.error(request, line)
        return redirect("appraisals:risk-edit", appraisal.reference, pk)
    messages.success(request, "Risk removed from the register.")
    return redirect(_risks_url(appraisal))
