"""Criteria (from the library or the officer's own) and their weights: direct, swing, pairwise."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import actions, engine
from ..access import can_edit, get_appraisal_for
from ..forms import (
    CriterionForm,
    DirectWeightsForm,
    LibraryPickForm,
    PairwiseForm,
    RemovalForm,
    SwingWeightsForm,
)
from ..models import Appraisal, Criterion, LibraryCriterion
from .allow import allow
from .edit import edit


def _criterion(appraisal: Appraisal, key: str) -> Criterion:
    try:
        return appraisal.criteria.get(key=key)
    except Criterion.DoesNotExist:
        raise Http404("No such criterion") from None


def _library() -> list[LibraryCriterion]:
    return list(LibraryCriterion.objects.select_related("criteria_set"))


def _criteria_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:criteria", args=[appraisal.reference])


def weight_shares(
    method: str, criteria: list[Criterion], matrix: list[list[float]] | None
) -> tuple[dict[str, float], engine.Consistency | None]:
    """{criterion key: normalised weight} under `method`, and a pairwise matrix's consistency;
    computed by the engine, never in the template."""
    if method == Appraisal.Weighting.PAIRWISE and matrix and len(matrix) == len(criteria):
        result = engine.pairwise_weights(matrix, [c.key for c in criteria])
        return result.weights, result.consistency
    if method == Appraisal.Weighting.SWING:
        return engine.swing_weights({c.key: c.weight for c in criteria}), None
    raw = engine.normalise_weights([c.weight for c in criteria]).tolist()
    return dict(zip((c.key for c in criteria), raw, strict=True)), None


def weight_rows(appraisal: Appraisal, criteria: list[Criterion]) -> dict:
    """Each criterion with its normalised weight under the appraisal's method, and for a
    pairwise matrix the consistency."""
    shares, consistency = weight_shares(
        appraisal.weighting_method, criteria, appraisal.pairwise_matrix
    )
    return {
        "rows": [(c, shares.get(c.key)) for c in criteria],
        "consistency": consistency,
        "worst": _worst_in_words(consistency, criteria),
    }


def _worst_in_words(consistency, criteria: list[Criterion]) -> str:
    if consistency is None or consistency.worst is None:
        return ""
    names = {c.key: c.name for c in criteria}
    a, b = (names[k] for k in consistency.worst)
    return (
        f"You judged {a} {consistency.worst_judgement:g} times as important as {b}, but "
        f"your other judgements imply about {consistency.worst_implied:.1f} times. "
        "Changing this judgement would do most to make the comparisons consistent."
    )


@allow("GET")
def criteria(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    rows = list(appraisal.criteria.all())
    editable = can_edit(request.user, appraisal)
    taken = {c.name.casefold() for c in rows}
    library = [c for c in _library() if c.name.casefold() not in taken] if editable else []
    return render(
        request,
        "appraisals/criteria.html",
        {
            "appraisal": appraisal,
            "weights": weight_rows(appraisal, rows),
            "library_form": LibraryPickForm(library=library),
            "library": library,
            "can_edit": editable,
            "section": "tasks",
        },
    )


@allow("POST")
def criteria_from_library(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    form = LibraryPickForm(request.POST, library=_library())
    if not form.is_valid():
        messages.error(request, "Select at least one criterion from the library.")
        return redirect(_criteria_url(appraisal) + "#library")
    added = actions.add_criteria_from_library(
        appraisal=appraisal,
        user=request.user,
        library_criteria=form.cleaned_data["library_criteria"],
    )
    messages.success(request, f"{len(added)} criteria added from the library.")
    return redirect(_criteria_url(appraisal))


def criterion_add(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    form = CriterionForm(request.POST or None, initial={"weight": 1})
    if request.method == "POST" and form.is_valid():
        criterion = actions.add_criterion(
            appraisal=appraisal, user=request.user, fields=form.cleaned_data
        )
        messages.success(request, f"Criterion “{criterion.name}” added.")
        return redirect(_criteria_url(appraisal))
    return render(
        request,
        "appraisals/criterion_form.html",
        {"appraisal": appraisal, "form": form, "criterion": None, "section": "tasks"},
    )


def criterion_edit(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    criterion = _criterion(appraisal, key)

    def build(data) -> CriterionForm:
        # A bound form writes onto its instance: give it a blank one, not the stored one.
        instance = Criterion(pk=criterion.pk) if data else _criterion(appraisal, key)
        return CriterionForm(data, instance=instance)

    def save(form: CriterionForm) -> None:
        actions.edit_criterion(
            appraisal=appraisal,
            user=request.user,
            criterion=_criterion(appraisal, key),
            fields=form.cleaned_data,
        )

    form = edit(
        request, appraisal, build=build, save=save, kinds=["criterion"], subjects=[criterion.name]
    )
    if form.saved:
        messages.success(request, f"Criterion “{form.cleaned_data['name']}” saved.")
        return redirect(_criteria_url(appraisal))
    return render(
        request,
        "appraisals/criterion_form.html",
        {"appraisal": appraisal, "form": form, "criterion": criterion, "section": "tasks"},
    )


def _weights_page(request, appraisal, criteria, form, template: str) -> HttpResponse:
    weights = weight_rows(appraisal, criteria)
    shares = dict(weights["rows"])
    fields = {name.split("_", 1)[1]: [] for name in form.fields}  # {criterion key: fields}
    for name in form.fields:
        fields.setdefault(name.split("_", 1)[1], []).append(form[name])
    rows = [(c, fields.get(c.key, []), shares.get(c)) for c in criteria]
    return render(
        request,
        template,
        {
            "appraisal": appraisal,
            "form": form,
            "weights": weights,
            "rows": rows,
            "section": "tasks",
        },
    )


# Weights: each page's form shows every criterion, so a criterion added, edited or removed
# meanwhile refuses a save from it as surely as another officer's weights do.
WEIGHT_KINDS = ["weight", "criterion"]


def weights(request: HttpRequest, reference: str) -> HttpResponse:
    """Direct entry: one number per criterion, shown as a share of 100% as it is typed."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)

    def build(data) -> DirectWeightsForm:
        criteria = list(appraisal.criteria.all())
        initial = {f"weight_{c.key}": f"{c.weight:g}" for c in criteria}
        return DirectWeightsForm(data, criteria=criteria, initial=initial)

    def save(form: DirectWeightsForm) -> None:
        actions.set_weights(
            appraisal=appraisal, user=request.user, method="direct", weights=form.weights()
        )

    form = edit(request, appraisal, build=build, save=save, kinds=WEIGHT_KINDS)
    if form.saved:
        messages.success(request, "Weights saved.")
        return redirect(reverse("appraisals:weights", args=[reference]))
    return _weights_page(request, appraisal, form.criteria, form, "appraisals/weights.html")


def _swing_initial(criteria: list[Criterion]) -> dict[str, object]:
    """Start from the current raw weights, the largest as 100 points."""
    order = engine.swing_order({c.key: c.weight for c in criteria})
    top = max((c.weight for c in criteria), default=0) or 1
    initial: dict[str, object] = {}
    for c in criteria:
        initial[f"rank_{c.key}"] = order.index(c.key) + 1
        initial[f"points_{c.key}"] = f"{100 * c.weight / top:.4g}"
    return initial


def weights_swing(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)

    def build(data) -> SwingWeightsForm:
        criteria = list(appraisal.criteria.all())
        return SwingWeightsForm(data, criteria=criteria, initial=_swing_initial(criteria))

    def save(form: SwingWeightsForm) -> None:
        actions.set_weights(
            appraisal=appraisal, user=request.user, method="swing", weights=form.points()
        )

    form = edit(request, appraisal, build=build, save=save, kinds=WEIGHT_KINDS)
    if form.saved:
        messages.success(request, "Swing weights saved.")
        return redirect(reverse("appraisals:weights-swing", args=[reference]))
    return _weights_page(request, appraisal, form.criteria, form, "appraisals/weights_swing.html")


def weights_pairwise(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)

    def build(data) -> PairwiseForm:
        criteria = list(appraisal.criteria.all())
        initial = PairwiseForm.initial_from(criteria, appraisal.pairwise_matrix)
        return PairwiseForm(data, criteria=criteria, initial=initial)

    def save(form: PairwiseForm) -> None:
        actions.set_weights(
            appraisal=appraisal, user=request.user, method="pairwise", matrix=form.matrix()
        )

    form = edit(request, appraisal, build=build, save=save, kinds=WEIGHT_KINDS)
    if form.saved:
        messages.success(request, "Pairwise comparisons saved.")
        return redirect(reverse("appraisals:weights-pairwise", args=[reference]))
    return _weights_page(
        request, appraisal, form.criteria, form, "appraisals/weights_pairwise.html"
    )


@dataclass(frozen=True)
class WeightsAfter:
    """A criterion's normalised weight, and the others' now and once it is removed."""

    share: float | None
    rows: list[tuple[Criterion, float | None, float | None]]  # criterion, now, after
    unweighted: bool  # the others all have raw weight 0, so they would count equally


def weights_after(appraisal: Appraisal, criteria: list[Criterion], gone: Criterion) -> WeightsAfter:
    method, matrix = appraisal.weighting_method, appraisal.pairwise_matrix
    before, _ = weight_shares(method, criteria, matrix)
    rest = [c for c in criteria if c.pk != gone.pk]
    if matrix is not None and len(matrix) == len(criteria):
        matrix = actions.matrix_without(matrix, criteria.index(gone))
    after, _ = weight_shares(method, rest, matrix)
    return WeightsAfter(
        share=before.get(gone.key),
        rows=[(c, before.get(c.key), after.get(c.key)) for c in rest],
        unweighted=method != Appraisal.Weighting.PAIRWISE
        and bool(rest)
        and not any(c.weight > 0 for c in rest),
    )


def _criterion_removal(appraisal: Appraisal, key: str, data=None) -> RemovalForm:
    criteria = list(appraisal.criteria.all())
    criterion = next((c for c in criteria if c.key == key), None)
    if criterion is None:
        raise Http404("No such criterion")
    losses = actions.criterion_losses(
        criterion, criteria=len(criteria), matrix=appraisal.pairwise_matrix
    )
    return RemovalForm(data, losses=losses)


@allow("GET", "POST")
def criterion_remove(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """Are you sure? Shows what goes with the criterion and the weights after; POST removes."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    criteria = list(appraisal.criteria.all())
    criterion = next((c for c in criteria if c.key == key), None)
    if criterion is None:
        raise Http404("No such criterion")
    name = criterion.name
    form = edit(
        request,
        appraisal,
        build=lambda data: _criterion_removal(appraisal, key, data),
        save=lambda form: actions.remove_criterion(
            appraisal=appraisal, user=request.user, criterion=_criterion(appraisal, key)
        ),
        kinds=["criterion", "score", "weight"],
        subjects=[name],
    )
    if form.saved:
        messages.success(request, f"Criterion “{name}” removed.")
        return redirect(_criteria_url(appraisal))
    if request.method == "POST":  # refused: show the criteria as they are now
        criteria = list(appraisal.criteria.all())
        criterion = next(c for c in criteria if c.key == key)
    return render(
        request,
        "appraisals/criterion_remove.html",
        {
            "appraisal": appraisal,
            "criterion": criterion,
            "form": form,
            "losses": form.losses,
            "weights": weights_after(appraisal, criteria, criterion),
            "section": "tasks",
        },
    )
