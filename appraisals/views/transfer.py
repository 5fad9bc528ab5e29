"""Import and export in the browser: the interchange document as JSON or XLSX, scores as CSV."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import interchange
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
    document = interchange.export_document(appraisal)
    body = json.dumps(document, indent=2, ensure_ascii=False)
    return _download(body, JSON_TYPE, f"{appraisal.reference}.json")


@allow("GET")
def export_xlsx(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    body = interchange.document_to_xlsx(interchange.export_document(appraisal))
    return _download(body, XLSX_TYPE, f"{appraisal.reference}.xlsx")


@allow("GET")
def export_scores_csv(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference)
    body = interchange.scores_csv(interchange.export_document(appraisal))
    return _download(body, "text/csv; charset=utf-8", f"{appraisal.reference}-scores.csv")


class _Unreadable(Exception):
    pass


def _read(upload) -> dict:
    """The document in an uploaded JSON or XLSX file."""
    data = upload.read()
    if upload.name.lower().endswith(".xlsx"):
        try:
            return interchange.xlsx_to_document(data)
        except interchange.InvalidDocument:
            raise
        except Exception as error:  # a damaged or foreign workbook
            raise _Unreadable("The workbook could not be read: is it an XLSX file?") from error
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _Unreadable(f"The file is not valid JSON ({error}).") from error
    if not isinstance(document, dict):
        raise _Unreadable("The file must hold one JSON object, the appraisal document.")
    return document


def _import(request: HttpRequest, appraisal: Appraisal | None) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            document = _read(form.cleaned_data["document"])
            if appraisal is not None:
                document["reference"] = appraisal.reference  # replace this one, whatever it says
            _check_lead(request, document)
            report = interchange.import_document(
                document=document, user=request.user, replace=appraisal is not None
            )
        except _Unreadable as error:
            problems = [str(error)]
        except interchange.InvalidDocument as error:
            problems = [str(p) for p in error.problems]
        else:
            verb = "replaced" if report.replaced else "imported"
            messages.success(request, f"Appraisal “{report.appraisal.title}” {verb}.")
            return redirect(report.appraisal)
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
