"""What a signed-in person is shown is never kept by a shared cache or on a shared computer's
disk (councilopts.middleware.private_no_store); static files keep their long caching."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "appraisal",
        "results",
        "options",
        "history",
        "export-json",
        "export-xlsx",
        "export-scores-csv",
    ],
)
def test_appraisal_pages_and_exports_are_private_and_not_stored(client, personas, name):
    client.force_login(personas.officer)
    response = client.get(reverse(f"appraisals:{name}", args=[personas.appraisal.reference]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_home_and_a_refusal_are_not_stored_either(client, personas):
    client.force_login(personas.outsider)
    assert client.get(reverse("appraisals:home"))["Cache-Control"] == "private, no-store"
    response = client.get(reverse("appraisals:appraisal", args=[personas.appraisal.reference]))
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_a_view_that_chose_private_caching_keeps_it(client, personas):
    client.force_login(personas.officer)
    response = client.get(reverse("appraisals:report-preview", args=[personas.appraisal.reference]))
    assert response["Cache-Control"] == "private, no-cache"


def test_the_sign_in_page_keeps_djangos_never_cache(client, db):
    response = client.get(reverse("login"))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_static_files_stay_cacheable_for_a_signed_in_person(client, personas, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/, collected or not
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(personas.officer)
    response = client.get("/static/build/councilopts.css")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
