"""Writes that span rows: keyword-only, typed, one transaction each, named by the domain verb.

Each records what it changed in the audit trail (`Change`) inside the same transaction, so a
refused or failed write leaves neither data nor history behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Appraisal,
    Authority,
    Change,
    Criterion,
    DeliveryModel,
    FinancialCase,
    LibraryCriterion,
    Option,
    Panel,
    PartnerShare,
    Question,
    Risk,
    Score,
    Service,
)


class Conflict(Exception):
    """The value changed under the user since they loaded it; nothing was written."""

    def __init__(self, message: str, *, current: object = None) -> None:
        super().__init__(message)
        self.current = current


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def record_change(
    *,
    appraisal: Appraisal,
    user,
    kind: str,
    subject: str,
    field: str = "",
    old: object = None,
    new: object = None,
) -> Change | None:
    """Add one row to the audit trail; a no-op when nothing actually changed."""
    if _text(old) == _text(new):
        return None
    return Change.objects.create(
        appraisal=appraisal,
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        subject=subject[:300],
        field=field,
        old=_text(old),
        new=_text(new),
    )


@transaction.atomic
def update_fields(*, instance, user, appraisal: Appraisal, kind: str, changes: dict) -> list[str]:
    """Apply {field: new value} to one model instance, recording each changed field."""
    changed = []
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            record_change(
                appraisal=appraisal,
                user=user,
                kind=kind,
                subject=str(instance),
                field=field,
                old=old,
                new=new,
            )
            setattr(instance, field, new)
            changed.append(field)
    if changed:
        instance.save()
    return changed


# --------------------------------------------------------------------------------------------
# The officer's workspace: scope, options, criteria and weights, panels, risks, finance and
# questions. Kinds recorded in the audit trail: appraisal, option, criterion, weight, panel,
# risk, finance, question.


def unique_key(name: str, taken: Iterable[str], fallback: str = "item") -> str:
    """A slug for `name` not among `taken` (adds -2, -3 … as needed)."""
    taken = set(taken)
    base = slugify(name)[:44].strip("-") or fallback
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"
        n += 1
    return key


def _names(items: Iterable[object]) -> str:
    return ", ".join(sorted(str(item) for item in items))


def _set_related(
    *, appraisal: Appraisal, user, instance, field: str, kind: str, new: Iterable
) -> None:
    """Replace a many-to-many set, recording old → new as names."""
    manager = getattr(instance, field)
    old = list(manager.all())
    new = list(new)
    if {o.pk for o in old} != {n.pk for n in new}:
        record_change(
            appraisal=appraisal,
            user=user,
            kind=kind,
            subject=str(instance),
            field=field,
            old=_names(old),
            new=_names(new),
        )
        manager.set(new)


# Path segments under /appraisals/ that are pages, not appraisals.
RESERVED_REFERENCES = ("new", "import")


@transaction.atomic
def create_appraisal(
    *,
    user,
    lead_authority: Authority,
    title: str,
    reference: str = "",
    fields: dict | None = None,
    partners: Iterable[Authority] = (),
    services: Iterable[Service] = (),
) -> Appraisal:
    taken = Appraisal.objects.filter(reference__startswith=slugify(reference or title)[:44])
    reserved = {*taken.values_list("reference", flat=True), *RESERVED_REFERENCES}
    reference = reference or unique_key(title, reserved, "appraisal")
    appraisal = Appraisal.objects.create(
        reference=reference,
        title=title,
        lead_authority=lead_authority,
        created_by=user if user.is_authenticated else None,
        **(fields or {}),
    )
    appraisal.partners.set(partners)
    appraisal.services.set(services)
    record_change(
        appraisal=appraisal, user=user, kind="appraisal", subject=title, field="created", new=title
    )
    return appraisal


@transaction.atomic
def update_scope(
    *,
    appraisal: Appraisal,
    user,
    changes: dict,
    partners: Iterable[Authority],
    services: Iterable[Service],
) -> None:
    update_fields(
        instance=appraisal, user=user, appraisal=appraisal, kind="appraisal", changes=changes
    )
    for field, new in (("partners", partners), ("services", services)):
        _set_related(
            appraisal=appraisal,
            user=user,
            instance=appraisal,
            field=field,
            kind="appraisal",
            new=new,
        )


@transaction.atomic
def add_option(
    *,
    appraisal: Appraisal,
    user,
    delivery_model: DeliveryModel,
    name: str,
    partners: Iterable[Authority] = (),
    description: str = "",
    status: str = Option.Status.LONGLISTED,
) -> Option:
    keys = appraisal.options.values_list("key", flat=True)
    last = appraisal.options.order_by("-order").values_list("order", flat=True).first()
    option = appraisal.options.create(
        key=unique_key(name, keys, "option"),
        name=name,
        delivery_model=delivery_model,
        description=description,
        status=status,
        order=(last or 0) + 1,
    )
    option.partners.set(partners)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="option",
        subject=name,
        field="added",
        new=f"{delivery_model.name}, {option.get_status_display().lower()}",
    )
    return option


@transaction.atomic
def edit_option(
    *,
    appraisal: Appraisal,
    user,
    option: Option,
    name: str,
    description: str,
    status: str,
    rejection_reason: str,
    partners: Iterable[Authority],
) -> None:
    """Rename, describe, short-list or reject an option (a rejection keeps its reason)."""
    if status != Option.Status.REJECTED:
        rejection_reason = ""
    changes = {
        "name": name,
        "description": description,
        "status": status,
        "rejection_reason": rejection_reason,
    }
    if status == Option.Status.REJECTED and option.baseline:
        changes["baseline"] = False  # a rejected option cannot be the comparison
    update_fields(instance=option, user=user, appraisal=appraisal, kind="option", changes=changes)
    _set_related(
        appraisal=appraisal,
        user=user,
        instance=option,
        field="partners",
        kind="option",
        new=partners,
    )


@transaction.atomic
def set_baseline(*, appraisal: Appraisal, user, option: Option) -> None:
    """Make `option` the one baseline (do nothing) the others are compared with."""
    for current in appraisal.options.filter(baseline=True).exclude(pk=option.pk):
        update_fields(
            instance=current,
            user=user,
            appraisal=appraisal,
            kind="option",
            changes={"baseline": False},
        )
    changes: dict[str, object] = {"baseline": True}
    if option.status == Option.Status.REJECTED:
        changes |= {"status": Option.Status.SHORTLISTED, "rejection_reason": ""}
    update_fields(instance=option, user=user, appraisal=appraisal, kind="option", changes=changes)


def _extend_matrix(appraisal: Appraisal, user, added: int) -> None:
    """New criteria start as equally important as every other in a pairwise matrix."""
    matrix = appraisal.pairwise_matrix
    if matrix is None or not added:  # [] is a matrix whose criteria were all removed
        return
    n = len(matrix) + added
    grown = [list(row) + [1.0] * added for row in matrix] + [[1.0] * n for _ in range(added)]
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="weight",
        changes={"pairwise_matrix": grown},
    )


def _next_criterion_order(appraisal: Appraisal) -> int:
    last = appraisal.criteria.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def add_criteria_from_library(
    *, appraisal: Appraisal, user, library_criteria: Sequence[LibraryCriterion]
) -> list[Criterion]:
    """Copy library criteria (name, group, description, guidance) onto the appraisal, weight 1."""
    keys = set(appraisal.criteria.values_list("key", flat=True))
    names = {n.casefold() for n in appraisal.criteria.values_list("name", flat=True)}
    order = _next_criterion_order(appraisal)
    added = []
    for item in library_criteria:
        if item.name.casefold() in names:
            continue  # already on the appraisal: adding it twice would double its weight
        key = unique_key(item.key or item.name, keys, "criterion")
        keys.add(key)
        names.add(item.name.casefold())
        added.append(
            Criterion(
                appraisal=appraisal,
                key=key,
                name=item.name,
                group=item.group,
                description=item.description,
                guidance=item.guidance,
                weight=1,
                order=order,
            )
        )
        order += 1
    Criterion.objects.bulk_create(added)
    for criterion in added:
        record_change(
            appraisal=appraisal,
            user=user,
            kind="criterion",
            subject=criterion.name,
            field="added",
            new=f"from the library, weight {_text(criterion.weight)}",
        )
    _extend_matrix(appraisal, user, len(added))
    return added


@transaction.atomic
def add_criterion(*, appraisal: Appraisal, user, fields: dict) -> Criterion:
    keys = appraisal.criteria.values_list("key", flat=True)
    criterion = appraisal.criteria.create(
        key=unique_key(fields["name"], keys, "criterion"),
        order=_next_criterion_order(appraisal),
        **fields,
    )
    record_change(
        appraisal=appraisal,
        user=user,
        kind="criterion",
        subject=criterion.name,
        field="added",
        new=f"weight {_text(criterion.weight)}",
    )
    _extend_matrix(appraisal, user, 1)
    return criterion


@transaction.atomic
def edit_criterion(*, appraisal: Appraisal, user, criterion: Criterion, fields: dict) -> None:
    """Name, group, description and guidance (weights change on the weights pages)."""
    update_fields(
        instance=criterion, user=user, appraisal=appraisal, kind="criterion", changes=fields
    )


def _matrix_text(matrix: Sequence[Sequence[float]] | None) -> str:
    if not matrix:
        return ""
    return "; ".join(" ".join(f"{x:.4g}" for x in row) for row in matrix)


@transaction.atomic
def set_weights(
    *,
    appraisal: Appraisal,
    user,
    method: str,
    weights: dict[str, float] | None = None,
    matrix: list[list[float]] | None = None,
) -> None:
    """Direct or swing weights ({criterion key: raw weight}) or a pairwise matrix.

    Raw weights are kept as entered (swing points stay points); the engine normalises them.
    """
    if method not in Appraisal.Weighting.values:
        raise ValueError(f"unknown weighting method {method!r}")
    if weights is not None:
        for criterion in appraisal.criteria.filter(key__in=weights):
            new = float(weights[criterion.key])
            if criterion.weight != new:
                record_change(
                    appraisal=appraisal,
                    user=user,
                    kind="weight",
                    subject=criterion.name,
                    field="weight",
                    old=criterion.weight,
                    new=new,
                )
                criterion.weight = new
                criterion.save(update_fields=["weight"])
    if matrix is not None and matrix != appraisal.pairwise_matrix:
        record_change(
            appraisal=appraisal,
            user=user,
            kind="weight",
            subject="Pairwise comparisons",
            field="pairwise_matrix",
            old=_matrix_text(appraisal.pairwise_matrix),
            new=_matrix_text(matrix),
        )
        appraisal.pairwise_matrix = matrix
        appraisal.save(update_fields=["pairwise_matrix", "updated_at"])
    update_fields(
        instance=appraisal,
        user=user,
        appraisal=appraisal,
        kind="weight",
        changes={"weighting_method": method},
    )


@transaction.atomic
def add_panel(*, appraisal: Appraisal, user, name: str, members: Iterable = ()) -> Panel:
    keys = appraisal.panels.values_list("key", flat=True)
    last = appraisal.panels.order_by("-order").values_list("order", flat=True).first()
    panel = appraisal.panels.create(
        key=unique_key(name, keys, "panel"), name=name, order=(last or 0) + 1
    )
    panel.members.set(members)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="panel",
        subject=name,
        field="added",
        new=_names(panel.members.all()),
    )
    return panel


@transaction.atomic
def edit_panel(*, appraisal: Appraisal, user, panel: Panel, name: str, members: Iterable) -> None:
    update_fields(
        instance=panel, user=user, appraisal=appraisal, kind="panel", changes={"name": name}
    )
    _set_related(
        appraisal=appraisal, user=user, instance=panel, field="members", kind="panel", new=members
    )


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


# --------------------------------------------------------------------------------------------
# Removing an option, a criterion or a panel. What goes with it (`Losses`) is shown on the
# confirmation page and kept in the item's "removed" row of the audit trail. Scores, risks,
# financial cases with their partner shares, and panel places go by the models' CASCADE; the
# pairwise matrix, held on the appraisal, is trimmed here (recorded as a weight change, as
# adding a criterion records its growth).


@dataclass(frozen=True)
class Losses:
    """What is removed with an option, a criterion or a panel."""

    scores: int = 0
    risks: int = 0  # risks recorded against the option
    financial_case: bool = False
    partner_shares: int = 0  # of the option's net savings
    judgements: int = 0  # pairwise judgements with the other criteria
    members: tuple[str, ...] = ()  # the people taken off the panel (their accounts stay)

    def items(self) -> list[str]:
        """What goes, in words (a panel's members are not lost: they only leave it)."""
        items = []
        if self.scores:
            items.append(_counted(self.scores, "score"))
        if self.financial_case:
            shares = self.partner_shares
            items.append(
                "its financial case"
                + (f" with {_counted(shares, 'partner share')} of the savings" if shares else "")
            )
        if self.risks:
            items.append(f"{_counted(self.risks, 'risk')} recorded against it")
        if self.judgements:
            items.append(f"{_counted(self.judgements, 'pairwise judgement')} against the others")
        return items

    def sentence(self) -> str:
        """Like "12 scores, its financial case and 1 risk recorded against it"; "" if nothing."""
        items = self.items()
        return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))

    def __str__(self) -> str:
        members = f"members {', '.join(self.members)}" if self.members else ""
        return "; ".join(p for p in (self.sentence(), members) if p)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _count(rows: QuerySet) -> Coalesce:
    """COUNT(*) of `rows` (filtered on an OuterRef) as a subquery, 0 when there are none."""
    counted = rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def option_losses(option: Option) -> Losses:
    """The option's scores, risks, financial case and partner shares, counted in one query."""
    counts = (
        Option.objects.filter(pk=option.pk)
        .values(
            n_scores=_count(Score.objects.filter(option=OuterRef("pk"))),
            n_risks=_count(Risk.objects.filter(option=OuterRef("pk"))),
            n_cases=_count(FinancialCase.objects.filter(option=OuterRef("pk"))),
            n_shares=_count(PartnerShare.objects.filter(financial_case__option=OuterRef("pk"))),
        )
        .get()
    )
    return Losses(
        scores=counts["n_scores"],
        risks=counts["n_risks"],
        financial_case=bool(counts["n_cases"]),
        partner_shares=counts["n_shares"],
    )


def _in_step(matrix: Sequence[Sequence[float]] | None, criteria: int) -> bool:
    """A pairwise matrix with one row per criterion (one out of step is left alone)."""
    return matrix is not None and len(matrix) == criteria


def matrix_without(matrix: Sequence[Sequence[float]], index: int) -> list[list[float]]:
    """The pairwise matrix without criterion `index`'s row and column."""
    return [
        [x for j, x in enumerate(row) if j != index] for i, row in enumerate(matrix) if i != index
    ]


def criterion_losses(
    criterion: Criterion, *, criteria: int, matrix: Sequence[Sequence[float]] | None
) -> Losses:
    """The criterion's scores and, when the matrix is in step with the `criteria` (how many
    there are), its judgements against each of the others."""
    return Losses(
        scores=criterion.scores.count(),
        judgements=criteria - 1 if _in_step(matrix, criteria) else 0,
    )


def panel_losses(panel: Panel) -> Losses:
    """The panel's scores, and who sits on it (they stay users, and on other panels)."""
    people = panel.members.order_by("username")
    return Losses(
        scores=panel.scores.count(),
        members=tuple(p.get_full_name() or p.get_username() for p in people),
    )


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


@transaction.atomic
def remove_option(*, appraisal: Appraisal, user, option: Option) -> None:
    """Remove an option with its scores, risks, financial case and partner shares.

    Removing the baseline leaves the appraisal without one until another is marked.
    """
    stage = option.get_status_display().lower() + (", the baseline" if option.baseline else "")
    record_change(
        appraisal=appraisal,
        user=user,
        kind="option",
        subject=option.name,
        field="removed",
        old=_joined(stage, str(option_losses(option))),
    )
    option.delete()


@transaction.atomic
def remove_criterion(*, appraisal: Appraisal, user, criterion: Criterion) -> None:
    """Remove a criterion with its scores, and its row and column of the pairwise matrix.

    Raw weights stay as they are: the engine normalises what is left to 100%.
    """
    # Locked: the matrix is read, trimmed and written back by position.
    locked = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    positions = list(locked.criteria.values_list("pk", flat=True))
    matrix = locked.pairwise_matrix
    losses = criterion_losses(criterion, criteria=len(positions), matrix=matrix)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="criterion",
        subject=criterion.name,
        field="removed",
        old=_joined(f"weight {_text(criterion.weight)}", str(losses)),
    )
    if matrix is not None and _in_step(matrix, len(positions)):
        trimmed = matrix_without(matrix, positions.index(criterion.pk))
        record_change(
            appraisal=appraisal,
            user=user,
            kind="weight",
            subject="Pairwise comparisons",
            field="pairwise_matrix",
            old=_matrix_text(matrix),
            new=_matrix_text(trimmed),
        )
        locked.pairwise_matrix = appraisal.pairwise_matrix = trimmed
        locked.save(update_fields=["pairwise_matrix", "updated_at"])
    criterion.delete()


@transaction.atomic
def remove_panel(*, appraisal: Appraisal, user, panel: Panel) -> None:
    """Remove a panel with its scores; its members stay users, off this panel."""
    record_change(
        appraisal=appraisal,
        user=user,
        kind="panel",
        subject=panel.name,
        field="removed",
        old=str(panel_losses(panel)) or "no members or scores",
    )
    panel.delete()


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
    in year `ramp_up_years` (Darlington/Stockton: £0.6M, then £1.2M a year from year 2 with a
    ramp of 2). Low and high savings are the central ones less and plus `range_fraction`.
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


@transaction.atomic
def ask_question(*, appraisal: Appraisal, user, text: str) -> Question:
    question = appraisal.questions.create(asked_by=user, text=text)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="question",
        subject=str(question),
        field="asked",
        new=text,
    )
    return question


@transaction.atomic
def answer_question(*, appraisal: Appraisal, user, question: Question, answer: str) -> None:
    record_change(
        appraisal=appraisal,
        user=user,
        kind="question",
        subject=str(question),
        field="answer",
        old=question.answer,
        new=answer,
    )
    question.answer = answer
    question.answered_by = user
    question.answered_at = timezone.now()
    question.save()


# --------------------------------------------------------------------------------------------
# Scoring and results: one panel's score of one option on one criterion. Kind recorded in the
# audit trail: score.


def _score_subject(panel: Panel, option: Option, criterion: Criterion) -> str:
    return f"{panel.name}: {option.name} on {criterion.name}"


@transaction.atomic
def save_score(
    *,
    panel: Panel,
    option: Option,
    criterion: Criterion,
    score: float | None,
    reason: str,
    expected_version: int | None,
    user,
) -> Score | None:
    """Record (or, with `score` None, remove) one panel's score of an option on a criterion.

    `expected_version` is the version the user loaded (None or 0: the cell was empty). If the
    stored score has moved on since, nothing is written and `Conflict(current=the Score, or
    None if it was removed)` is raised, so two officers never overwrite each other silently.
    The score and the reason are recorded in the audit trail only when the write succeeds.
    """
    appraisal = panel.appraisal
    if not option.appraisal_id == criterion.appraisal_id == appraisal.pk:
        raise ValueError("the option, criterion and panel belong to different appraisals")
    if score is not None and not appraisal.scale_min <= score <= appraisal.scale_max:
        raise ValueError(
            f"Score must be between {_text(appraisal.scale_min)} and {_text(appraisal.scale_max)}"
        )
    cell = Score.objects.filter(panel=panel, option=option, criterion=criterion)
    current = cell.select_related("updated_by").first()
    expected = expected_version or 0
    if (current.version if current else 0) != expected:
        raise Conflict("This score was changed since you opened the page.", current=current)
    now = timezone.now()
    if score is None:
        if current is None:
            return None
        # Conditional write: only the version the user saw may be replaced.
        deleted, _ = cell.filter(version=expected).delete()
        if not deleted:
            raise Conflict(
                "This score was changed since you opened the page.", current=cell.first()
            )
        saved = None
    elif current is None:
        try:
            with transaction.atomic():  # a savepoint: the unique cell may be taken meanwhile
                saved = Score.objects.create(
                    panel=panel,
                    option=option,
                    criterion=criterion,
                    score=score,
                    reason=reason,
                    updated_by=user,
                    updated_at=now,
                )
        except IntegrityError:
            raise Conflict(
                "This score was added since you opened the page.",
                current=cell.select_related("updated_by").first(),
            ) from None
    else:
        updated = cell.filter(version=expected).update(
            score=score, reason=reason, version=F("version") + 1, updated_by=user, updated_at=now
        )
        if not updated:
            raise Conflict(
                "This score was changed since you opened the page.",
                current=cell.select_related("updated_by").first(),
            )
        saved = Score(
            pk=current.pk,
            panel=panel,
            option=option,
            criterion=criterion,
            score=score,
            reason=reason,
            version=expected + 1,
            updated_by=user,
            updated_at=now,
        )
    subject = _score_subject(panel, option, criterion)
    old_score, old_reason = (current.score, current.reason) if current else (None, "")
    record_change(
        appraisal=appraisal,
        user=user,
        kind="score",
        subject=subject,
        field="score",
        old=old_score,
        new=score,
    )
    record_change(
        appraisal=appraisal,
        user=user,
        kind="score",
        subject=subject,
        field="reason",
        old=old_reason,
        new=reason if saved else "",
    )
    return saved


# --------------------------------------------------------------------------------------------
# Committee reports: the narrative and header block, and issuing. Kind recorded: report.
# (reports and results import this module, so they are imported inside the functions.)

REPORT_HEADER_FIELDS = (
    "committee_name",
    "meeting_date",
    "agenda_item",
    "report_status",
    "exempt_paragraph",
    "report_purpose",
    "report_author",
    "portfolio_holder",
    "officers_consulted",
    "wards_affected",
    "key_decision",
)


class ReportAlreadyIssued(Exception):
    """Nothing in the report has changed since the version that was last issued."""

    def __init__(self, number: int) -> None:
        super().__init__(f"Version {number} of the report already holds exactly this content.")
        self.number = number


class ReportIncomplete(Exception):
    """The report lacks something members need before it can be issued."""

    def __init__(self, problems: Sequence) -> None:
        super().__init__("; ".join(p.text for p in problems))
        self.problems = list(problems)


def report_fingerprint(appraisal: Appraisal) -> str:
    """A short hash of the header block and narrative as they stand: the form carries it, so
    a save over someone else's newer text is refused instead of silently undoing it."""
    import hashlib
    import json

    values = {f: getattr(appraisal, f) for f in REPORT_HEADER_FIELDS}
    values["narrative"] = appraisal.narrative or {}
    blob = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


@transaction.atomic
def update_report_text(
    *,
    appraisal: Appraisal,
    user,
    header: dict,
    narrative: dict[str, str],
    expected: str | None = None,
) -> list[str]:
    """Save the header block and narrative sections, recording each changed one.

    `expected` is the `report_fingerprint` the officer's form was built from; if the text
    changed since, nothing is written and `Conflict` is raised. Returns what changed.
    """
    from .reports import NARRATIVE_SECTIONS

    current = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if expected is not None and report_fingerprint(current) != expected:
        raise Conflict(
            "Someone else changed the report while you were editing it. Your changes have "
            "not been saved: check the report as it is now and make them again.",
            current=current,
        )
    changed = []
    old_narrative = dict(current.narrative or {})
    new_narrative = dict(old_narrative)
    titles = {s.key: s.title for s in NARRATIVE_SECTIONS}
    for key, text in narrative.items():
        text = (text or "").replace("\r\n", "\n").strip()
        if old_narrative.get(key, "") == text:
            continue
        record_change(
            appraisal=current,
            user=user,
            kind="report",
            subject=titles.get(key, key),
            field="narrative",
            old=old_narrative.get(key, ""),
            new=text,
        )
        if text:
            new_narrative[key] = text
        else:
            new_narrative.pop(key, None)
        changed.append(key)
    if changed:
        current.narrative = new_narrative
        current.save(update_fields=["narrative", "updated_at"])
    changes = {f: v for f, v in header.items() if f in REPORT_HEADER_FIELDS}
    if changes.get("report_status") == Appraisal.ReportStatus.OPEN:
        changes["exempt_paragraph"] = ""
    changed += update_fields(
        instance=current, user=user, appraisal=current, kind="report", changes=changes
    )
    appraisal.refresh_from_db()
    return changed


@transaction.atomic
def issue_report(*, appraisal: Appraisal, user, expected_hash: str | None = None):
    """Issue the committee report: freeze the interchange document with its results and the
    PDF rendered from that same state, with the PDF's SHA-256, as the next version.

    Refuses (`ReportIncomplete`) what members could not decide on, (`ReportAlreadyIssued`)
    a report identical to the last issued version, and (`Conflict`) an appraisal that
    changed since the officer checked their answers (`expected_hash`). Issued versions are
    never changed afterwards; a later change is issued as a new version.
    """
    import hashlib

    from . import engine, reports
    from .models import ReportVersion
    from .results import evaluate

    # Lock the appraisal: two officers issuing at once get one version each, in turn.
    locked = (
        Appraisal.objects.select_for_update().select_related("lead_authority").get(pk=appraisal.pk)
    )
    problems = reports.report_problems(locked)
    if problems:
        raise ReportIncomplete(problems)
    evaluation = evaluate(locked)
    snapshot = {
        **evaluation.document,
        "results": engine.results_to_dict(evaluation.result, evaluation.finance),
    }
    content = reports.document_hash(snapshot)
    if expected_hash is not None and content != expected_hash:
        raise Conflict(
            "The appraisal changed after you checked your answers. Check them again before "
            "issuing.",
            current=content,
        )
    latest = locked.report_versions.order_by("-number").only("number", "snapshot").first()
    if latest is not None and reports.document_hash(latest.snapshot) == content:
        raise ReportAlreadyIssued(latest.number)
    number = 1 if latest is None else latest.number + 1
    issued_at = timezone.now()
    pdf = reports.render_committee_report(
        evaluation=evaluation, draft=False, version=number, issued_at=issued_at
    )
    version = ReportVersion.objects.create(
        appraisal=locked,
        number=number,
        issued_at=issued_at,
        issued_by=user if user is not None and user.is_authenticated else None,
        snapshot=snapshot,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    record_change(
        appraisal=locked,
        user=user,
        kind="report",
        subject=f"Committee report version {number}",
        field="issued",
        new=f"SHA-256 {version.sha256}",
    )
    update_fields(
        instance=locked,
        user=user,
        appraisal=locked,
        kind="report",
        changes={"status": Appraisal.Status.ISSUED},
    )
    appraisal.status = locked.status
    return version
