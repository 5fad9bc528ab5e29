"""Test data built in code: small builders for authorities, users and appraisals."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from appraisals.models import (
    Appraisal,
    Authority,
    Criterion,
    DeliveryModel,
    Membership,
    Option,
    Panel,
    Score,
)

PASSWORD = "test-password-123"


def make_user(username: str, authority: Authority, role: str, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    Membership.objects.create(user=user, authority=authority, role=role)
    return user


def delivery_model(key: str = "in-house", name: str = "In-house transformation") -> DeliveryModel:
    model, _ = DeliveryModel.objects.get_or_create(key=key, defaults={"name": name})
    return model


def make_appraisal(
    lead: Authority,
    *,
    reference: str = "test-appraisal",
    options: int = 3,
    criteria: int = 3,
    panels: int = 2,
    scored: bool = True,
    partners: tuple[Authority, ...] = (),
) -> Appraisal:
    """An appraisal with a baseline plus `options` short-listed options, every cell scored."""
    appraisal = Appraisal.objects.create(
        reference=reference, title=f"Appraisal {reference}", lead_authority=lead
    )
    appraisal.partners.set(partners)
    base = Option.objects.create(
        appraisal=appraisal,
        key="do-nothing",
        name="Do nothing",
        delivery_model=delivery_model("do-nothing", "Do nothing"),
        baseline=True,
    )
    opts = [base] + [
        Option.objects.create(
            appraisal=appraisal,
            key=f"option-{i}",
            name=f"Option {i}",
            delivery_model=delivery_model(),
            order=i,
        )
        for i in range(1, options + 1)
    ]
    crits = [
        Criterion.objects.create(
            appraisal=appraisal, key=f"criterion-{j}", name=f"Criterion {j}", weight=j, order=j
        )
        for j in range(1, criteria + 1)
    ]
    pans = [
        Panel.objects.create(appraisal=appraisal, key=f"panel-{k}", name=f"Panel {k}", order=k)
        for k in range(1, panels + 1)
    ]
    if scored:
        Score.objects.bulk_create(
            Score(
                panel=p,
                option=o,
                criterion=c,
                score=(i * 2 + j + k) % 6,
                reason=f"Reason {i}.{j}.{k}",
            )
            for k, p in enumerate(pans)
            for i, o in enumerate(opts)
            for j, c in enumerate(crits)
        )
    return appraisal


@dataclass
class Personas:
    lead: Authority
    partner: Authority
    unrelated: Authority
    officer: object
    member: object
    admin: object
    partner_officer: object
    outsider: object
    appraisal: Appraisal


def make_personas() -> Personas:
    lead = Authority.objects.create(name="Lead District Council", kind=Authority.Kind.DISTRICT)
    partner = Authority.objects.create(name="Partner Borough Council", kind=Authority.Kind.BOROUGH)
    unrelated = Authority.objects.create(name="Faraway County Council", kind=Authority.Kind.COUNTY)
    return Personas(
        lead=lead,
        partner=partner,
        unrelated=unrelated,
        officer=make_user("alice", lead, Membership.Role.OFFICER),
        member=make_user("bob", lead, Membership.Role.MEMBER),
        admin=make_user("ada", lead, Membership.Role.ADMINISTRATOR, is_staff=True),
        partner_officer=make_user("pat", partner, Membership.Role.OFFICER),
        outsider=make_user("charlie", unrelated, Membership.Role.OFFICER),
        appraisal=make_appraisal(lead, partners=(partner,)),
    )
