"""The delivery-model catalogue and the criteria library: shared reference data, read-only
here (administrators keep them in the admin)."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import CriteriaSet, DeliveryModel, LibraryCriterion


@require_GET
def delivery_models(request: HttpRequest) -> HttpResponse:
    return render(
        request, "appraisals/delivery_models.html", {"models": DeliveryModel.objects.all()}
    )


@require_GET
def delivery_model(request: HttpRequest, key: str) -> HttpResponse:
    model = get_object_or_404(DeliveryModel, key=key)  # catalogue data, not a council's
    return render(request, "appraisals/delivery_model.html", {"model": model})


@require_GET
def criteria_library(request: HttpRequest) -> HttpResponse:
    sets = CriteriaSet.objects.prefetch_related(
        Prefetch("criteria", queryset=LibraryCriterion.objects.order_by("order", "pk"))
    )
    return render(request, "appraisals/criteria_library.html", {"sets": sets})


@require_GET
def criteria_set(request: HttpRequest, key: str) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, key=key)
    return render(
        request,
        "appraisals/criteria_set.html",
        {"criteria_set": criteria_set, "criteria": criteria_set.criteria.all()},
    )
