"""Copying an appraisal as a new one, for the next service or the next council.

The copy starts as a draft with the source's options, criteria and weights, panels (with
their members when the lead council is the same, none of their scores) and risks. It has no
scores, no report text or header facts, no meeting, no financial cases, no questions and no
issued versions: those belong to one decision, and the copy is for another. Kind recorded:
appraisal.
"""

from __future__ import annotations

from django.db import transaction

from ..history import record_change
from ..models import Appraisal, Authority, Criterion, Option, Panel, Risk
from .scope import create_appraisal

# What the copy takes from the source's scope: the method and what is appraised, not the
# meeting, the report or where the decision stands.
COPIED_FIELDS = (
    "summary",
    "objectives",
    "illustrative",
    "savings_target",
    "savings_target_year",
    "scale_min",
    "scale_max",
    "weighting_method",
    "pairwise_matrix",
    "discount_rate",
    "optimism_bias",
    "uses_portfolio_holders",
)


@transaction.atomic
def copy_appraisal(
    *, user, source: Appraisal, lead_authority: Authority, title: str, reference: str = ""
) -> Appraisal:
    """A new draft appraisal led by `lead_authority`, copied from `source` without scores.

    Partners (of the appraisal and of its options) and panel members come with the copy only
    when it has the same lead council: a copy for another council is that council's to
    share, and its own people to sit on its panels.
    """
    same_lead = lead_authority.pk == source.lead_authority_id
    partners = list(source.partners.all()) if same_lead else []
    copy = create_appraisal(
        user=user,
        lead_authority=lead_authority,
        title=title,
        reference=reference,
        fields={name: getattr(source, name) for name in COPIED_FIELDS},
        partners=partners,
        services=source.services.all(),
    )
    options = {}
    for option in source.options.prefetch_related("partners"):
        options[option.pk] = Option.objects.create(
            appraisal=copy,
            key=option.key,
            name=option.name,
            delivery_model_id=option.delivery_model_id,
            description=option.description,
            baseline=option.baseline,
            status=option.status,
            rejection_reason=option.rejection_reason,
            order=option.order,
        )
        if same_lead:
            options[option.pk].partners.set(option.partners.all())
    Criterion.objects.bulk_create(
        Criterion(
            appraisal=copy,
            key=c.key,
            name=c.name,
            weight=c.weight,
            group=c.group,
            description=c.description,
            guidance=c.guidance,
            order=c.order,
        )
        for c in source.criteria.all()
    )
    for panel in source.panels.prefetch_related("members"):
        new = Panel.objects.create(
            appraisal=copy, key=panel.key, name=panel.name, order=panel.order
        )
        if same_lead:  # people of another council could not see the copy they sit on
            new.members.set(panel.members.all())
    Risk.objects.bulk_create(
        Risk(
            appraisal=copy,
            option=options.get(r.option_id),
            risk=r.risk,
            consequences=r.consequences,
            likelihood=r.likelihood,
            impact=r.impact,
            controls=r.controls,
            residual_likelihood=r.residual_likelihood,
            residual_impact=r.residual_impact,
            owner=r.owner,
            order=r.order,
        )
        for r in source.risks.all()
    )
    record_change(
        appraisal=copy,
        user=user,
        kind="appraisal",
        subject=title,
        field="copied from",
        new=f"{source.title} ({source.reference})",
    )
    return copy
