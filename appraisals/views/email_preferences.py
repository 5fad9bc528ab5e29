"""Which e-mails a person gets: each kind that can be turned off, on or off; the kinds that
cannot (invitations, security) listed with the reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..emails import KINDS
from ..models import EmailOptOut


class EmailPreferencesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label="Send me these e-mails",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick the ones you do not want. Select all that apply.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = [
            (kind.key, kind.name) for kind in KINDS.values() if not kind.always
        ]


@transaction.atomic
def _save(user, wanted: set[str]) -> None:
    optional = {kind.key for kind in KINDS.values() if not kind.always}
    EmailOptOut.objects.filter(user=user, kind__in=wanted).delete()
    have = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    EmailOptOut.objects.bulk_create(
        EmailOptOut(user=user, kind=kind) for kind in sorted(optional - wanted - have)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    off = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    initial = {"wanted": [k for k, kind in KINDS.items() if not kind.always and k not in off]}
    form = EmailPreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save(request.user, set(form.cleaned_data["wanted"]))
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("email-preferences")
    return render(
        request,
        "appraisals/email_preferences.html",
        {
            "form": form,
            "descriptions": {k: kind.description for k, kind in KINDS.items()},
            "always": [kind for kind in KINDS.values() if kind.always],
            "address": request.user.email,
        },
    )
