"""The Django admin: appraisal data read-only for everyone (it changes only in the app, where
changes are checked, made in one transaction and kept in the history), and a staff account that
is not a superuser sees only its own councils' appraisals and nothing of accounts or councils."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from appraisals.models import Appraisal, Option
from tests.factories import make_appraisal

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def elsewhere(personas) -> Appraisal:
    """An appraisal of a council ada has nothing to do with."""
    return make_appraisal(personas.unrelated, reference="faraway-1")


def test_a_superuser_sees_every_council_but_cannot_change_appraisal_data(
    client, personas, superuser, elsewhere
):
    client.force_login(superuser)
    listing = client.get(reverse("admin:appraisals_appraisal_changelist"))
    assert listing.status_code == 200
    assert personas.appraisal.reference in listing.text and elsewhere.reference in listing.text
    change_url = reverse("admin:appraisals_appraisal_change", args=[personas.appraisal.pk])
    assert client.get(change_url).status_code == 200  # to read
    title = personas.appraisal.title
    response = client.post(change_url, {"title": "Changed behind the history's back"})
    assert response.status_code == 403
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.title == title
    option = Option.objects.filter(appraisal=personas.appraisal).first()
    for url in (
        reverse("admin:appraisals_appraisal_add"),
        reverse("admin:appraisals_appraisal_delete", args=[personas.appraisal.pk]),
        reverse("admin:appraisals_option_delete", args=[option.pk]),
        reverse("admin:appraisals_score_add"),
    ):
        assert client.get(url).status_code == 403, url
    # Councils, accounts and the catalogue are the superuser's to manage.
    assert client.get(reverse("admin:appraisals_authority_add")).status_code == 200
    assert client.get(reverse("admin:appraisals_membership_changelist")).status_code == 200


def test_staff_who_are_not_superusers_see_only_their_councils_appraisals(
    client, personas, elsewhere
):
    client.force_login(personas.admin)  # ada: administrator of the lead council, staff
    listing = client.get(reverse("admin:appraisals_appraisal_changelist"))
    assert listing.status_code == 200
    assert personas.appraisal.reference in listing.text
    assert elsewhere.reference not in listing.text
    for option in Option.objects.filter(appraisal=elsewhere):
        url = reverse("admin:appraisals_option_change", args=[option.pk])
        assert client.get(url).status_code == 302  # "doesn't exist", back to the index
    own = reverse("admin:appraisals_appraisal_change", args=[personas.appraisal.pk])
    assert client.get(own).status_code == 200
    assert client.post(own, {"title": "x"}).status_code == 403
    # No councils, memberships or catalogue: ada cannot make herself an officer elsewhere.
    for name in ("authority", "membership", "deliverymodel", "criteriaset", "service"):
        assert client.get(reverse(f"admin:appraisals_{name}_changelist")).status_code == 403
    assert client.get(reverse("admin:appraisals_membership_add")).status_code == 403
    index = client.get(reverse("admin:index")).text
    assert "Memberships" not in index and "Appraisals" in index
