"""Each option's financial case: a yearly table, partner shares, NPV and payback beside it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions, exempt, finance
from ..access import can_edit, get_appraisal_for
from ..forms import (
    FLOW_FIELDS,
    FillFinanceForm,
    FinanceSettingsForm,
    FinancialCaseForm,
)
from ..models import Appraisal, Authority, ExemptPart, FinancialCase, Option
from .allow import allow
from .edit import edit


def _option(appraisal: Appraisal, key: str) -> Option:
    try:
        return appraisal.options.select_related("financial_case").get(key=key)
    except Option.DoesNotExist:
        raise Http404("No such option") from None


def _case(option: Option) -> FinancialCase | None:
    try:
        return option.financial_case
    except FinancialCase.DoesNotExist:
        return None


def evaluate_case(appraisal: Appraisal, case: FinancialCase | None) -> finance.FinanceResult | None:
    """NPVs and payback from the finance module (shares are read from the case's rows)."""
    if case is None or not case.savings_central:
        return None
    inp = finance.FinanceIn(
        costs=tuple(case.costs),
        savings_low=tuple(case.savings_low or case.savings_central),
        savings_central=tuple(case.savings_central),
        savings_high=tuple(case.savings_high or case.savings_central),
        partner_shares={s.authority.name: s.share for s in case.partner_shares.all()},
        discount_rate=appraisal.discount_rate,
        optimism_bias=appraisal.optimism_bias,
        lead=appraisal.lead_authority.name,
    )
    return finance.evaluate(
        inp, target=appraisal.savings_target, target_year=appraisal.savings_target_year
    )


def _exempt_options(appraisal: Appraisal) -> dict[int, int]:
    """{option id: its Schedule 12A paragraph} for the options whose case is exempt."""
    return dict(
        appraisal.exempt_parts.filter(kind=ExemptPart.Kind.FINANCE).values_list(
            "option_id", "paragraph"
        )
    )


def _finances_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:finances", args=[appraisal.reference])


def finances(request: HttpRequest, reference: str) -> HttpResponse:
    """Every option's NPV and payback, and the discount rate and optimism bias."""
    appraisal = get_appraisal_for(request.user, reference, edit=request.method == "POST")

    def build(data) -> FinanceSettingsForm:
        initial = {
            "discount_rate": f"{appraisal.discount_rate * 100:g}",
            "optimism_bias": f"{appraisal.optimism_bias * 100:g}",
        }
        return FinanceSettingsForm(data, initial=initial)

    def save(form: FinanceSettingsForm) -> None:
        actions.set_finance_settings(
            appraisal=appraisal,
            user=request.user,
            discount_rate=form.cleaned_data["discount_rate"] / 100,
            optimism_bias=form.cleaned_data["optimism_bias"] / 100,
        )

    form = edit(request, appraisal, build=build, save=save, kinds=["finance"])
    if form.saved:
        messages.success(request, "Discount rate and optimism bias saved.")
        return redirect(_finances_url(appraisal))
    options = (
        appraisal.options.exclude(status=Option.Status.REJECTED)
        .select_related("financial_case")
        .prefetch_related("financial_case__partner_shares__authority")
    )
    # Without the exempt financial cases for anyone who may not read them (appraisals.exempt).
    withheld = {} if exempt.may_see(request.user, appraisal) else _exempt_options(appraisal)
    rows = []
    for o in options:
        o.withheld = withheld.get(o.pk)
        rows.append((o, None if o.withheld else evaluate_case(appraisal, _case(o))))
    return render(
        request,
        "appraisals/finances.html",
        {
            "appraisal": appraisal,
            "rows": rows,
            "form": form,
            "can_edit": can_edit(request.user, appraisal),
            "section": "tasks",
        },
    )


def _share_authorities(appraisal: Appraisal, option: Option) -> list[Authority]:
    """The lead council, the appraisal's partners and the option's, each once."""
    seen: dict[int, Authority] = {appraisal.lead_authority.pk: appraisal.lead_authority}
    for a in [*appraisal.partners.all(), *option.partners.all()]:
        seen.setdefault(a.pk, a)
    return list(seen.values())


def _case_form(appraisal: Appraisal, key: str, data=None) -> FinancialCaseForm:
    """The yearly table and partner shares as stored (read afresh), or bound to `data`."""
    option = _option(appraisal, key)
    case = _case(option)
    initial: dict[str, object] = {}
    years = 10
    if case is not None:
        years = max(len(case.savings_central), len(case.costs), 1)
        for name in FLOW_FIELDS:
            for t, value in enumerate(getattr(case, name)):
                initial[f"{name}_{t}"] = value  # MoneyField shows it with commas
        for share in case.partner_shares.all():
            initial[f"share_{share.authority_id}"] = f"{share.share * 100:g}"
    partners = _share_authorities(appraisal, option)
    return FinancialCaseForm(data, years=years, partners=partners, initial=initial)


def finance_edit(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    option = _option(appraisal, key)

    def save(form: FinancialCaseForm) -> None:
        actions.save_financial_case(
            appraisal=appraisal,
            user=request.user,
            option=_option(appraisal, key),
            flows=form.flows(),
            shares=form.shares(),
        )

    form = edit(
        request,
        appraisal,
        build=lambda data: _case_form(appraisal, key, data),
        save=save,
        kinds=["finance"],
        subjects=_finance_subjects(appraisal, option),
    )
    if form.saved:
        messages.success(request, f"Financial case for “{option.name}” saved.")
        return redirect(reverse("appraisals:finance-edit", args=[reference, key]))
    fill_form = FillFinanceForm()
    fill_form.stamp = form.stamp  # filling in replaces the same table
    return render(
        request,
        "appraisals/finance_edit.html",
        {
            "appraisal": appraisal,
            "option": option,
            "form": form,
            "fill_form": fill_form,
            "result": evaluate_case(appraisal, _case(option)),
            "section": "tasks",
        },
    )


def _finance_subjects(appraisal: Appraisal, option: Option) -> list[str]:
    """How the audit trail names changes to this option's case (`save_financial_case`)."""
    shares = [f"{option.name}: share of {a.name}" for a in _share_authorities(appraisal, option)]
    return [option.name, *shares]


@allow("POST")
def finance_fill(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """Fill the yearly table from a one-off cost, a steady-state saving and ramp-up years."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    option = _option(appraisal, key)

    def save(form: FillFinanceForm) -> None:
        data = form.cleaned_data
        actions.fill_financial_case(
            appraisal=appraisal,
            user=request.user,
            option=_option(appraisal, key),
            one_off_cost=data["one_off_cost"],
            steady_saving=data["steady_saving"],
            ramp_up_years=data["ramp_up_years"],
            horizon=data["horizon"],
            range_fraction=data["range_percent"] / 100,
        )

    form = edit(
        request,
        appraisal,
        build=lambda data: FillFinanceForm(data),
        save=save,
        kinds=["finance"],
        subjects=_finance_subjects(appraisal, option),
        loaded_from=lambda: _case_form(appraisal, key),
    )
    if form.saved:
        messages.success(request, "Yearly figures filled in. Check and adjust them below.")
        return redirect(reverse("appraisals:finance-edit", args=[reference, key]))
    return render(
        request,
        "appraisals/finance_fill.html",
        {"appraisal": appraisal, "option": option, "form": form, "section": "tasks"},
    )
