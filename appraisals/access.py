"""Who may see and change what: the one place access is settled.

Every view loads council data through these helpers. An appraisal is visible to the users
of its lead authority and of its partners; anyone else gets 404, as if it did not exist.
Only officers and administrators of the lead authority change it; members and partners'
officers read it, score in the panels they are assigned to and ask questions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Appraisal, Membership, Panel

EDITOR_ROLES = (Membership.Role.OFFICER, Membership.Role.ADMINISTRATOR)


def memberships(user) -> dict[int, str]:
    """{authority id: role} for the user, read once per request and kept on the user."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_councilopts_memberships", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("authority_id", "role"))
        user._councilopts_memberships = cached
    return cached


def visible_appraisals(user):
    return Appraisal.objects.visible_to(user)


def is_officer(user) -> bool:
    """An officer or administrator somewhere: may start appraisals for that authority."""
    return any(role in EDITOR_ROLES for role in memberships(user).values())


def editable_authorities(user) -> list[int]:
    return [pk for pk, role in memberships(user).items() if role in EDITOR_ROLES]


def can_edit(user, appraisal: Appraisal) -> bool:
    return memberships(user).get(appraisal.lead_authority_id) in EDITOR_ROLES


def can_answer(user, appraisal: Appraisal) -> bool:
    """Officers answer members' questions: the lead's and the partners'."""
    if can_edit(user, appraisal):
        return True
    partner_ids = {a.pk for a in appraisal.partners.all()}
    roles = memberships(user)
    return any(roles.get(pk) in EDITOR_ROLES for pk in partner_ids)


def get_appraisal_for(user, reference: str, *, edit: bool = False) -> Appraisal:
    """The appraisal the user may see, or 404; with edit=True, 403 unless they may change it."""
    try:
        appraisal = (
            visible_appraisals(user)
            .select_related("lead_authority")
            .with_last_issue()
            .get(reference=reference)
        )
    except Appraisal.DoesNotExist:
        raise Http404("No such appraisal") from None
    if edit and not can_edit(user, appraisal):
        raise PermissionDenied("Only officers of the lead council can change this appraisal.")
    return appraisal


def can_score(user, panel: Panel) -> bool:
    """Editors (the lead council's officers) score in any panel. Anyone else scores only in a
    panel they are assigned to, and only while they belong to a council the appraisal names:
    the lead or a partner, whatever their role there (a partner's officer in the panel named
    for their council, a councillor in the members' panel)."""
    if can_edit(user, panel.appraisal):
        return True
    return _in_appraisal_councils(user, panel.appraisal) and (
        panel.members.filter(pk=user.pk).exists()
    )


def _in_appraisal_councils(user, appraisal: Appraisal) -> bool:
    """Whether the user belongs to the lead council or a partner (the lead is checked first,
    from the memberships already read, so the lead's own people cost no query)."""
    roles = memberships(user)
    if appraisal.lead_authority_id in roles:
        return True
    return appraisal.partners.filter(pk__in=roles.keys()).exists()


def get_panel_for(user, appraisal: Appraisal, key: str) -> Panel:
    try:
        panel = appraisal.panels.get(key=key)
    except Panel.DoesNotExist:
        raise Http404("No such panel") from None
    panel.appraisal = appraisal  # already checked: spare the query
    return panel
