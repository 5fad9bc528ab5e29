"""Issued means frozen: an issued appraisal refuses every change until an officer reopens it
for a new version with a reason, and an issued version cannot be altered by any code path."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from appraisals import interchange
from appraisals.frozen import OPEN_WHEN_ISSUED
from appraisals.models import Appraisal, Change, ReportVersion
from tests.factories import make_user
from tests.test_report_views import REF, form_data, issue, url
from tests.test_reports_data import make_report_appraisal, meeting_ahead


@pytest.fixture
def appraisal(personas) -> Appraisal:
    return meeting_ahead(make_report_appraisal(options=2, criteria=3, panels=2, risks=2))


def freeze(appraisal: Appraisal, user=None) -> ReportVersion:
    """Issued as version 1, as `issue_report` leaves it (without rendering a PDF)."""
    version = ReportVersion.objects.create(
        appraisal=appraisal,
        number=1,
        issued_by=user,
        snapshot=interchange.export_document(appraisal),
        pdf=b"%PDF-1.7 issued",
        sha256="0" * 64,
        html="<p>Issued</p>",
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.ISSUED)
    return version


def state(appraisal: Appraisal) -> tuple:
    appraisal = Appraisal.objects.get(pk=appraisal.pk)
    return interchange.export_document(appraisal), Change.objects.count()


# The database refuses any change to an issued version ------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"pdf": b"%PDF-1.7 forged"},
        {"html": "<p>Forged</p>"},
        {"sha256": "f" * 64},
        {"snapshot": {"title": "Forged"}},
        {"number": 7},
    ],
)
def test_the_database_refuses_an_update_of_an_issued_version(personas, appraisal, change):
    version = freeze(appraisal, personas.officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportVersion.objects.filter(pk=version.pk).update(**change)
    version.refresh_from_db()
    assert version.pdf == b"%PDF-1.7 issued" and version.number == 1


def test_saving_a_changed_version_through_the_model_is_refused_too(personas, appraisal):
    version = freeze(appraisal)
    version.html = "<p>Forged</p>"
    with pytest.raises(DatabaseError), transaction.atomic():
        version.save()


def test_raw_sql_cannot_change_a_version_either(personas, appraisal):
    version = freeze(appraisal)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appraisals_reportversion SET sha256 = %s WHERE id = %s", ["1" * 64, version.pk]
        )


def test_deleting_the_person_who_issued_it_keeps_the_version(personas, appraisal):
    issuer = make_user("issuer", personas.lead, "officer")
    version = freeze(appraisal, issuer)
    issuer.delete()
    version.refresh_from_db()
    assert version.issued_by is None and version.pdf == b"%PDF-1.7 issued"


# Every change is refused while issued ------------------------------------------------------


def _edits(appraisal: Appraisal) -> list[tuple[str, dict]]:
    option = appraisal.options.order_by("pk").first()
    panel = appraisal.panels.order_by("pk").first()
    criterion = appraisal.criteria.order_by("pk").first()
    return [
        (url("scope-edit"), {"title": "Changed"}),
        (url("option-add"), {"delivery_model": "in-house"}),
        (url("option-edit", option.key), {"name": "Changed"}),
        (url("option-remove", option.key), {}),
        (url("criterion-add"), {"name": "New"}),
        (url("criterion-edit", criterion.key), {"name": "Changed"}),
        (url("weights"), {}),
        (url("panel-edit", panel.key), {"name": "Changed"}),
        (url("risk-add"), {"description": "New risk", "likelihood": 3, "impact": 3}),
        (url("finance-edit", option.key), {}),
        (url("scoring", panel.key), {}),
        (url("report"), form_data(appraisal, narrative_legal="Changed.")),
        (url("report-issue"), {}),
        (reverse("appraisals:appraisal-replace", args=[REF]), {}),
    ]


def test_an_issued_appraisal_refuses_every_change_with_a_clear_message(client, personas, appraisal):
    freeze(appraisal)
    client.force_login(personas.officer)
    before = state(appraisal)
    back = "http://testserver" + url("options")  # the page the form was on
    for path, data in _edits(appraisal):
        response = client.post(path, data, headers={"referer": back})
        assert response.status_code == 302, path
        assert response["Location"] == back
        page = client.get(response["Location"]).content.decode()
        assert "This appraisal cannot be changed: version 1 of its report was issued on" in page
        assert state(appraisal) == before, path


def test_without_a_referer_or_from_another_site_it_goes_to_the_overview(
    client, personas, appraisal
):
    freeze(appraisal)
    client.force_login(personas.officer)
    for headers in ({}, {"referer": "https://evil.example/options/"}):
        response = client.post(url("scope-edit"), {"title": "Changed"}, headers=headers)
        assert response["Location"] == appraisal.get_absolute_url()


def test_an_htmx_save_is_sent_to_a_full_page_that_says_why(client, personas, appraisal):
    freeze(appraisal)
    client.force_login(personas.officer)
    panel = appraisal.panels.order_by("pk").first()
    response = client.post(url("scoring", panel.key), {}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == appraisal.get_absolute_url()


def test_another_council_still_gets_404_not_the_frozen_message(client, personas, appraisal):
    freeze(appraisal)
    client.force_login(personas.outsider)
    assert client.post(url("scope-edit"), {"title": "Changed"}).status_code == 404


def test_members_may_still_ask_questions_about_an_issued_appraisal(client, personas, appraisal):
    freeze(appraisal)
    assert "questions" in OPEN_WHEN_ISSUED
    client.force_login(personas.member)
    client.post(url("questions"), {"text": "When will the savings start?"})
    assert appraisal.questions.filter(text="When will the savings start?").exists()


def test_the_banner_says_it_is_issued_and_offers_officers_a_reopen(client, personas, appraisal):
    freeze(appraisal)
    client.force_login(personas.officer)
    page = client.get(url("options")).content.decode()
    assert "Version 1 was issued on" in page and "The appraisal cannot be changed." in page
    assert url("report-reopen") in page
    client.force_login(personas.member)
    page = client.get(url("appraisal")).content.decode()
    assert "The appraisal cannot be changed." in page
    assert url("report-reopen") not in page


# Reopening ---------------------------------------------------------------------------------


def test_reopening_needs_a_reason(client, personas, appraisal):
    freeze(appraisal)
    client.force_login(personas.officer)
    response = client.post(url("report-reopen"), {"reason": ""})
    assert "Enter why you are reopening the appraisal" in response.content.decode()
    assert Appraisal.objects.get(pk=appraisal.pk).status == Appraisal.Status.ISSUED


@pytest.mark.parametrize("persona", ["member", "partner_officer"])
def test_only_the_lead_council_s_officers_reopen(client, personas, appraisal, persona):
    freeze(appraisal)
    client.force_login(getattr(personas, persona))
    assert client.post(url("report-reopen"), {"reason": "Because"}).status_code == 403
    assert Appraisal.objects.get(pk=appraisal.pk).status == Appraisal.Status.ISSUED


def test_another_council_gets_404_on_reopen(client, personas, appraisal):
    freeze(appraisal)
    client.force_login(personas.outsider)
    assert client.get(url("report-reopen")).status_code == 404


def test_reopening_records_the_reason_and_every_page_says_what_changed_since(
    client, personas, appraisal
):
    freeze(appraisal)
    client.force_login(personas.officer)
    reason = "The committee deferred the decision and asked for a fourth option."
    response = client.post(url("report-reopen"), {"reason": reason}, follow=True)
    assert "They will be issued as version 2." in response.content.decode()
    assert Appraisal.objects.get(pk=appraisal.pk).status == Appraisal.Status.REVIEW
    change = Change.objects.get(field="reopened")
    assert change.new == reason and change.user == personas.officer
    for name in ("appraisal", "options", "results", "history", "report"):
        page = client.get(url(name)).content.decode()
        assert "Changed since version 1, issued on" in page, name
    # Changes are allowed again: the middleware lets the request through to the view.
    response = client.post(url("report"), form_data(appraisal, narrative_legal="Reopened."))
    assert Appraisal.objects.get(pk=appraisal.pk).narrative["legal"] == "Reopened."


def test_issue_reopen_change_and_issue_version_two(client, personas, appraisal):
    client.force_login(personas.officer)
    assert issue(client, appraisal).status_code == 302
    assert Appraisal.objects.get(pk=appraisal.pk).status == Appraisal.Status.ISSUED
    # Frozen: the narrative cannot change.
    client.post(url("report"), form_data(appraisal, narrative_legal="Changed."))
    assert "Changed." not in str(Appraisal.objects.get(pk=appraisal.pk).narrative)
    client.post(url("report-reopen"), {"reason": "A fourth option was asked for."})
    client.post(url("report"), form_data(appraisal, narrative_legal="Changed."))
    assert Appraisal.objects.get(pk=appraisal.pk).narrative["legal"] == "Changed."
    issue(client, appraisal)
    versions = ReportVersion.objects.filter(appraisal=appraisal).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot != versions[1].snapshot
