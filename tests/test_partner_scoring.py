"""Partners' people score in the panels they sit on; only the lead council's officers decide who
sits where; nobody outside the appraisal's councils reaches a panel, even one they were put on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals import actions
from appraisals.access import can_score
from appraisals.models import Change, Membership, Score
from tests.factories import make_user
from tests.test_scoring import HTMX, cell_data, cell_url, grid_url


@pytest.fixture
def partner_panel(personas):
    """The panel named for the partner council, with the partner's officer on it."""
    panel = personas.appraisal.panels.get(key="panel-2")
    actions.edit_panel(
        appraisal=personas.appraisal,
        user=personas.officer,
        panel=panel,
        name="Partner Borough officers",
        members=[personas.partner_officer],
    )
    return panel


def _score(client, personas, panel, score="4", reason="Our reason"):
    data = cell_data(personas.appraisal, "option-1", "criterion-1", score=score, reason=reason)
    data = {
        k: v
        for k, v in data.items()
        if not k.endswith("-version")  # the version of this panel's cell, not panel-1's
    } | {
        k: Score.objects.get(
            panel=panel, option__key="option-1", criterion__key="criterion-1"
        ).version
        for k in data
        if k.endswith("-version")
    }
    return client.post(cell_url("option-1", "criterion-1", panel=panel.key), data, headers=HTMX)


def test_partner_officer_scores_in_the_panel_named_for_their_council(
    client, personas, partner_panel
):
    client.force_login(personas.partner_officer)
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 200
    assert _score(client, personas, partner_panel, reason="Stockton view").status_code == 200
    cell = Score.objects.get(
        panel=partner_panel, option__key="option-1", criterion__key="criterion-1"
    )
    assert (cell.score, cell.reason, cell.updated_by) == (
        4,
        "Stockton view",
        personas.partner_officer,
    )
    assert Change.objects.filter(kind="score", user=personas.partner_officer).exists()
    # Only their own panel: the lead council's panel is not theirs to score.
    assert client.get(grid_url(panel="panel-1")).status_code == 403


def test_partner_councillor_on_a_panel_scores_in_it(client, personas, partner_panel):
    councillor = make_user("penny", personas.partner, Membership.Role.MEMBER)
    partner_panel.members.add(councillor)
    client.force_login(councillor)
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 200
    assert _score(client, personas, partner_panel).status_code == 200
    assert client.get(grid_url(panel="panel-1")).status_code == 403


def test_partner_officer_not_on_the_panel_gets_403_and_changes_nothing(
    client, personas, partner_panel
):
    colleague = make_user("paul", personas.partner, Membership.Role.OFFICER)
    client.force_login(colleague)
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 403
    assert _score(client, personas, partner_panel).status_code == 403
    assert not Change.objects.filter(kind="score").exists()


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_lead_councils_officers_and_administrators_score_every_panel(
    client, personas, partner_panel, who
):
    client.force_login(getattr(personas, who))
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 200
    assert _score(client, personas, partner_panel).status_code == 200


def test_lead_member_scores_only_where_assigned(client, personas, partner_panel):
    client.force_login(personas.member)
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 403
    partner_panel.members.add(personas.member)
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 200


def test_someone_of_another_council_put_on_a_panel_still_gets_404(client, personas, partner_panel):
    partner_panel.members.add(personas.outsider)  # as if by hand, past the form's check
    assert not can_score(personas.outsider, partner_panel)
    client.force_login(personas.outsider)
    assert client.get(grid_url(panel=partner_panel.key)).status_code == 404
    assert _score(client, personas, partner_panel).status_code == 404
    appraisal_url = reverse("appraisals:appraisal", args=[personas.appraisal.reference])
    assert client.get(appraisal_url).status_code == 404
    assert not Change.objects.filter(kind="score").exists()


# --------------------------------------------------------------------------------------------
# Who may put people on panels


def _panel_edit_url(personas, key: str) -> str:
    return reverse("appraisals:panel-edit", args=[personas.appraisal.reference, key])


def _panels_url(personas) -> str:
    return reverse("appraisals:panels", args=[personas.appraisal.reference])


@pytest.mark.parametrize(
    ("who", "status"),
    [("partner_officer", 403), ("partner_admin", 403), ("member", 403), ("outsider", 404)],
)
def test_only_the_lead_councils_officers_assign_people_to_panels(
    client, personas, partner_panel, who, status
):
    if who == "partner_admin":
        user = make_user("petra", personas.partner, Membership.Role.ADMINISTRATOR)
    else:
        user = getattr(personas, who)
    client.force_login(user)
    data = {"name": "Partner Borough officers", "members": [user.pk]}
    assert client.post(_panel_edit_url(personas, partner_panel.key), data).status_code == status
    assert client.get(_panel_edit_url(personas, partner_panel.key)).status_code == status
    assert client.post(_panels_url(personas), {"name": "Ours", "members": []}).status_code == status
    assert list(partner_panel.members.all()) == [personas.partner_officer]
    assert not personas.appraisal.panels.filter(name="Ours").exists()


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_lead_councils_officer_or_administrator_assigns_a_partners_people(client, personas, who):
    councillor = make_user("penny", personas.partner, Membership.Role.MEMBER)
    client.force_login(getattr(personas, who))
    response = client.post(
        _panel_edit_url(personas, "panel-2"),
        {"name": "Partner Borough", "members": [personas.partner_officer.pk, councillor.pk]},
    )
    assert response.status_code == 302
    panel = personas.appraisal.panels.get(key="panel-2")
    assert set(panel.members.all()) == {personas.partner_officer, councillor}
    assert Change.objects.filter(kind="panel", field="members", new="pat, penny").exists()


def test_the_picker_offers_partners_people_with_their_role_and_council_only(client, personas):
    councillor = make_user("penny", personas.partner, Membership.Role.MEMBER)
    # Pat also works for the unrelated council: the picker does not say so.
    Membership.objects.create(
        user=personas.partner_officer, authority=personas.unrelated, role="officer"
    )
    client.force_login(personas.officer)
    field = client.get(_panels_url(personas)).context["form"].fields["members"]
    labels = {user.username: field.label_from_instance(user) for user in field.queryset}
    assert labels["pat"] == "pat (officer, Partner Borough Council)"
    assert labels["penny"] == "penny (member, Partner Borough Council)"
    assert labels["bob"] == "bob (member, Lead District Council)"
    assert "charlie" not in labels
    assert councillor.username in labels


def test_partner_taken_off_the_appraisal_takes_its_people_off_the_panels(
    client, personas, partner_panel
):
    partner_panel.members.add(personas.member)
    actions.update_scope(
        appraisal=personas.appraisal,
        user=personas.officer,
        changes={},
        partners=[],
        services=[],
    )
    assert list(partner_panel.members.all()) == [personas.member]
    change = Change.objects.get(
        kind="panel", subject=partner_panel.name, field="members", old="bob, pat"
    )
    assert (change.new, change.user) == ("bob", personas.officer)


# --------------------------------------------------------------------------------------------
# Where a partner's officer finds their panel


def test_partner_officer_is_offered_their_panel_on_the_appraisal_and_panels_pages(
    client, personas, partner_panel
):
    client.force_login(personas.partner_officer)
    own = grid_url(panel=partner_panel.key)
    page = client.get(reverse("appraisals:appraisal", args=[personas.appraisal.reference])).text
    assert f'href="{own}"' in page
    assert "Score the options for the Partner Borough officers panel" in page
    panels = client.get(_panels_url(personas)).text
    assert f'href="{own}"' in panels
    assert f'href="{grid_url(panel="panel-1")}"' not in panels
