"""Partner bodies nobody administers yet: a body an officer adds as a partner on the scope
page (an NHS trust, a police force) starts with no people, so nobody could keep its facts or
invite its staff. The administrators of a council leading an appraisal the body is a
partner in designate its first administrator, by invitation; once the body has one, it runs
itself like any council, and the lead council's administrators no longer can.

`/council/<pk>/bodies/`: the lead council's partner bodies, each with its administrators or
the invitation to be one; an invitation from here is in both councils' histories.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from appraisals.models import Authority, Membership

from . import actions
from .access import get_council_for
from .forms import DesignateForm
from .models import CouncilChange, Invitation
from .views import _page

ADMINISTRATOR = Membership.Role.ADMINISTRATOR


def partner_bodies(council: Authority):
    """The bodies that are partners in appraisals this council leads (not itself), with
    their administrators and pending invitations to be one (three queries)."""
    now = timezone.now()
    return (
        Authority.objects.filter(partner_appraisals__lead_authority=council)
        .exclude(pk=council.pk)
        .distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=ADMINISTRATOR).select_related("user"),
                to_attr="administrators",
            ),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(
                    role=ADMINISTRATOR, used_at=None, withdrawn_at=None, expires_at__gt=now
                ),
                to_attr="pending",
            ),
        )
    )


def _designable(council: Authority, pk: int) -> Authority:
    """A partner body of this council's appraisals (else 404)."""
    body = partner_bodies(council).filter(pk=pk).first()
    if body is None:
        raise Http404("Not a partner body of this council's appraisals")
    return body


def bodies(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    return _page(
        request, "councils/bodies.html", council, "bodies", bodies=list(partner_bodies(council))
    )


def designate(request: HttpRequest, pk: int, body: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    body = _designable(council, body)
    if body.administrators:
        messages.info(request, f"{body.name} has its own administrators: they invite its people.")
        return redirect("councils:bodies", council.pk)
    form = DesignateForm(request.POST or None, authority=body, days=settings.INVITATION_DAYS)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            with transaction.atomic():
                actions.invite(authority=body, email=email, role=ADMINISTRATOR, user=request.user)
                actions.record(
                    authority=council,
                    user=request.user,
                    kind=CouncilChange.Kind.INVITATION,
                    subject=f"{email}, to administer {body.name}"[:300],
                    field="role",
                    new=actions.role_label(ADMINISTRATOR),
                )
        except actions.AlreadyMember:
            form.add_error("email", f"{email} already has a place at {body.name}")
        except actions.TooManyInvitations as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, f"Invitation sent to {email}, to be the administrator of {body.name}."
            )
            return redirect("councils:bodies", council.pk)
    return _page(request, "councils/designate.html", council, "bodies", body=body, form=form)
