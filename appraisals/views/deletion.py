"""Deleting a never-issued appraisal after a confirmation page, and the record of deleted
appraisals that their councils' people can still read."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import actions
from ..access import get_appraisal_for, memberships
from ..models import Change
from ..tables import DeletionTable
from .allow import allow


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that the appraisal and everything in it will be deleted",
        error_messages={"required": "Confirm that you want to delete the appraisal"},
    )


@allow("GET", "POST")
def appraisal_delete(request: HttpRequest, reference: str) -> HttpResponse:
    appraisal = get_appraisal_for(request.user, reference, edit=True)
    contents = actions.appraisal_contents(appraisal)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not contents.versions and form.is_valid():
        try:
            actions.delete_appraisal(appraisal=appraisal, user=request.user)
        except actions.NotDeletable as refused:  # issued since the page was opened
            messages.error(request, str(refused))
            return redirect(appraisal)
        messages.success(
            request,
            f"“{appraisal.title}” is deleted. Its history is kept in the deleted appraisals.",
        )
        return redirect("appraisals:deleted-appraisals")
    return render(
        request,
        "appraisals/appraisal_delete.html",
        {"appraisal": appraisal, "contents": contents, "form": form, "section": "tasks"},
    )


def deleted_appraisals(request: HttpRequest) -> HttpResponse:
    """The deletions of the appraisals led by the user's councils (partners never saw the
    deletion happen, and may not have known of the draft)."""
    deletions = (
        Change.objects.filter(
            appraisal__isnull=True, field="deleted", authority__in=list(memberships(request.user))
        )
        .select_related("user", "authority")
        .order_by("-at", "-pk")
    )
    table = DeletionTable(deletions)
    table.paginate(page=request.GET.get("page", 1), per_page=25)
    return render(request, "appraisals/deleted_appraisals.html", {"table": table})
