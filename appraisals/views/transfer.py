"""Import and export in the browser: the interchange document as JSON or XLSX, scores as CSV."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import exempt, interchange, limits
from ..access import editable_authorities, get_appraisal_for, is_officer
from ..forms import ImportForm
from ..models import Appraisal, Authority
from .allow import allow

JSON_TYPE = "application/json"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@allow("GET")
def export_json(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    # Without the exempt information for anyone who may not read it (appraisals.exempt),
    # the actual figures against an exempt chosen option's case among it.
    whole = interchange.export_document(appraisal, after=True)
    document = exempt.document_for(request.user, appraisal, whole)
    body = json.dumps(document, indent=2, ensure_ascii=False)
    return _download(body, JSON_TYPE, f"{appraisal.reference}.json")


@allow("GET")
def export_xlsx(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    # Without the exempt information for anyone who may not read it (appraisals.exempt).
    document = exempt.document_for(request.user, appraisal, interchange.export_document(appraisal))
    too_long = interchange.too_long_for_a_workbook(document)
    if too_long:
        # Stored before the limit existed: say which case, and what to do, on the page the
        # link is on, rather than fail.
        for _, name, years in too_long:
            messages.error(
                request,
                f"The spreadsheet could not be made: the financial case of “{name}” runs for "
                f"{years:,} years, and a spreadsheet holds {limits.MAX_YEARS} at most. Shorten "
                "it on the finance page, or download the appraisal as JSON.",
            )
        return redirect("appraisals:appraisal", appraisal.reference)
    body = interchange.document_to_xlsx(document)
    return _download(body, XLSX_TYPE, f"{appraisal.reference}.xlsx")


@allow("GET")
def export_scores_csv(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    document = exempt.document_for(request.user, appraisal, interchange.export_document(appraisal))
    body = interchange.scores_csv(document)
    return _download(body, "text/csv; charset=utf-8", f"{appraisal.reference}-scores.csv")


# A bad file can have a problem for every cell; the page lists the first of them.
MAX_PROBLEMS_SHOWN = 100


def _import(request: HttpRequest, appraisal: Appraisal | None) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            # Validation, the write and the page to go to, in one transaction: nothing after
            # it can fail, so no error page is ever shown for an import that was committed.
            with transaction.atomic():
                document = interchange.read_file(upload.name, upload.read())
                if not isinstance(document, dict):
                    raise interchange.InvalidDocument(
                        [interchange.Problem("", "the file must hold one JSON object")]
                    )
                if appraisal is not None:
                    document["reference"] = appraisal.reference  # replace this one
                _check_lead(request, document)
                report = interchange.import_document(
                    document=document, user=request.user, replace=appraisal is not None
                )
                url = report.appraisal.get_absolute_url()
                title = report.appraisal.title
        except interchange.AppraisalExists:
            # The same words whoever holds the reference: never confirm another council's.
            problems = [
                "reference: that reference is not available. Change it in the file, or, to "
                "update an appraisal you work on, use “Replace from a file” on its page"
            ]
        except interchange.InvalidDocument as error:
            problems = [str(p) for p in error.problems[:MAX_PROBLEMS_SHOWN]]
            if len(error.problems) > MAX_PROBLEMS_SHOWN:
                more = len(error.problems) - MAX_PROBLEMS_SHOWN
                problems.append(f"and {more:,} more problems")
        else:
            verb = "replaced" if report.replaced else "imported"
            messages.success(request, f"Appraisal “{title}” {verb}.")
            return redirect(url)
    return render(
        request,
        "appraisals/import.html",
        {"form": form, "problems": problems, "appraisal": appraisal, "section": "tasks"},
    )


def _check_lead(request: HttpRequest, document: dict) -> None:
    """The document's lead council must be one the user is an officer of."""
    lead = document.get("lead_authority")
    mine = Authority.objects.filter(pk__in=editable_authorities(request.user))
    if isinstance(lead, str) and not mine.filter(name=lead).exists():
        names = ", ".join(a.name for a in mine)
        raise interchange.InvalidDocument(
            [
                interchange.Problem(
                    "lead_authority",
                    f"you can only import appraisals led by your council ({names})",
                )
            ]
        )


def appraisal_import(request: HttpRequest) -> HttpResponse:
    """A new appraisal from a file."""
    if not is_officer(request.user):
        raise PermissionDenied("Only officers import appraisals.")
    return _import(request, None)


def appraisal_replace(request: HttpRequest, reference: str) -> HttpResponse:
    """Replace this appraisal's content with a file's (its history and reports stay)."""
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    return _import(request, appraisal)
