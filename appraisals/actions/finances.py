"""An option's financial case (yearly costs, savings and partner shares, or a profile that
builds them) and the appraisal's discount rate and optimism bias. Kind recorded: finance.

The method itself (net present values) is `appraisals.finance`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ..history import _text, record_change, update_fields
from ..models import Appraisal, Authority, FinancialCase, Option


def _flows_text(values: Sequence[float]) -> str:
    return ", ".join(_text(float(v)) for v in values)


def cash_flows_from_profile(
    *,
    one_off_cost: float,
    steady_saving: float,
    ramp_up_years: int,
    horizon: int,
    range_fraction: float = 0.25,
) -> dict[str, list[float]]:
    """Yearly costs and savings from a one-off cost, a steady-state saving and a ramp-up.

    The one-off cost falls in year 0; savings rise in equal steps to the steady state, reached
    in year `ramp_up_years` (Darlington/Stockton: £0.6 million, then £1.2 million a year from
    year 2 with a ramp of 2). Low and high savings are the central ones less and plus
    `range_fraction`.
    """
    if horizon < 1:
        raise ValueError("the horizon is at least one year")
    if ramp_up_years < 0 or not 0 <= range_fraction <= 1:
        raise ValueError("ramp-up years and the range must not be negative")
    costs = [float(one_off_cost)] + [0.0] * (horizon - 1)
    central = [
        float(steady_saving) * (min(1.0, t / ramp_up_years) if ramp_up_years else 1.0)
        for t in range(horizon)
    ]
    return {
        "costs": costs,
        "savings_low": [round(s * (1 - range_fraction), 2) for s in central],
        "savings_central": [round(s, 2) for s in central],
        "savings_high": [round(s * (1 + range_fraction), 2) for s in central],
    }


@transaction.atomic
def save_financial_case(
    *,
    appraisal: Appraisal,
    user,
    option: Option,
    flows: dict[str, list[float]],
    shares: dict[Authority, float] | None = None,
) -> FinancialCase:
    """An option's yearly costs and savings (keys as FinancialCase fields) and partner shares."""
    case, created = FinancialCase.objects.get_or_create(option=option)
    for field in ("costs", "savings_low", "savings_central", "savings_high"):
        old, new = getattr(case, field), [float(x) for x in flows[field]]
        if created or old != new:
            record_change(
                appraisal=appraisal,
                user=user,
                kind="finance",
                subject=option.name,
                field=field.replace("_", " "),
                old="" if created else _flows_text(old),
                new=_flows_text(new),
            )
            setattr(case, field, new)
    case.save()
    if shares is not None:
        existing = {s.authority_id: s for s in case.partner_shares.all()}
        for order, (authority, share) in enumerate(shares.items()):
            current = existing.pop(authority.pk, None)
            record_change(
                appraisal=appraisal,
                user=user,
                kind="finance",
                subject=f"{option.name}: share of {authority.name}",
                field="share",
                old=current.share if current else None,
                new=share,
            )
            if current is None:
                case.partner_shares.create(authority=authority, share=share, order=order)
            elif current.share != share or current.order != order:
                current.share, current.order = share, order
                current.save()
        for gone in existing.values():
            record_change(
                appraisal=appraisal,
                user=user,
                kind="finance",
                subject=f"{option.name}: share of {gone.authority}",
                field="share",
                old=gone.share,
            )
            gone.delete()
    return case


@transaction.atomic
def fill_financial_case(
    *,
    appraisal: Appraisal,
    user,
    option: Option,
    one_off_cost: float,
    steady_saving: float,
    ramp_up_years: int,
    horizon: int,
    range_fraction: float = 0.25,
) -> FinancialCase:
    """Replace an option's yearly figures with ones built by `cash_flows_from_profile`."""
    flows = cash_flows_from_profile(
        one_off_cost=one_off_cost,
        steady_saving=steady_saving,
        ramp_up_years=ramp_up_years,
        horizon=horizon,
        range_fraction=range_fraction,
    )
    return save_financial_case(appraisal=appraisal, user=user, option=option, flows=flows)


@transaction.atomic
def set_finance_settings(
    *, appraisal: Appraisal, user, discount_rate: float, optimism_bias: float
) -> None:
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="finance",
        changes={"discount_rate": discount_rate, "optimism_bias": optimism_bias},
    )
