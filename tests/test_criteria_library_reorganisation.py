"""The criteria library's sets for local government reorganisation: the government's six
criteria for unitary proposals (February 2025) and a set for social care partnerships across
new unitary councils (July 2025), each naming its source, ready to add to an appraisal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals.models import CriteriaSet, LibraryCriterion
from tests.test_load_demo import load_demo

UNITARY, SOCIAL_CARE = "lgr-unitary-criteria-2025", "lgr-social-care-partnership-2025"


@pytest.fixture
def library(db):
    load_demo()
    return {s.key: s for s in CriteriaSet.objects.filter(key__in=[UNITARY, SOCIAL_CARE])}


def test_the_six_unitary_criteria_from_the_february_2025_letters(library):
    unitary = library[UNITARY]
    assert "5 February 2025" in unitary.source and "invitation" in unitary.source
    assert "February 2025" in unitary.description and "our own words" in unitary.description
    assert "not a hard target" in unitary.description
    names = list(unitary.criteria.values_list("name", flat=True))
    assert len(names) == 6
    for word in ("whole area", "size", "services", "together", "devolution", "community"):
        assert any(word in name.lower() for name in names), word


def test_the_social_care_partnership_set_from_the_july_2025_document(library):
    care = library[SOCIAL_CARE]
    assert "partnership working in social care" in care.source and "July 2025" in care.source
    assert "July 2025" in care.description and "our own words" in care.description
    # The document's own considerations could not be read in full: the description says the
    # criteria are ours rather than passing them off as the government's list.
    assert "not a list the document sets out" in care.description
    assert care.criteria.count() >= 6


@pytest.mark.parametrize("key", [UNITARY, SOCIAL_CARE])
def test_each_set_fits_its_fields(library, key):
    # SQLite does not enforce a CharField's length; PostgreSQL refuses the whole load.
    for field in ("name", "source"):
        limit = CriteriaSet._meta.get_field(field).max_length
        assert len(getattr(library[key], field)) <= limit, field


@pytest.mark.parametrize("key", [UNITARY, SOCIAL_CARE])
def test_every_criterion_says_what_it_means_and_how_to_score_it(library, key):
    for criterion in library[key].criteria.all():
        assert len(criterion.description) > 40, criterion.key
        levels = [line.split(" = ")[0] for line in criterion.guidance.splitlines()]
        assert levels == ["0", "3", "5"], criterion.key


def test_loading_again_changes_nothing(library):
    before = list(LibraryCriterion.objects.values_list("pk", "name", "description"))
    load_demo()
    assert list(LibraryCriterion.objects.values_list("pk", "name", "description")) == before


def test_an_officer_takes_the_unitary_criteria_into_an_appraisal(client, personas, library):
    client.force_login(personas.officer)
    page = client.get(reverse("appraisals:criteria-library")).content.decode()
    assert library[UNITARY].name.replace("'", "&#x27;") in page
    picked = list(library[UNITARY].criteria.values_list("pk", flat=True))
    response = client.post(
        reverse("appraisals:criteria-from-library", args=[personas.appraisal.reference]),
        {"library_criteria": picked},
    )
    assert response.status_code == 302
    added = personas.appraisal.criteria.filter(key__in=["whole-area", "right-size"])
    assert added.count() == 2
    set_page = client.get(reverse("appraisals:criteria-set", args=[UNITARY])).content.decode()
    assert "Supports devolution" in set_page
