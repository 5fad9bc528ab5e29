"""People in several councils choose which one they act for: the header names it and offers
a switch, the choice is checked against their places on every page, and a new appraisal's
lead council offers every council where they are an officer, the acting one first."""

import pytest
from django.urls import reverse

from appraisals.models import Membership
from councils.access import SESSION_KEY

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def two_councils(personas):
    """Pat: an officer at the partner council and at the lead council too."""
    Membership.objects.create(
        user=personas.partner_officer, authority=personas.lead, role="officer"
    )
    return personas.partner_officer


def _header(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index("<header") : page.index("</header>")]


def test_someone_in_one_council_sees_it_and_no_switch(client, personas):
    client.force_login(personas.officer)
    header = _header(client)
    assert "Lead District Council" in header and "Switch council" not in header


def test_someone_in_two_councils_acts_for_the_first_by_name_and_can_switch(client, two_councils):
    client.force_login(two_councils)
    header = _header(client)
    assert "You are acting for Lead District Council" in header
    assert "Switch council" in header
    page = client.get(reverse("councils:switch")).content.decode()
    assert "Lead District Council" in page and "Partner Borough Council" in page


def test_switching_changes_the_header_and_the_lead_offered_first(client, personas, two_councils):
    client.force_login(two_councils)
    response = client.post(
        reverse("councils:switch"), {"council": personas.partner.pk, "next": "/appraisals/new/"}
    )
    assert response.status_code == 302 and response["Location"] == "/appraisals/new/"
    assert "You are acting for Partner Borough Council" in _header(client)
    form = client.get(reverse("appraisals:appraisal-new")).context["form"]
    assert form["lead_authority"].value() == personas.partner.pk
    offered = {name for _, name in form.fields["lead_authority"].choices}
    assert offered == {"Lead District Council", "Partner Borough Council"}


def test_the_lead_council_offers_only_councils_where_they_are_an_officer(client, personas):
    Membership.objects.create(user=personas.member, authority=personas.partner, role="officer")
    client.force_login(personas.member)  # a councillor at Lead, an officer at Partner
    client.post(reverse("councils:switch"), {"council": personas.lead.pk})
    form = client.get(reverse("appraisals:appraisal-new")).context["form"]
    assert [name for _, name in form.fields["lead_authority"].choices] == [
        "Partner Borough Council"
    ]
    assert form["lead_authority"].value() is None  # Lead is not one they may choose


def test_a_council_not_theirs_cannot_be_chosen(client, personas, two_councils):
    client.force_login(two_councils)
    response = client.post(reverse("councils:switch"), {"council": personas.unrelated.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_choice_no_longer_valid_is_dropped_on_the_next_page(client, personas, two_councils):
    client.force_login(two_councils)
    client.post(reverse("councils:switch"), {"council": personas.lead.pk})
    Membership.objects.filter(user=two_councils, authority=personas.lead).delete()
    assert "Partner Borough Council" in _header(client)
    assert SESSION_KEY not in client.session


def test_an_outside_address_is_not_followed_after_switching(client, personas, two_councils):
    client.force_login(two_councils)
    response = client.post(
        reverse("councils:switch"), {"council": personas.lead.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_your_council_goes_to_the_acting_councils_people(client, personas):
    Membership.objects.create(user=personas.admin, authority=personas.partner, role="officer")
    client.force_login(personas.admin)
    response = client.get(reverse("councils:home"))
    assert response["Location"] == reverse("councils:people", args=[personas.lead.pk])
    client.post(reverse("councils:switch"), {"council": personas.partner.pk})
    assert client.get(reverse("councils:home")).status_code == 403  # only an officer there
    page = client.get("/").content.decode()
    assert "Your council" not in page[: page.index("</section>")]  # the service navigation


@pytest.mark.parametrize("who", ["officer", "member", "admin", "outsider"])
def test_everyone_may_open_the_switch_page(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("councils:switch")).status_code == 200
