"""Who changed what on an appraisal: the audit trail, newest first."""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from .. import exempt
from ..access import get_appraisal_for
from ..tables import ChangeTable
from .allow import allow


@allow("GET")
def history(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    rows = appraisal.changes.select_related("user").order_by("-at", "-pk")
    withheld = Q()
    if appraisal.has_exempt_parts and not exempt.may_see(request.user, appraisal):
        withheld = exempt.history_withheld(appraisal)
        rows = rows.exclude(withheld)
    table = ChangeTable(rows)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "appraisals/history.html",
        {
            "appraisal": appraisal,
            "table": table,
            "section": "history",
            "withheld": bool(withheld),
        },
    )
