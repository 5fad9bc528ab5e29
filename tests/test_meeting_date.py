"""The date of the meeting is edited in one place, the scope, with its day, month and year
boxes. The report page and the check page show it and link there; a report save cannot
change it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from appraisals.models import Appraisal, Change
from tests.test_report_views import REF, form_data, url
from tests.test_reports_data import make_report_appraisal


@pytest.fixture
def appraisal(personas) -> Appraisal:
    return make_report_appraisal(options=2, criteria=2, panels=1, risks=1)


@pytest.fixture
def officer(client, personas, appraisal):
    client.force_login(personas.officer)
    return client


SCOPE = reverse("appraisals:scope-edit", args=[REF])


def test_the_report_page_shows_the_date_and_links_to_the_scope(officer, appraisal):
    page = officer.get(url("report")).content.decode()
    assert 'name="meeting_date"' not in page
    assert "31 October 2011" in page
    assert f'href="{SCOPE}#id_meeting_day"' in page
    scope = officer.get(SCOPE).content.decode()
    for part in ("meeting_day", "meeting_month", "meeting_year"):
        assert f'name="{part}"' in scope
    assert 'id="id_meeting_day"' in scope


def test_a_report_save_leaves_the_meeting_date_alone(officer, appraisal):
    data = form_data(appraisal, committee_name="Cabinet")
    data["meeting_date"] = "01/01/2030"  # as an old form would have sent it
    assert officer.post(url("report"), data).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.committee_name == "Cabinet"
    assert appraisal.meeting_date == datetime.date(2011, 10, 31)
    assert not Change.objects.filter(field="meeting_date").exists()


def test_the_scope_changes_it_and_the_report_page_shows_the_new_date(officer, appraisal):
    data = {
        "title": appraisal.title,
        "services": [s.pk for s in appraisal.services.all()],
        "partners": [p.pk for p in appraisal.partners.all()],
        "scale_min": appraisal.scale_min,
        "scale_max": appraisal.scale_max,
        "status": appraisal.status,
        "meeting_day": 12,
        "meeting_month": 3,
        "meeting_year": 2026,
    }
    response = officer.post(SCOPE, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    appraisal.refresh_from_db()
    assert appraisal.meeting_date == datetime.date(2026, 3, 12)
    assert "12 March 2026" in officer.get(url("report")).content.decode()


def test_a_missing_date_is_fixed_in_the_scope_from_the_check_page(officer, appraisal):
    Appraisal.objects.filter(pk=appraisal.pk).update(meeting_date=None)
    page = officer.get(url("report-check")).content.decode()
    assert f'<a href="{SCOPE}#id_meeting_day">Enter the date of the meeting</a>' in page
    # and the check list's own "Change" for the date goes there too
    change = f'href="{SCOPE}#id_meeting_day">Change<span class="govuk-visually-hidden"> date of'
    assert change in page
    report = officer.get(url("report")).content.decode()
    assert "Set the date of the meeting in the scope" in report
