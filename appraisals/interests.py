"""Declarations of interest: what panel members declared, which options they may not score,
the scores they entered before declaring, and whether the ranking holds without the scores of
everyone who declared an interest.

A disclosable pecuniary interest bars its holder from scoring the options it concerns (every
option, for a general one): the grid refuses and says why. Any other interest is recorded and
shown, and the scores of its holder are left out of the "does the ranking hold" check too.
Kind recorded in the audit trail: interest.

This module sits below results, reports and the views: it imports the engine, the models and
the history helpers only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from . import engine
from .explain import join_names
from .history import person_name, record_change
from .models import Appraisal, Interest, Option, Score

BARS_SCORING = Interest.Kind.DISCLOSABLE_PECUNIARY
DESCRIPTION_LIMIT = 2000


class ScoringBarred(Exception):
    """The user declared a disclosable pecuniary interest in the option: nothing is written."""


class InterestError(ValueError):
    """A declaration that cannot be recorded; the message says why, for the form."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Declaration:
    """One declaration as pages and the report show it."""

    pk: int
    user_id: int
    person: str
    kind: str  # Interest.Kind value
    kind_label: str
    options: tuple[str, ...]  # option names; empty for a general interest
    description: str
    declared_at: Any  # datetime

    @property
    def declares_interest(self) -> bool:
        return self.kind != Interest.Kind.NONE

    @property
    def concerns(self) -> str:
        """What it concerns, in words: "Outsourcing and Shared service", or "the appraisal as a
        whole"."""
        return join_names(list(self.options)) if self.options else "the appraisal as a whole"

    @property
    def sentence(self) -> str:
        if not self.declares_interest:
            return f"{self.person} declared no interests."
        what = f": {self.description}" if self.description else ""
        return f"{self.person} declared a {self.kind_label.lower()} in {self.concerns}{what}."


@dataclass(frozen=True, slots=True)
class WithoutInterests:
    """The ranking recomputed without the scores of members who declared an interest."""

    declarers: tuple[str, ...]  # who declared an interest and scored
    left_out: int  # how many scores were left out
    holds: bool  # the same options in the same order
    leader: str | None  # name of the leader with every score
    leader_without: str | None  # name of the leader without theirs

    @property
    def sentence(self) -> str:
        who = join_names(list(self.declarers))
        scores = f"{self.left_out:,} score{'s' if self.left_out != 1 else ''}"
        if self.holds:
            lead = f": {self.leader} still leads" if self.leader else ""
            return (
                f"The ranking holds without the {scores} entered by members who declared an "
                f"interest ({who}){lead}."
            )
        if self.leader_without != self.leader:
            if self.leader_without is None:
                change = "no option would have a complete set of scores"
            else:
                change = f"{self.leader_without} would lead instead of {self.leader}"
            return (
                f"The ranking does not hold without the {scores} entered by members who "
                f"declared an interest ({who}): {change}."
            )
        return (
            f"Without the {scores} entered by members who declared an interest ({who}), "
            f"{self.leader} still leads but the order of the other options changes."
        )


@dataclass(frozen=True, slots=True)
class Interests:
    """Every declaration for an appraisal, and the ranking without the declarers' scores."""

    declarations: tuple[Declaration, ...]
    without: WithoutInterests | None  # None when nobody who declared an interest scored
    flagged: frozenset[int]  # ids of scores entered before their author declared an interest

    @property
    def declared(self) -> tuple[Declaration, ...]:
        return tuple(d for d in self.declarations if d.declares_interest)

    @property
    def summary(self) -> str:
        """One sentence for the results page and the report: who declared, and what follows."""
        if not self.declarations:
            return ""
        if not self.declared:
            return "Everyone who declared said they had no interests."
        if self.without is None:
            return "Members who declared an interest entered no scores."
        return self.without.sentence


NO_INTERESTS = Interests(declarations=(), without=None, flagged=frozenset())


# Reading ------------------------------------------------------------------------------------


def _declarations(appraisal: Appraisal) -> list[Interest]:
    return list(
        Interest.objects.filter(appraisal=appraisal)
        .select_related("user")
        .prefetch_related("options")
        .order_by("declared_at", "pk")
    )


def declared_sentences(appraisal: Appraisal) -> list[str]:
    """The interests declared for the appraisal, one sentence each ("Cllr Smith declared a
    disclosable pecuniary interest in Outsourcing: director of a bidder."), for the record
    of decision; declarations of no interest are left out."""
    return [
        Declaration(
            pk=d.pk,
            user_id=d.user_id,
            person=person_name(d.user),
            kind=d.kind,
            kind_label=d.get_kind_display(),
            options=tuple(o.name for o in d.options.all()),
            description=d.description,
            declared_at=d.declared_at,
        ).sentence
        for d in _declarations(appraisal)
        if d.kind != Interest.Kind.NONE
    ]


def barred_options(user, appraisal: Appraisal) -> dict[int, str]:
    """{option id: why} for the options `user` may not score: those their disclosable
    pecuniary interests concern (all of them, for a general one)."""
    if user is None or not user.is_authenticated:
        return {}
    barred: dict[int, str] = {}
    interests = Interest.objects.filter(appraisal=appraisal, user=user, kind=BARS_SCORING)
    for interest in interests.prefetch_related("options"):
        options = list(interest.options.all()) or list(appraisal.options.all())
        for option in options:
            barred.setdefault(option.pk, _barred_reason(option))
    return barred


def grid_marks(
    appraisal: Appraisal, user, options: Sequence[Option]
) -> tuple[dict[int, str], frozenset[int]]:
    """For the scoring grid: the `options` the user may not score ({id: why}), and the ids of
    the scores entered before their author declared an interest (one query when nobody has
    declared anything)."""
    declarations = _declarations(appraisal)
    if not declarations:
        return {}, frozenset()
    barred: dict[int, str] = {}
    for d in declarations:
        if d.user_id == getattr(user, "pk", None) and d.kind == BARS_SCORING:
            concerned = {o.pk for o in d.options.all()}
            for option in options:
                if not concerned or option.pk in concerned:
                    barred.setdefault(option.pk, _barred_reason(option))
    return barred, _flagged(declarations, _scores_by_declarers(appraisal, declarations))


def _barred_reason(option: Option) -> str:
    return (
        f"You declared a disclosable pecuniary interest in {option.name}, so you cannot score it."
    )


def _scores_by_declarers(appraisal: Appraisal, declarations: Iterable[Interest]) -> list[tuple]:
    ids = {d.user_id for d in declarations if d.kind != Interest.Kind.NONE}
    if not ids:
        return []
    return list(
        Score.objects.filter(panel__appraisal=appraisal, updated_by__in=ids).values_list(
            "pk", "panel__key", "option__key", "criterion__key", "updated_by", "updated_at"
        )
    )


def _flagged(declarations: Sequence[Interest], scores: Sequence[tuple]) -> frozenset[int]:
    """Scores entered before their author declared an interest in their option."""
    flagged = set()
    for pk, _, option_key, _, user_id, updated_at in scores:
        for d in declarations:
            if d.user_id != user_id or d.kind == Interest.Kind.NONE:
                continue
            keys = {o.key for o in d.options.all()}
            if (not keys or option_key in keys) and updated_at < d.declared_at:
                flagged.add(pk)
    return frozenset(flagged)


def _order(result: engine.AppraisalResult) -> list[str]:
    return [o.key for o in result.ranking]


def ranking_without(
    doc: Mapping[str, Any], left_out: set[tuple[str, str, str]]
) -> engine.AppraisalResult:
    """The method run on `doc` without the scores at (panel, option, criterion) `left_out`."""
    kept = [s for s in doc["scores"] if (s["panel"], s["option"], s["criterion"]) not in left_out]
    return engine.compute(engine.AppraisalIn.from_document({**doc, "scores": kept}), samples=0)


def interests_for(
    appraisal: Appraisal, doc: Mapping[str, Any], result: engine.AppraisalResult
) -> Interests:
    """The appraisal's declarations, with the ranking recomputed without the scores of those
    who declared an interest (one query when nobody has declared, three when someone has)."""
    declarations = _declarations(appraisal)
    if not declarations:
        return NO_INTERESTS
    scores = _scores_by_declarers(appraisal, declarations)
    names = {o["key"]: o["name"] for o in doc["options"]}
    shown = tuple(
        Declaration(
            pk=d.pk,
            user_id=d.user_id,
            person=person_name(d.user),
            kind=d.kind,
            kind_label=d.get_kind_display(),
            options=tuple(names.get(o.key, o.name) for o in d.options.all()),
            description=d.description,
            declared_at=d.declared_at,
        )
        for d in declarations
    )
    without = None
    if scores:
        people = {d.user_id: d.person for d in shown}
        left_out = {(panel, option, criterion) for _, panel, option, criterion, _, _ in scores}
        again = ranking_without(doc, left_out)
        leader = names.get(result.leader) if result.leader else None
        without = WithoutInterests(
            declarers=tuple(dict.fromkeys(people[s[4]] for s in scores)),
            left_out=len(left_out),
            holds=_order(again) == _order(result),
            leader=leader,
            leader_without=names.get(again.leader) if again.leader else None,
        )
    return Interests(declarations=shown, without=without, flagged=_flagged(declarations, scores))


def fingerprint(appraisal: Appraisal) -> str:
    """A SHA-256 of what `interests_for` reads beyond the document, for the evaluation's and
    the draft's cache keys; "" when nobody has declared anything (one query then)."""
    declarations = list(
        Interest.objects.filter(appraisal=appraisal).values_list(
            "pk", "user_id", "kind", "declared_at", "description"
        )
    )
    if not declarations:
        return ""
    ids = {d[1] for d in declarations if d[2] != Interest.Kind.NONE}
    scores = list(
        Score.objects.filter(panel__appraisal=appraisal, updated_by__in=ids)
        .order_by("pk")
        .values_list("pk", "updated_by", "updated_at")
    )
    options = list(
        Interest.options.through.objects.filter(interest__appraisal=appraisal).values_list(
            "interest_id", "option_id"
        )
    )
    blob = json.dumps([declarations, scores, sorted(options)], default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


# Writing ------------------------------------------------------------------------------------


@transaction.atomic
def declare(
    *,
    appraisal: Appraisal,
    user,
    kind: str,
    options: Sequence[Option] = (),
    description: str = "",
) -> Interest:
    """Record one declaration by `user` for `appraisal`, in the audit trail too."""
    description = description.strip()
    if kind not in Interest.Kind.values:
        raise InterestError("Select the kind of interest", field="kind")
    if kind == Interest.Kind.NONE:
        if options:
            raise InterestError(
                "Do not select options when you have no interests to declare", field="options"
            )
        if Interest.objects.filter(appraisal=appraisal, user=user).exclude(kind=kind).exists():
            raise InterestError(
                "You have already declared an interest in this appraisal", field="kind"
            )
    elif not description:
        raise InterestError(
            "Describe the interest, for example “Director of a company that is bidding”",
            field="description",
        )
    if len(description) > DESCRIPTION_LIMIT:
        raise InterestError(
            f"Description must be {DESCRIPTION_LIMIT:,} characters or fewer", field="description"
        )
    if any(o.appraisal_id != appraisal.pk for o in options):
        raise InterestError("Select options of this appraisal", field="options")
    interest = Interest.objects.create(
        appraisal=appraisal, user=user, kind=kind, description=description
    )
    interest.options.set(options)
    concerns = join_names([o.name for o in options]) if options else "the appraisal as a whole"
    record_change(
        appraisal=appraisal,
        user=user,
        kind="interest",
        subject=person_name(user),
        field="declaration",
        old="",
        new=(
            Interest.Kind(kind).label
            if kind == Interest.Kind.NONE
            else f"{Interest.Kind(kind).label} in {concerns}: {description}"
        ),
    )
    return interest
