"""A council's dashboard: all its appraisals, led and partnered, with where each stands;
sortable, filterable, and downloadable as CSV or XLSX (the same rows, filters and order)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from councils.access import acting_council

from .. import dashboard
from ..filters import DashboardFilter
from ..tables import DashboardTable
from .transfer import XLSX_TYPE, _download


def council_dashboard(request: HttpRequest) -> HttpResponse:
    council = acting_council(request)
    if council is None:
        return render(request, "appraisals/dashboard.html", {"council": None})
    appraisals = dashboard.council_appraisals(council)
    filters = DashboardFilter(request.GET, queryset=appraisals, authority=council)
    filtered = any(request.GET.get(name) for name in filters.filters)
    rows = dashboard.lines(council, filters.qs)
    table = DashboardTable(rows, filtered=filtered)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        # Rows in the table's order (sorted as the page is), every one, not just a page.
        RequestConfig(request, paginate=False).configure(table)
        ordered = [row.record for row in table.rows]
        name = f"{council.name} appraisals".lower().replace(" ", "-")
        if export == "csv":
            return _download(dashboard.to_csv(ordered), "text/csv; charset=utf-8", f"{name}.csv")
        return _download(dashboard.to_xlsx(ordered), XLSX_TYPE, f"{name}.xlsx")
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appraisals/dashboard.html",
        {"council": council, "table": table, "filter": filters, "query": query},
    )
