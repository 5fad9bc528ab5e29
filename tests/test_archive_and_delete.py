"""Officers archive an appraisal (read-only, out of the default list, back with one click)
and delete a never-issued one after a confirmation page; its history outlives it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals.models import (
    Appraisal,
    Change,
    DraftReport,
    FinancialCase,
    Option,
    Question,
    ReportVersion,
    Score,
)
from tests.factories import make_appraisal
from tests.test_issued_frozen import freeze

ROLES = [("officer", 302), ("admin", 302), ("member", 403), ("partner_officer", 403),
         ("outsider", 404)]  # fmt: skip


def url(name: str, appraisal: Appraisal) -> str:
    return reverse(f"appraisals:{name}", args=[appraisal.reference])


def archive(client, appraisal, value="yes"):
    return client.post(url("appraisal-archive", appraisal), {"archived": value})


def titles(client, query="") -> str:
    table = client.get(reverse("appraisals:home") + query).context["table"]
    return [row.record.title for row in table.paginated_rows]


# Archiving ---------------------------------------------------------------------------------


def test_archiving_hides_it_from_the_list_until_asked_for(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    assert appraisal.title in titles(client)
    assert archive(client, appraisal).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.archived
    assert appraisal.title not in titles(client)
    assert appraisal.title not in titles(client, "?title=Appraisal")
    assert appraisal.title in titles(client, "?archived=on")
    page = client.get(reverse("appraisals:home") + "?archived=on").content.decode()
    assert "Archived (archived)" not in page and "(archived)" in page
    row = Change.objects.get(appraisal=appraisal, field="archived")
    assert (row.old, row.new, row.user) == ("no", "yes", personas.officer)


def test_an_archived_appraisal_refuses_changes_with_its_own_message(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    archive(client, appraisal)
    changes = Change.objects.count()
    option = appraisal.options.get(key="option-1")
    for path, data in [
        (url("scope-edit", appraisal), {"title": "Changed"}),
        (reverse("appraisals:option-edit", args=[appraisal.reference, "option-1"]), {"name": "X"}),
        (url("risk-add", appraisal), {"risk": "New"}),
        (url("questions", appraisal), {"text": "Why?"}),
    ]:
        response = client.post(path, data, follow=True)
        assert "This appraisal cannot be changed: it is archived." in response.content.decode()
    option.refresh_from_db()
    assert option.name == "Option 1" and Change.objects.count() == changes
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert "This appraisal is archived." in page and "Unarchive it" in page
    assert "Archive this appraisal" not in page


def test_unarchiving_opens_it_again(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    archive(client, appraisal)
    archive(client, appraisal, "no")
    appraisal.refresh_from_db()
    assert not appraisal.archived and appraisal.title in titles(client)
    response = client.post(url("scope-edit", appraisal), {"title": "Changed"}, follow=True)
    assert "it is archived" not in response.content.decode()
    assert Change.objects.filter(field="archived", old="yes", new="no").count() == 1


def test_archiving_twice_records_once(client, personas):
    client.force_login(personas.officer)
    archive(client, personas.appraisal)
    archive(client, personas.appraisal)
    assert Change.objects.filter(field="archived").count() == 1


def test_an_issued_appraisal_can_be_archived_and_stays_issued(client, personas):
    appraisal = personas.appraisal
    freeze(appraisal, personas.officer)
    client.force_login(personas.officer)
    assert archive(client, appraisal).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.archived and appraisal.status == Appraisal.Status.ISSUED
    archive(client, appraisal, "no")
    appraisal.refresh_from_db()
    assert not appraisal.archived
    response = client.post(url("scope-edit", appraisal), {"title": "Changed"}, follow=True)
    assert "report was issued" in response.content.decode()


def test_members_see_that_it_is_archived_without_the_unarchive_button(client, personas):
    client.force_login(personas.officer)
    archive(client, personas.appraisal)
    client.force_login(personas.member)
    page = client.get(personas.appraisal.get_absolute_url()).content.decode()
    assert "This appraisal is archived." in page and "Unarchive it" not in page
    assert personas.appraisal.title not in titles(client)


@pytest.mark.parametrize(("persona", "status"), ROLES)
def test_who_may_archive(client, personas, persona, status):
    client.force_login(getattr(personas, persona))
    assert archive(client, personas.appraisal).status_code == status
    personas.appraisal.refresh_from_db()
    assert personas.appraisal.archived == (status == 302)
    assert client.get(url("appraisal-archive", personas.appraisal)).status_code == (
        404 if status == 404 else 405
    )


# Deleting ----------------------------------------------------------------------------------


def delete(client, appraisal, **data):
    return client.post(url("appraisal-delete", appraisal), {"confirm": "on", **data})


def test_the_confirmation_page_says_what_goes(client, personas):
    client.force_login(personas.officer)
    page = client.get(url("appraisal-delete", personas.appraisal)).content.decode()
    assert f"Are you sure you want to delete {personas.appraisal.title}?" in page
    # a baseline and three options, three criteria, two panels, 4 × 3 × 2 scores
    assert "4 options, 3 criteria, 2 panels and 24 scores" in page


def test_deleting_needs_the_box_ticked(client, personas):
    client.force_login(personas.officer)
    response = client.post(url("appraisal-delete", personas.appraisal), {})
    assert response.status_code == 200
    assert "Confirm that you want to delete the appraisal" in response.content.decode()
    assert Appraisal.objects.filter(pk=personas.appraisal.pk).exists()


def test_deleting_removes_everything_and_keeps_the_history(client, personas):
    appraisal = personas.appraisal
    client.force_login(personas.officer)
    client.post(url("scope-edit", appraisal), {"title": appraisal.title, "scale_min": 0})
    Change.objects.create(appraisal=appraisal, kind="score", subject="A cell", old="1", new="2")
    Question.objects.create(appraisal=appraisal, asked_by=personas.member, text="Why?")
    DraftReport.objects.create(appraisal=appraisal, content_hash="0" * 64)
    FinancialCase.objects.create(option=appraisal.options.get(key="option-1"), costs=[1])
    before = Change.objects.filter(appraisal=appraisal).count()
    response = delete(client, appraisal)
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisals:deleted-appraisals")
    assert not Appraisal.objects.filter(pk=appraisal.pk).exists()
    assert not Option.objects.filter(appraisal_id=appraisal.pk).exists()
    assert not Score.objects.filter(panel__appraisal_id=appraisal.pk).exists()
    kept = Change.objects.filter(reference="test-appraisal", appraisal__isnull=True)
    assert kept.count() == before + 1
    assert set(kept.values_list("authority", flat=True)) == {personas.lead.pk}
    deletion = kept.get(field="deleted")
    assert deletion.user == personas.officer and deletion.subject == appraisal.title
    assert "led by Lead District Council, with 4 options" in deletion.old
    assert "1 financial case and 1 question" in deletion.old
    assert not Question.objects.filter(appraisal_id=appraisal.pk).exists()
    assert not DraftReport.objects.filter(appraisal_id=appraisal.pk).exists()


@pytest.mark.parametrize("persona", ["officer", "member", "admin"])
def test_the_lead_council_reads_the_deletion(client, personas, persona):
    title = personas.appraisal.title
    client.force_login(personas.officer)
    delete(client, personas.appraisal)
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("appraisals:deleted-appraisals"))
    page = response.content.decode()
    assert response.status_code == 200 and title in page and "test-appraisal" in page


@pytest.mark.parametrize("persona", ["partner_officer", "outsider"])
def test_other_councils_do_not_read_the_deletion(client, personas, persona):
    title = personas.appraisal.title
    client.force_login(personas.officer)
    delete(client, personas.appraisal)
    client.cookies.pop("messages", None)  # the officer's "is deleted" note is not theirs
    client.force_login(getattr(personas, persona))
    page = client.get(reverse("appraisals:deleted-appraisals")).content.decode()
    assert title not in page and "No appraisal of your council has been deleted." in page


@pytest.mark.parametrize(("persona", "status"), ROLES)
def test_who_may_delete(client, personas, persona, status):
    client.force_login(getattr(personas, persona))
    get_status = 200 if status == 302 else status
    assert client.get(url("appraisal-delete", personas.appraisal)).status_code == get_status
    assert delete(client, personas.appraisal).status_code == status
    assert Appraisal.objects.filter(pk=personas.appraisal.pk).exists() == (status != 302)


def test_an_issued_appraisal_is_never_deleted(client, personas):
    appraisal = personas.appraisal
    freeze(appraisal, personas.officer)
    client.force_login(personas.officer)
    page = client.get(url("appraisal-delete", appraisal)).content.decode()
    assert "cannot be deleted" in page and "Yes, delete" not in page
    assert "Delete this appraisal" not in client.get(appraisal.get_absolute_url()).content.decode()
    delete(client, appraisal)
    # reopened for a new version (a draft again), it still has its issued version
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.DRAFT)
    delete(client, appraisal)
    assert Appraisal.objects.filter(pk=appraisal.pk).exists()
    assert ReportVersion.objects.filter(appraisal=appraisal).count() == 1
    assert not Change.objects.filter(field="deleted").exists()


def test_an_archived_draft_can_still_be_deleted(client, personas):
    client.force_login(personas.officer)
    archive(client, personas.appraisal)
    assert delete(client, personas.appraisal).status_code == 302
    assert not Appraisal.objects.filter(pk=personas.appraisal.pk).exists()


def test_a_new_appraisal_with_the_old_reference_starts_a_clean_history(client, personas):
    client.force_login(personas.officer)
    delete(client, personas.appraisal)
    fresh = make_appraisal(personas.lead, reference="test-appraisal")
    page = client.get(url("history", fresh)).content.decode()
    assert "deleted" not in page.lower() or "Nothing has been changed yet." in page
    assert not fresh.changes.exists()
