"""A council's administrators manage its people in the app: who sees which page, roles
changed and memberships removed, never the last administrator, all in the council's audit
trail, and a save against a role changed meanwhile refused."""

import pytest
from django.urls import reverse

from appraisals.models import Membership
from councils.models import CouncilChange, Invitation
from councils.navigation import SECTIONS
from tests.factories import make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def other_admin(personas):
    """An administrator of another council (the unrelated one)."""
    return make_user("zoe", personas.unrelated, Role.ADMINISTRATOR)


def _pages(council_pk: int, place_pk: int, invitation_pk: int) -> list[str]:
    """Every page of a council's area: each section, a person, a removal, inviting."""
    return [
        *(reverse(s.url_name, args=[council_pk]) for s in SECTIONS),
        reverse("councils:person", args=[council_pk, place_pk]),
        reverse("councils:person-remove", args=[council_pk, place_pk]),
        reverse("councils:invite", args=[council_pk]),
    ]


@pytest.fixture
def lead_pages(personas):
    place = Membership.objects.get(user=personas.officer, authority=personas.lead)
    invitation = Invitation.objects.create(
        authority=personas.lead,
        email="x@example.gov.uk",
        role=Role.OFFICER,
        token_hash="0" * 64,
        expires_at="2099-01-01T00:00Z",
    )
    return _pages(personas.lead.pk, place.pk, invitation.pk)


def test_the_administrator_sees_every_page(client, personas, lead_pages):
    client.force_login(personas.admin)
    for url in lead_pages:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["officer", "member"])
def test_officers_and_members_of_the_council_get_403(client, personas, lead_pages, who):
    client.force_login(getattr(personas, who))
    for url in lead_pages:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "administrators" in response.content.decode()
        assert client.post(url, {"role": Role.ADMINISTRATOR}).status_code == 403, url
    invitation = Invitation.objects.get()
    for name in ("councils:invitation-withdraw", "councils:invitation-resend"):
        url = reverse(name, args=[personas.lead.pk, invitation.pk])
        assert client.post(url).status_code == 403, url
    assert Invitation.objects.get().withdrawn_at is None and Invitation.objects.count() == 1
    assert Membership.objects.get(user=personas.officer).role == Role.OFFICER


@pytest.mark.parametrize("who", ["partner_officer", "outsider", "other_admin"])
def test_anyone_outside_the_council_gets_404(client, personas, lead_pages, other_admin, who):
    client.force_login(other_admin if who == "other_admin" else getattr(personas, who))
    for url in lead_pages:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": Role.ADMINISTRATOR}).status_code == 404, url
    assert Membership.objects.get(user=personas.officer).role == Role.OFFICER


def test_another_councils_administrator_cannot_withdraw_its_invitations(
    client, personas, other_admin
):
    invitation = Invitation.objects.create(
        authority=personas.lead,
        email="x@example.gov.uk",
        role=Role.OFFICER,
        token_hash="1" * 64,
        expires_at="2099-01-01T00:00Z",
    )
    client.force_login(other_admin)
    own = reverse("councils:invitation-withdraw", args=[personas.unrelated.pk, invitation.pk])
    theirs = reverse("councils:invitation-withdraw", args=[personas.lead.pk, invitation.pk])
    assert client.post(own).status_code == 404  # not an invitation of zoe's council
    assert client.post(theirs).status_code == 404
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_signed_out_people_are_sent_to_sign_in(client, lead_pages):
    for url in lead_pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_people_page_lists_everyone_with_their_role(client, personas):
    client.force_login(personas.admin)
    page = client.get(reverse("councils:people", args=[personas.lead.pk])).content.decode()
    for name, role in [
        ("alice", "Officer"),
        ("bob", "Member (councillor)"),
        ("ada", "Administrator"),
    ]:
        assert name in page and role in page
    assert "pat" not in page and "charlie" not in page  # other councils' people
    assert "The council has one administrator" in page


def _navigation(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index('class="govuk-service-navigation"') : page.index("</section>")]


def test_the_header_offers_your_council_to_administrators_only(client, personas):
    client.force_login(personas.admin)
    assert ">Your council</a>" in _navigation(client)
    client.force_login(personas.officer)
    assert "Your council" not in _navigation(client)


def test_changing_a_role_is_saved_and_recorded(client, personas, caplog):
    place = Membership.objects.get(user=personas.member)
    url = reverse("councils:person", args=[personas.lead.pk, place.pk])
    client.force_login(personas.admin)
    loaded = client.get(url).context["form"].stamp
    response = client.post(url, {"role": Role.OFFICER, "loaded": loaded})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.role == Role.OFFICER
    change = CouncilChange.objects.get(kind="role")
    assert (change.user, change.subject, change.old, change.new) == (
        personas.admin,
        "bob",
        "Member (councillor)",
        "Officer",
    )
    history = client.get(reverse("councils:history", args=[personas.lead.pk])).content.decode()
    assert "Role changed" in history and "Member (councillor)" in history
    [logged] = [r for r in caplog.records if getattr(r, "event", "") == "council_role"]
    assert (logged.council, logged.subject, logged.username, logged.new) == (
        "Lead District Council",
        "bob",
        "ada",
        "Officer",
    )


def test_a_save_against_a_role_changed_meanwhile_is_refused_and_names_who(client, personas):
    place = Membership.objects.get(user=personas.member)
    url = reverse("councils:person", args=[personas.lead.pk, place.pk])
    second = make_user("ben", personas.lead, Role.ADMINISTRATOR, first_name="Ben")
    client.force_login(personas.admin)
    loaded = client.get(url).context["form"].stamp
    client.force_login(second)
    client.post(url, {"role": Role.OFFICER, "loaded": client.get(url).context["form"].stamp})
    client.force_login(personas.admin)
    response = client.post(url, {"role": Role.ADMINISTRATOR, "loaded": loaded})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ben changed this" in page and "Your changes have not been saved" in page
    assert "changed to “Officer" in page
    place.refresh_from_db()
    assert place.role == Role.OFFICER
    assert CouncilChange.objects.filter(kind="role").count() == 1  # the refused save: none
    # Saving again, knowingly, replaces it.
    response = client.post(
        url, {"role": Role.ADMINISTRATOR, "loaded": response.context["form"].stamp}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.role == Role.ADMINISTRATOR


def test_the_last_administrator_cannot_be_demoted(client, personas):
    place = Membership.objects.get(user=personas.admin)
    url = reverse("councils:person", args=[personas.lead.pk, place.pk])
    client.force_login(personas.admin)
    loaded = client.get(url).context["form"].stamp
    response = client.post(url, {"role": Role.OFFICER, "loaded": loaded})
    assert response.status_code == 200
    assert "only administrator" in response.content.decode()
    place.refresh_from_db()
    assert place.role == Role.ADMINISTRATOR
    assert not CouncilChange.objects.exists()


def test_the_last_administrator_cannot_be_removed(client, personas):
    place = Membership.objects.get(user=personas.admin)
    client.force_login(personas.admin)
    response = client.post(reverse("councils:person-remove", args=[personas.lead.pk, place.pk]))
    assert response.status_code == 200
    assert "only administrator" in response.content.decode()
    assert Membership.objects.filter(pk=place.pk).exists()
    assert not CouncilChange.objects.exists()


def test_with_two_administrators_one_may_step_down(client, personas):
    make_user("ben", personas.lead, Role.ADMINISTRATOR)
    place = Membership.objects.get(user=personas.admin)
    url = reverse("councils:person", args=[personas.lead.pk, place.pk])
    client.force_login(personas.admin)
    response = client.post(
        url, {"role": Role.OFFICER, "loaded": client.get(url).context["form"].stamp}
    )
    assert response.status_code == 302 and response["Location"] == reverse("appraisals:home")
    place.refresh_from_db()
    assert place.role == Role.OFFICER
    assert client.get(url).status_code == 403  # no longer an administrator


def test_removing_someone_takes_their_place_away_and_is_recorded(client, personas):
    place = Membership.objects.get(user=personas.officer)
    url = reverse("councils:person-remove", args=[personas.lead.pk, place.pk])
    client.force_login(personas.admin)
    assert "Are you sure you want to remove alice" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=place.pk).exists()
    change = CouncilChange.objects.get(kind="removed")
    assert (change.user, change.subject, change.old) == (personas.admin, "alice", "Officer")
    # She no longer sees the council's appraisal.
    client.force_login(personas.officer)
    assert client.get(personas.appraisal.get_absolute_url()).status_code == 404


def test_someone_removed_leaves_the_panels_of_the_councils_appraisals(client, personas):
    panel = personas.appraisal.panels.first()
    panel.members.add(personas.member, personas.officer)
    place = Membership.objects.get(user=personas.member)
    client.force_login(personas.admin)
    client.post(reverse("councils:person-remove", args=[personas.lead.pk, place.pk]))
    assert list(panel.members.all()) == [personas.officer]
    change = personas.appraisal.changes.get(kind="panel", field="members")
    assert (change.user, change.old, change.new) == (personas.admin, "alice, bob", "alice")
    assert panel.scores.exists()  # the scores they gave stay


def _fill(personas, start: int, n: int) -> None:
    """n more people, invitations (some accepted) and history rows at the lead council."""
    for i in range(start, start + n):
        user = make_user(f"extra{i}", personas.lead, Role.OFFICER, first_name=f"Extra {i}")
        Invitation.objects.create(
            authority=personas.lead,
            email=f"extra{i}@example.gov.uk",
            role=Role.MEMBER,
            token_hash=f"{i}".rjust(64, "f"),
            expires_at="2099-01-01T00:00Z",
            invited_by=personas.admin,
            used_by=user if i % 2 else None,
            used_at="2026-12-01T00:00Z" if i % 2 else None,
        )
        CouncilChange.objects.create(
            authority=personas.lead, user=user, kind="joined", subject=f"Extra {i}"
        )


# Every page: the session, the user, their places, their councils (the council itself and
# the header's names). Then:
@pytest.mark.parametrize(
    "name, queries",
    [
        ("people", 2),  # pending invitations; the people with their accounts
        ("invitations", 1),  # the invitations with who sent and used them
        ("history", 2),  # the count for the pages; the rows with who made them
        ("invite", 0),
    ],
)
def test_council_pages_make_a_fixed_number_of_queries_whatever_the_data(
    client, personas, django_assert_num_queries, name, queries
):
    url = reverse(f"councils:{name}", args=[personas.lead.pk])
    client.force_login(personas.admin)
    _fill(personas, 0, 2)
    with django_assert_num_queries(4 + queries):
        assert client.get(url).status_code == 200
    _fill(personas, 2, 20)
    with django_assert_num_queries(4 + queries):
        assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_administrators_demoting_each_other_at_once_leave_one(personas, monkeypatch):
    """Both demotions start together; the first holds the administrators' rows while it
    writes, so the second, once it gets them, finds itself the last administrator.
    (PostgreSQL: the row locks are what is being proved.)"""
    import threading
    import time

    from django.db import connection

    from councils import actions

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite takes one writer at a time anyway")
    ben = make_user("ben", personas.lead, Role.ADMINISTRATOR)
    ada_place = Membership.objects.get(user=personas.admin)
    ben_place = Membership.objects.get(user=ben)
    first_is_writing = threading.Event()
    record = actions.record

    def slow_record(**kwargs):
        row = record(**kwargs)
        if not first_is_writing.is_set():
            first_is_writing.set()
            time.sleep(1)  # the other demotion arrives now, while this one holds the rows
        return row

    monkeypatch.setattr(actions, "record", slow_record)
    outcomes: dict[str, str] = {}

    def demote(name: str, place: Membership, by) -> None:
        try:
            actions.change_role(membership=place, role=Role.OFFICER, user=by)
            outcomes[name] = "demoted"
        except actions.LastAdministrator:
            outcomes[name] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=demote, args=("ben", ben_place, personas.admin))
    first.start()
    assert first_is_writing.wait(10)
    second = threading.Thread(target=demote, args=("ada", ada_place, ben))
    second.start()
    first.join(20)
    second.join(20)
    assert outcomes == {"ben": "demoted", "ada": "refused"}
    assert list(
        Membership.objects.filter(authority=personas.lead, role=Role.ADMINISTRATOR).values_list(
            "user__username", flat=True
        )
    ) == ["ada"]
    assert CouncilChange.objects.filter(kind="role").count() == 1
