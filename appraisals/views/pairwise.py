"""Pairwise comparison one pair at a time: a question in words on Saaty's scale ("Cost is
much more important than Quality"), "Comparison 12 of 66", the consistency ratio and the
worst judgement as they stand after each answer, and on to the next pair. The matrix page
(`criteria.weights_pairwise`) stays for those who want every judgement at once.

Each answer is a stale-safe edit (`edit.edit`): it is refused if someone changed that
judgement after the page was opened, and it leaves a history row in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions, saaty
from ..access import get_appraisal_for
from ..forms import PairwiseJudgementForm
from ..models import Appraisal, Criterion
from .allow import allow
from .criteria import WEIGHT_KINDS, _worst_in_words, weight_shares
from .edit import edit


@dataclass(frozen=True)
class Step:
    number: int  # 1 … total
    total: int
    first: Criterion
    second: Criterion
    previous: str  # the URL of the comparison before, or ""
    next: str  # the URL of the comparison after, or ""


def step_url(appraisal: Appraisal, first: Criterion, second: Criterion) -> str:
    return reverse(
        "appraisals:weights-pairwise-one", args=[appraisal.reference, first.key, second.key]
    )


def first_step_url(appraisal: Appraisal, criteria: list[Criterion]) -> str:
    """Where "one pair at a time" starts (the matrix page when there is no pair)."""
    if len(criteria) < 2:
        return reverse("appraisals:weights-pairwise", args=[appraisal.reference])
    return step_url(appraisal, criteria[0], criteria[1])


def _step(appraisal: Appraisal, criteria: list[Criterion], first: str, second: str) -> Step:
    keys = [c.key for c in criteria]
    pairs = saaty.pairs(len(criteria))
    try:
        at = pairs.index((keys.index(first), keys.index(second)))
    except ValueError:
        raise Http404("No such comparison") from None

    def url(n: int) -> str:
        if not 0 <= n < len(pairs):
            return ""
        i, j = pairs[n]
        return step_url(appraisal, criteria[i], criteria[j])

    i, j = pairs[at]
    return Step(at + 1, len(pairs), criteria[i], criteria[j], url(at - 1), url(at + 1))


def _keys(criteria: list[Criterion], number: int) -> tuple[str, str]:
    i, j = saaty.pairs(len(criteria))[number - 1]
    return criteria[i].key, criteria[j].key


def _matrix(appraisal: Appraisal, n: int) -> list[list[float]]:
    stored = appraisal.pairwise_matrix
    return stored if stored is not None and len(stored) == n else [[1.0] * n for _ in range(n)]


def _worst_url(appraisal: Appraisal, criteria: list[Criterion], consistency) -> str:
    """The comparison to change to do most for consistency, asked in the matrix's order."""
    if consistency is None or consistency.worst is None:
        return ""
    by_key = {c.key: c for c in criteria}
    a, b = sorted((by_key[k] for k in consistency.worst), key=criteria.index)
    return step_url(appraisal, a, b)


def _so_far(
    appraisal: Appraisal, criteria: list[Criterion], matrix: list[list[float]], *, trying=False
) -> dict:
    """The weights and consistency of `matrix`, the engine's (for `_consistency.html`)."""
    shares, consistency = weight_shares(Appraisal.Weighting.PAIRWISE, criteria, matrix)
    return {
        "rows": [(c, shares.get(c.key)) for c in criteria],
        "consistency": consistency,
        "worst": _worst_in_words(consistency, criteria),
        "worst_url": _worst_url(appraisal, criteria, consistency),
        "trying": trying,
    }


@allow("GET")
def weights_pairwise_preview(
    request: HttpRequest, reference: str, first: str, second: str
) -> HttpResponse:
    """The consistency ratio, worst judgement and weights the comparison would give with
    the answer chosen, before it is saved (htmx, as the answer changes). Nothing is saved."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    criteria = list(appraisal.criteria.all())
    step = _step(appraisal, criteria, first, second)
    matrix = [list(row) for row in _matrix(appraisal, len(criteria))]
    judgement = request.GET.get("judgement", "")
    if judgement in saaty.VALUES:
        i, j = criteria.index(step.first), criteria.index(step.second)
        matrix[i][j] = saaty.value(judgement)
        matrix[j][i] = 1 / matrix[i][j]
    return render(
        request,
        "appraisals/weights_pairwise_one.html#so-far-response",
        {"appraisal": appraisal, "so_far": _so_far(appraisal, criteria, matrix, trying=True)},
    )


def weights_pairwise_one(
    request: HttpRequest, reference: str, first: str, second: str
) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    step = _step(appraisal, list(appraisal.criteria.all()), first, second)

    def build(data) -> PairwiseJudgementForm:
        # Read afresh (after the lock, when saving): the pair must still be there.
        criteria = list(appraisal.criteria.all())
        now = _step(appraisal, criteria, first, second)
        i, j = criteria.index(now.first), criteria.index(now.second)
        judgement = saaty.nearest(_matrix(appraisal, len(criteria))[i][j])
        form = PairwiseJudgementForm(
            data, first=now.first, second=now.second, initial={"judgement": judgement}
        )
        form.criteria = criteria
        return form

    def save(form: PairwiseJudgementForm) -> None:
        actions.set_pairwise_judgement(
            appraisal=appraisal,
            user=request.user,
            criteria=form.criteria,
            first=form.first,
            second=form.second,
            judgement=form.value(),
        )

    form = edit(request, appraisal, build=build, save=save, kinds=WEIGHT_KINDS)
    if form.saved:
        if step.next:
            # Said on the next page beside its question, not in a banner, which would take
            # the focus from the answers (the next answer is a key press away).
            return redirect(f"{step.next}?saved=1")
        said = saaty.in_words(step.first.name, step.second.name, form.cleaned_data["judgement"])
        messages.success(
            request, f"Saved: {said}. That was the last of the {step.total} comparisons."
        )
        return redirect(reverse("appraisals:weights-pairwise", args=[reference]))
    saved = ""
    if request.GET.get("saved") and step.number > 1:  # the comparison before, as stored
        before = _step(appraisal, form.criteria, *_keys(form.criteria, step.number - 1))
        i, j = form.criteria.index(before.first), form.criteria.index(before.second)
        judgement = saaty.nearest(_matrix(appraisal, len(form.criteria))[i][j])
        saved = f"Saved comparison {before.number}: "
        saved += f"{saaty.in_words(before.first.name, before.second.name, judgement)}."
    return render(
        request,
        "appraisals/weights_pairwise_one.html",
        {
            "appraisal": appraisal,
            "form": form,
            "step": step,
            "saved": saved,
            "so_far": _so_far(appraisal, form.criteria, _matrix(appraisal, len(form.criteria))),
            "section": "tasks",
        },
    )
