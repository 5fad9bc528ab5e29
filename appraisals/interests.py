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
from django.utils import timezone

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

    declarations: tuple[Declaration, ...]  # as they stand: none withdrawn or amended
    without: WithoutInterests | None  # None when nobody who declared an interest scored
    flagged: frozenset[int]  # ids of scores entered before their author declared an interest
    # Each declaration withdrawn or amended, in words with its reason, earliest first.
    history: tuple[str, ...] = ()

    @property
    def declared(self) -> tuple[Declaration, ...]:
        return tuple(d for d in self.declarations if d.declares_interest)

    @property
    def summary(self) -> str:
        """One sentence for the results page and the report: who declared, and what follows."""
        if not self.declarations:
            return "Every declaration was withdrawn." if self.history else ""
        if not self.declared:
            return "Everyone who declared said they had no interests."
        if self.without is None:
            return "Members who declared an interest entered no scores."
        return self.without.sentence


NO_INTERESTS = Interests(declarations=(), without=None, flagged=frozenset())


# Reading ------------------------------------------------------------------------------------


def _all_declarations(appraisal: Appraisal) -> list[Interest]:
    """Every declaration ever made for the appraisal, standing or not (one query, and one for
    their options when there are any)."""
    return list(
        Interest.objects.filter(appraisal=appraisal)
        .select_related("user")
        .prefetch_related("options")
        .order_by("declared_at", "pk")
    )


def _declarations(appraisal: Appraisal) -> list[Interest]:
    """The declarations as they stand: none withdrawn or amended."""
    return [d for d in _all_declarations(appraisal) if d.ended_at is None]


def _declaration(d: Interest, names: Mapping[str, str] | None = None) -> Declaration:
    return Declaration(
        pk=d.pk,
        user_id=d.user_id,
        person=person_name(d.user),
        kind=d.kind,
        kind_label=d.get_kind_display(),
        options=tuple((names or {}).get(o.key, o.name) for o in d.options.all()),
        description=d.description,
        declared_at=d.declared_at,
    )


def what_was_declared(d: Declaration) -> str:
    """A declaration's content in words, without its holder: "no interests", or "a
    disclosable pecuniary interest in Outsourcing (director of a bidder)"."""
    if not d.declares_interest:
        return "no interests"
    what = f" ({d.description})" if d.description else ""
    return f"a {d.kind_label.lower()} in {d.concerns}{what}"


def history_sentences(declarations: Sequence[Interest]) -> tuple[str, ...]:
    """Each withdrawn or amended declaration in words with its reason, earliest first: "On
    3 December 2026 Bob Jones withdrew their declaration of a disclosable pecuniary interest in
    Outsourcing (director of a bidder): he resigned as director on 1 December." """
    ended = sorted((d for d in declarations if d.ended_at is not None), key=lambda d: d.ended_at)
    said = []
    for d in ended:
        how = "amended" if d.replaced_by_id else "withdrew"
        day = timezone.localdate(d.ended_at)
        shown = _declaration(d)
        said.append(
            f"On {day.day} {day:%B %Y} {shown.person} {how} their declaration of "
            f"{what_was_declared(shown)}: {_sentence(d.end_reason)}"
        )
    return tuple(said)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def declared_sentences(appraisal: Appraisal) -> list[str]:
    """The interests declared for the appraisal as they stand, one sentence each ("Cllr Smith
    declared a disclosable pecuniary interest in Outsourcing: director of a bidder."), then
    each declaration withdrawn or amended, with its reason, for the record of decision;
    declarations of no interest are left out."""
    everything = _all_declarations(appraisal)
    standing = [
        _declaration(d).sentence
        for d in everything
        if d.ended_at is None and d.kind != Interest.Kind.NONE
    ]
    return standing + list(history_sentences(everything))


def barred_options(user, appraisal: Appraisal) -> dict[int, str]:
    """{option id: why} for the options `user` may not score: those their disclosable
    pecuniary interests concern (all of them, for a general one)."""
    if user is None or not user.is_authenticated:
        return {}
    barred: dict[int, str] = {}
    interests = Interest.objects.filter(
        appraisal=appraisal, user=user, kind=BARS_SCORING, ended_at__isnull=True
    )
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
    everything = _all_declarations(appraisal)
    if not everything:
        return NO_INTERESTS
    declarations = [d for d in everything if d.ended_at is None]
    history = history_sentences(everything)
    scores = _scores_by_declarers(appraisal, declarations)
    names = {o["key"]: o["name"] for o in doc["options"]}
    shown = tuple(_declaration(d, names) for d in declarations)
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
    return Interests(
        declarations=shown,
        without=without,
        flagged=_flagged(declarations, scores),
        history=history,
    )


def fingerprint(appraisal: Appraisal) -> str:
    """A SHA-256 of what `interests_for` reads beyond the document, for the evaluation's and
    the draft's cache keys; "" when nobody has declared anything (one query then)."""
    declarations = list(
        Interest.objects.filter(appraisal=appraisal).values_list(
            "pk", "user_id", "kind", "declared_at", "description", "ended_at", "end_reason"
        )
    )
    if not declarations:
        return ""
    ids = {d[1] for d in declarations if d[2] != Interest.Kind.NONE and d[5] is None}
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


REASON_LIMIT = 1000


def _checked(
    appraisal: Appraisal, user, kind: str, options: Sequence[Option], description: str
) -> str:
    """The description, stripped, once the declaration is one that can be recorded."""
    description = description.strip()
    if kind not in Interest.Kind.values:
        raise InterestError("Select the kind of interest", field="kind")
    if kind == Interest.Kind.NONE:
        if options:
            raise InterestError(
                "Do not select options when you have no interests to declare", field="options"
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
    return description


def _in_words(kind: str, options: Sequence[Option], description: str) -> str:
    if kind == Interest.Kind.NONE:
        return Interest.Kind(kind).label
    concerns = join_names([o.name for o in options]) if options else "the appraisal as a whole"
    return f"{Interest.Kind(kind).label} in {concerns}: {description}"


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
    description = _checked(appraisal, user, kind, options, description)
    if kind == Interest.Kind.NONE:
        standing = Interest.objects.filter(appraisal=appraisal, user=user, ended_at__isnull=True)
        if standing.exclude(kind=kind).exists():
            raise InterestError(
                "You have already declared an interest in this appraisal", field="kind"
            )
    interest = Interest.objects.create(
        appraisal=appraisal, user=user, kind=kind, description=description
    )
    interest.options.set(options)
    record_change(
        appraisal=appraisal,
        user=user,
        kind="interest",
        subject=person_name(user),
        field="declaration",
        old="",
        new=_in_words(kind, options, description),
    )
    return interest


def _standing_own(interest: Interest, user) -> Interest:
    """The declaration, locked, once it is `user`'s own and still stands."""
    locked = Interest.objects.select_for_update().select_related("appraisal").get(pk=interest.pk)
    if locked.user_id != getattr(user, "pk", None):
        raise InterestError("You can change only your own declarations", field="reason")
    if locked.ended_at is not None:
        raise InterestError(
            "This declaration has already been withdrawn or amended", field="reason"
        )
    return locked


def _reason(reason: str, doing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InterestError(f"Enter why you are {doing} the declaration", field="reason")
    if len(reason) > REASON_LIMIT:
        raise InterestError(
            f"The reason must be {REASON_LIMIT:,} characters or fewer", field="reason"
        )
    return reason


def _old_words(interest: Interest) -> str:
    options = list(interest.options.all())
    return _in_words(interest.kind, options, interest.description)


@transaction.atomic
def withdraw(*, interest: Interest, user, reason: str) -> Interest:
    """Withdraw one's own declaration, with the reason: it is kept, and shown as withdrawn.
    Withdrawing a disclosable pecuniary interest is what lifts its bar on scoring."""
    locked = _standing_own(interest, user)
    reason = _reason(reason, "withdrawing")
    locked.ended_at = timezone.now()
    locked.end_reason = reason
    locked.save(update_fields=["ended_at", "end_reason"])
    record_change(
        appraisal=locked.appraisal,
        user=user,
        kind="interest",
        subject=person_name(user),
        field="withdrawn",
        old=_old_words(locked),
        new=f"Withdrawn: {reason}",
    )
    return locked


@transaction.atomic
def amend(
    *,
    interest: Interest,
    user,
    reason: str,
    kind: str,
    options: Sequence[Option] = (),
    description: str = "",
) -> Interest:
    """Amend one's own declaration, with the reason: a new declaration replaces it, and the
    old one is kept, shown as amended. An amendment never lifts a disclosable pecuniary
    interest's bar on scoring (it stays one, on at least the options it concerned): only
    withdrawing it does."""
    locked = _standing_own(interest, user)
    appraisal = locked.appraisal
    description = _checked(appraisal, user, kind, options, description)
    if locked.kind == BARS_SCORING:
        before = {o.pk for o in locked.options.all()}
        after = {o.pk for o in options}
        general_before, general_after = not before, not after
        narrower = (general_before and not general_after) or (
            not general_after and not before <= after
        )
        if kind != BARS_SCORING or narrower:
            raise InterestError(
                "An amendment cannot lift the bar on scoring that a disclosable pecuniary "
                "interest sets: withdraw the declaration instead, giving the reason",
                field="kind" if kind != BARS_SCORING else "options",
            )
    reason = _reason(reason, "amending")
    replacement = Interest.objects.create(
        appraisal=appraisal,
        user=locked.user,
        kind=kind,
        description=description,
        # The scores entered before the interest was first declared stay flagged.
        declared_at=locked.declared_at,
    )
    replacement.options.set(options)
    locked.ended_at = timezone.now()
    locked.end_reason = reason
    locked.replaced_by = replacement
    locked.save(update_fields=["ended_at", "end_reason", "replaced_by"])
    record_change(
        appraisal=appraisal,
        user=user,
        kind="interest",
        subject=person_name(user),
        field="amended",
        old=_old_words(locked),
        new=f"{_in_words(kind, options, description)} (reason: {reason})",
    )
    return replacement
