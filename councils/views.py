"""The "Your council" area: a council's administrators manage its people (roles, removals,
invitations) and read its audit trail; anyone chooses which of their councils they act for;
an invitee accepts an invitation.

Every page of a council loads it first through `access.get_council_for` (404 outside the
council, 403 for its people who are not administrators).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from appraisals.access import memberships
from appraisals.history import person_name
from appraisals.models import Authority, Membership
from appraisals.views.edit import refuse_after, stale_fields, stamp_at, stamp_mark

from . import actions, sso
from .access import act_for, acting_council, get_council_for, is_administrator, user_councils
from .forms import AcceptForm, InviteForm, RoleForm, SwitchForm
from .models import CouncilChange
from .navigation import sections_for
from .tables import CouncilChangeTable

SIGN_IN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
LAST_ADMINISTRATOR = (
    "{name} is the council’s only administrator. Give someone else the administrator role "
    "first, so the council can still manage its people"
)


def _page(request: HttpRequest, template: str, council: Authority, section: str, **context):
    """Render a page of the "Your council" area, with its sub-navigation."""
    administrator = is_administrator(request.user, council.pk)
    return render(
        request,
        template,
        {
            "council": council,
            "section": section,
            "sections": sections_for(administrator=administrator),
            **context,
        },
    )


def council_home(request: HttpRequest) -> HttpResponse:
    """ "Your council": the first page of the acting council's area the user may see."""
    council = acting_council(request)
    if council is None:
        raise PermissionDenied("You do not have a place at any council yet.")
    sections = sections_for(administrator=is_administrator(request.user, council.pk))
    if not sections:
        raise PermissionDenied("Only the council’s administrators can manage the council.")
    return redirect(sections[0].url_name, council.pk)


def people(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    rows = (
        council.memberships.select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
        .all()
    )
    pending = council.invitations.filter(
        used_at=None, withdrawn_at=None, expires_at__gt=timezone.now()
    ).order_by("email")
    return _page(
        request,
        "councils/people.html",
        council,
        "people",
        memberships=rows,
        pending=pending,
        administrators=sum(m.role == actions.ADMINISTRATOR for m in rows),
    )


def _council_mark(council: Authority) -> int:
    newest = CouncilChange.objects.filter(authority=council).order_by("-pk").values("pk").first()
    return newest["pk"] if newest else 0


def person(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    """Change one person's role, refusing a save made against a role changed meanwhile."""
    council = get_council_for(request.user, pk)
    place = get_object_or_404(council.memberships.select_related("user"), pk=membership)
    if request.method != "POST":
        form = RoleForm(initial={"role": place.role})
        form.stamp = stamp_at(_council_mark(council), form)
        return _page(request, "councils/person.html", council, "people", form=form, place=place)
    form = RoleForm(request.POST)
    form.stamp = request.POST.get("loaded", "")
    changed = None
    if form.is_valid():
        with transaction.atomic():
            # The row locked (as every write to places locks), so a change committed
            # meanwhile is seen and nothing slips in.
            try:
                place, _ = actions.lock_place(place)
            except Membership.DoesNotExist:
                raise Http404("No such person") from None
            now = RoleForm(initial={"role": place.role})
            changed = stale_fields(form.stamp, now)
            if changed is None:
                try:
                    changed_role = actions.change_role(
                        membership=place, role=form.cleaned_data["role"], user=request.user
                    )
                except actions.LastAdministrator:
                    form.add_error("role", LAST_ADMINISTRATOR.format(name=person_name(place.user)))
                else:
                    return _role_saved(request, council, place, changed_role)
        if changed is not None:
            rows = CouncilChange.objects.filter(
                authority=council, pk__gt=stamp_mark(form.stamp)
            ).select_related("user")
            refuse_after(form, list(rows), now, changed)
            form.stamp = stamp_at(_council_mark(council), now)
    return _page(request, "councils/person.html", council, "people", form=form, place=place)


def _role_saved(request, council: Authority, place: Membership, changed: bool) -> HttpResponse:
    name = person_name(place.user)
    if not changed:
        messages.success(request, f"{name}’s role is unchanged.")
    else:
        place.refresh_from_db(fields=["role"])
        messages.success(request, f"{name} is now {actions.ROLE_IN_A_SENTENCE[place.role]}.")
    _forget_memberships(request)
    if not is_administrator(request.user, council.pk):
        return redirect("appraisals:home")  # they made themselves something else
    return redirect("councils:people", council.pk)


def _forget_memberships(request: HttpRequest) -> None:
    """Read the user's places afresh: they have just changed (request.user is lazy, and
    deleting through it reaches the user)."""
    for cached in ("_councilopts_memberships", "_councilopts_councils"):
        if hasattr(request.user, cached):
            delattr(request.user, cached)


def person_remove(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    place = get_object_or_404(council.memberships.select_related("user"), pk=membership)
    error = ""
    if request.method == "POST":
        try:
            actions.remove_membership(membership=place, user=request.user)
        except actions.LastAdministrator:
            error = LAST_ADMINISTRATOR.format(name=person_name(place.user))
        else:
            messages.success(request, f"{person_name(place.user)} was removed from {council}.")
            _forget_memberships(request)
            if place.user_id == request.user.pk:
                return redirect("appraisals:home")
            return redirect("councils:people", council.pk)
    return _page(
        request, "councils/person_remove.html", council, "people", place=place, error=error
    )


def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    rows = list(council.invitations.select_related("invited_by", "used_by")[:200])
    for row in rows:
        row.delivery_note = actions.delivery_note(row)
    return _page(request, "councils/invitations.html", council, "invitations", invitations=rows)


def invite(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    form = InviteForm(request.POST or None, authority=council, days=settings.INVITATION_DAYS)
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.invite(
                authority=council,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                user=request.user,
            )
        except actions.AlreadyMember:
            form.add_error("email", f"{form.cleaned_data['email']} already has a place here")
        except actions.TooManyInvitations as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                f"Invitation sent to {sent.invitation.email}, to join as "
                f"{actions.ROLE_IN_A_SENTENCE[sent.invitation.role]}.",
            )
            return redirect("councils:invitations", council.pk)
    return _page(request, "councils/invite.html", council, "invitations", form=form)


@require_POST
def invitation_withdraw(request: HttpRequest, pk: int, invitation: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    row = get_object_or_404(council.invitations, pk=invitation)
    if actions.withdraw_invitation(invitation=row, user=request.user):
        messages.success(request, f"The invitation to {row.email} was withdrawn.")
    else:
        messages.info(request, f"The invitation to {row.email} was no longer pending.")
    return redirect("councils:invitations", council.pk)


@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation: int) -> HttpResponse:
    """Invite the same address to the same role again, with a new link (an expired one, or
    one that never arrived); any link still pending is withdrawn."""
    council = get_council_for(request.user, pk)
    row = get_object_or_404(council.invitations, pk=invitation)
    try:
        actions.invite(authority=council, email=row.email, role=row.role, user=request.user)
    except actions.AlreadyMember:
        messages.info(request, f"{row.email} has joined {council} already.")
    except actions.TooManyInvitations as refused:
        messages.error(request, f"The invitation was not sent again. {refused.message}.")
    else:
        messages.success(request, f"A new invitation was sent to {row.email}.")
    return redirect("councils:invitations", council.pk)


def history(request: HttpRequest, pk: int) -> HttpResponse:
    council = get_council_for(request.user, pk)
    table = CouncilChangeTable(council.changes.select_related("user").order_by("-at", "-pk"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return _page(request, "councils/history.html", council, "history", table=table)


def switch(request: HttpRequest) -> HttpResponse:
    """Choose which of your councils you are acting for (kept in the session)."""
    councils = user_councils(request.user)
    acting = acting_council(request)
    form = SwitchForm(
        request.POST or None, councils=councils, initial={"council": acting and acting.pk}
    )
    if request.method == "POST" and form.is_valid():
        council = next(c for c in councils if c.pk == form.cleaned_data["council"])
        act_for(request, council)
        messages.success(request, f"You are now acting for {council}.")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("appraisals:home")
        return redirect(target)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    return render(request, "councils/switch.html", {"form": form, "next": next_url})


REFUSED = {
    "invalid": (404, "This invitation link is not valid"),
    "used": (410, "This invitation has already been used"),
    "expired": (410, "This invitation has expired"),
    "withdrawn": (410, "This invitation was withdrawn"),
}


def _refused(request: HttpRequest, refusal: actions.InvitationRefused) -> HttpResponse:
    status, heading = REFUSED[refusal.reason]
    return render(
        request,
        "councils/invitation_refused.html",
        {"heading": heading, "reason": refusal.reason, "invitation": refusal.invitation},
        status=status,
    )


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: accept it as the account you are signed in with (its e-mail
    address must be the one invited), or by creating an account (or, where the council
    signs in through its identity provider, by signing in there first)."""
    try:
        found = actions.find_invitation(token)
    except actions.InvitationRefused as refusal:
        return _refused(request, refusal)
    user = request.user
    context = {"invitation": found, "role": actions.ROLE_IN_A_SENTENCE[found.role]}
    if user.is_authenticated:
        if user.email.lower() != found.email.lower():
            return render(request, "councils/invitation_other_account.html", context, status=403)
        if found.authority_id in memberships(user):
            return render(request, "councils/invitation_member.html", context)
        if request.method == "POST":
            return _accept(request, token, user)
        return render(request, "councils/invitation.html", {**context, "existing": True})
    if get_user_model().objects.filter(email__iexact=found.email).exists():
        # They have an account: they sign in with it, then come back here.
        return render(request, "councils/invitation.html", {**context, "sign_in": True})
    new_user = actions.new_user_for(found, first_name="", last_name="")
    form = AcceptForm(request.POST or None, invitation=found, new_user=new_user)
    if request.method == "POST" and form.is_valid():
        new_user.first_name = form.cleaned_data["first_name"]
        new_user.last_name = form.cleaned_data["last_name"]
        return _accept(request, token, new_user, password=form.cleaned_data["password1"])
    context["sso_url"] = sso.sign_in_url(found.authority, request.get_full_path())
    return render(request, "councils/invitation.html", {**context, "form": form})


def _accept(request: HttpRequest, token: str, user, *, password: str | None = None):
    try:
        membership = actions.accept_invitation(token=token, user=user, password=password)
    except actions.InvitationRefused as refusal:
        return _refused(request, refusal)
    except actions.AlreadyMember:
        return redirect("appraisals:home")
    if not request.user.is_authenticated:
        # They proved who they are by the link and the password they just set.
        login(request, user, backend=SIGN_IN_BACKEND)
    _forget_memberships(request)
    act_for(request, membership.authority)
    messages.success(
        request,
        f"You have joined {membership.authority} as {actions.ROLE_IN_A_SENTENCE[membership.role]}.",
    )
    return redirect("appraisals:home")
