from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from ..access import is_officer, visible_appraisals
from ..tables import AppraisalTable


def home(request: HttpRequest) -> HttpResponse:
    appraisals = visible_appraisals(request.user).select_related("lead_authority")
    table = AppraisalTable(appraisals)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request, "appraisals/home.html", {"table": table, "can_start": is_officer(request.user)}
    )
