"""Panels of assessors and who is in them."""

from django.urls import reverse

from appraisals.models import Change, Membership
from tests.factories import make_user


def _url(personas, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


def test_officer_adds_a_panel_of_people_from_the_councils_involved(client, personas):
    client.force_login(personas.officer)
    people = client.get(_url(personas, "panels")).context["form"].fields["members"].queryset
    assert set(people) == {
        personas.officer,
        personas.member,
        personas.admin,
        personas.partner_officer,
    }  # not charlie, of an unrelated council
    response = client.post(
        _url(personas, "panels"), {"name": "Councillors", "members": [personas.member.pk]}
    )
    assert response.status_code == 302
    panel = personas.appraisal.panels.get(key="councillors")
    assert list(panel.members.all()) == [personas.member]
    assert Change.objects.filter(kind="panel", subject="Councillors", new="bob").exists()


def test_people_of_other_councils_cannot_be_put_on_a_panel(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "panels"), {"name": "Mixed", "members": [personas.outsider.pk]}
    )
    assert response.status_code == 200
    assert 'href="#id_members_0"' in response.text
    assert not personas.appraisal.panels.filter(name="Mixed").exists()


def test_editing_a_panel_records_its_members(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "panel-edit", "panel-1"),
        {"name": "Staff", "members": [personas.member.pk, personas.partner_officer.pk]},
    )
    assert response.status_code == 302
    changes = {c.field: (c.old, c.new) for c in Change.objects.filter(kind="panel")}
    assert changes == {"name": ("Panel 1", "Staff"), "members": ("", "bob, pat")}


def test_members_see_panels_without_the_form(client, personas):
    client.force_login(personas.member)
    response = client.get(_url(personas, "panels"))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Add a panel" not in response.text


def test_members_are_offered_scoring_only_in_their_own_panels(client, personas):
    staff, councillors = personas.appraisal.panels.order_by("order", "pk")[:2]
    councillors.members.add(personas.member)
    client.force_login(personas.member)
    page = client.get(_url(personas, "panels")).text
    assert _url(personas, "scoring", councillors.key) in page
    assert _url(personas, "scoring", staff.key) not in page  # it would only say 403
    client.force_login(personas.officer)
    page = client.get(_url(personas, "panels")).text
    assert _url(personas, "scoring", staff.key) in page


def test_panels_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)
    # session, user, appraisal, memberships, partners, panels, their members, the people
    # who may join, their memberships with councils, the header's council
    with django_assert_num_queries(10):
        client.get(_url(personas, "panels"))
    for i in range(4):
        user = make_user(f"extra{i}", personas.lead, Membership.Role.MEMBER)
        personas.appraisal.panels.create(key=f"extra-{i}", name=f"Extra {i}").members.add(user)
    with django_assert_num_queries(10):
        client.get(_url(personas, "panels"))
