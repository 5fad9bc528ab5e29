"""The risk register: adding, changing and deleting risks. Kind recorded: risk."""

from __future__ import annotations

from django.db import transaction

from ..history import record_change, update_fields
from ..models import Appraisal, Risk

RISK_FIELDS = (
    "option",
    "risk",
    "consequences",
    "likelihood",
    "impact",
    "controls",
    "residual_likelihood",
    "residual_impact",
    "owner",
)


@transaction.atomic
def save_risk(*, appraisal: Appraisal, user, fields: dict, risk: Risk | None = None) -> Risk:
    """Add a risk to the register, or change one (each changed field recorded)."""
    if risk is None:
        last = appraisal.risks.order_by("-order").values_list("order", flat=True).first()
        risk = appraisal.risks.create(order=(last or 0) + 1, **fields)
        record_change(
            appraisal=appraisal,
            user=user,
            kind="risk",
            subject=str(risk),
            field="added",
            new=f"likelihood {risk.likelihood} × impact {risk.impact}; after controls "
            f"{risk.residual_likelihood} × {risk.residual_impact}",
        )
        return risk
    update_fields(instance=risk, user=user, appraisal=appraisal, kind="risk", changes=fields)
    return risk


@transaction.atomic
def delete_risk(*, appraisal: Appraisal, user, risk: Risk) -> None:
    record_change(
        appraisal=appraisal, user=user, kind="risk", subject=str(risk), field="removed", old="on"
    )
    risk.delete()
