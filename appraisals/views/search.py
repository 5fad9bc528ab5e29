"""Search across the appraisals the person may see (`appraisals.search`)."""

from __future__ import annotations

from itertools import groupby

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import search as finding


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: finding.MAX_QUERY]
    hits = finding.search(request.user, query) if query else []
    page = Paginator(hits, 50).get_page(request.GET.get("page"))
    groups = [
        (appraisal, list(items))
        for appraisal, items in groupby(page.object_list, key=lambda h: h.appraisal)
    ]
    return render(
        request,
        "appraisals/search.html",
        {"query": query, "count": len(hits), "page": page, "groups": groups,
         "too_short": bool(query) and not finding.words(query)},
    )  # fmt: skip
