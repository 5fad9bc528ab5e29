"""Who may see and change a council's administration, and which council a person is acting
for.

Every council page loads its council through `get_council_for`: someone with no place in
the council gets 404, as if it did not exist; someone with a place but not an administrator
gets 403. The Django admin stays for the site's operators (superusers), who need no place.

People in several councils act for one at a time (`acting_council`): the choice is kept in
the session and checked against their memberships every time it is read, so a membership
removed meanwhile takes effect on the next page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from appraisals.access import memberships
from appraisals.models import Authority, Membership

SESSION_KEY = "acting_council"
ADMINISTRATOR = Membership.Role.ADMINISTRATOR


def is_administrator(user, authority_id: int) -> bool:
    return memberships(user).get(authority_id) == ADMINISTRATOR


def get_council_for(user, pk: int, *, administer: bool = True) -> Authority:
    """The council, if the user has a place in it (else 404); with administer=True, 403
    unless they are one of its administrators."""
    role = memberships(user).get(pk)
    if role is None:
        raise Http404("No such council")
    if administer and role != ADMINISTRATOR:
        raise PermissionDenied("Only the council's administrators can do this.")
    # From the user's councils, read once a request (the header names them too).
    return next(c for c in user_councils(user) if c.pk == pk)


def user_councils(user) -> list[Authority]:
    """The councils the user has a place in, by name (one query, once a request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_councilopts_councils", None)
    if cached is None:
        cached = list(Authority.objects.filter(pk__in=memberships(user)).order_by("name"))
        user._councilopts_councils = cached
    return cached


def acting_council(request: HttpRequest) -> Authority | None:
    """The council the user is acting for: the one chosen in this session if they still
    have a place in it, else the first of their councils by name (None if they have none)."""
    councils = user_councils(request.user)
    if not councils:
        return None
    chosen = request.session.get(SESSION_KEY)
    for council in councils:
        if council.pk == chosen:
            return council
    if chosen is not None:
        del request.session[SESSION_KEY]  # no longer theirs: forget it
    return councils[0]


def act_for(request: HttpRequest, authority: Authority) -> None:
    """Act for this council from now on in this session (it must be one of theirs)."""
    if authority.pk not in memberships(request.user):
        raise Http404("No such council")
    request.session[SESSION_KEY] = authority.pk
