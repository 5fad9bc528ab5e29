"""Nothing published can change (issue 13, points 1 and 3): a published record of decision is
kept as it was, PDF and all, and the database refuses to change or delete it; a statutory
sign-off cannot be altered either. A correction after publication is a new version, with its
reason; the download serves the file as it was published."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from pypdf import PdfReader

from appraisals import actions
from appraisals.models import Appraisal, Change, Decision, PublishedDecision, SignOff
from tests.factories import make_user
from tests.test_decision import appraisal as appraisal  # noqa: F401 - the fixture
from tests.test_decision import decide, decision_post, fields, issue, loaded_stamp, outcomes, url


def read(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )


@pytest.fixture
def published(personas, appraisal) -> PublishedDecision:
    issue(appraisal)
    decision = decide(appraisal, personas.officer)
    return decision.publications.get()


def correct(appraisal: Appraisal, user, reason: str, **changes) -> Decision:
    version = appraisal.report_versions.order_by("-number").first()
    return actions.record_decision(
        appraisal=appraisal,
        user=user,
        fields=fields(**changes),
        outcomes=outcomes(version),
        reason=reason,
    )


# Publishing keeps the PDF ------------------------------------------------------------------


def test_publishing_keeps_the_pdf_and_what_it_said(personas, published):
    assert published.number == 1 and published.reason == ""
    assert published.published_by == personas.officer
    assert bytes(published.pdf).startswith(b"%PDF")
    assert published.sha256 == hashlib.sha256(bytes(published.pdf)).hexdigest()
    assert published.record["fields"]["minute_reference"] == "CAB 26/101"
    assert published.record["fields"]["published_on"] == "2026-12-21"
    assert [r["outcome"] for r in published.record["recommendations"]] == ["agreed", "agreed"]
    assert "CAB 26/101" in read(bytes(published.pdf))
    assert Change.objects.filter(
        kind="decision", field="published", new=f"SHA-256 {published.sha256}"
    ).exists()


def test_an_unpublished_record_keeps_nothing_until_it_is_published(personas, appraisal):
    issue(appraisal)
    decision = decide(appraisal, personas.officer, published_on=None)
    assert not decision.publications.exists()
    decide(appraisal, personas.officer)
    assert decision.publications.count() == 1


def test_the_download_is_the_file_published_not_a_new_rendering(client, personas, published):
    client.force_login(personas.member)
    response = client.get(url("decision-pdf"))
    assert response.status_code == 200
    assert response.content == bytes(published.pdf)
    assert response["ETag"] == f'"{published.sha256}"'
    numbered = client.get(url("decision-published-pdf", 1))
    assert numbered.content == bytes(published.pdf)
    assert client.get(url("decision-published-pdf", 2)).status_code == 404


def test_another_council_cannot_download_a_published_version(client, personas, published):
    client.force_login(personas.outsider)
    assert client.get(url("decision-published-pdf", 1)).status_code == 404


def test_a_call_in_after_publication_is_not_a_correction(personas, published, appraisal):
    decide(appraisal, personas.officer, call_in_status="called-in")
    assert PublishedDecision.objects.count() == 1
    assert Decision.objects.get().call_in_status == "called-in"


def test_a_correction_without_a_reason_is_refused_and_writes_nothing(
    personas, published, appraisal
):
    before = Change.objects.count()
    with pytest.raises(actions.NotAllowed, match="give the reason for the correction"):
        decide(appraisal, personas.officer, minute_reference="CAB 26/102")
    assert Decision.objects.get().minute_reference == "CAB 26/101"
    assert PublishedDecision.objects.count() == 1 and Change.objects.count() == before


def test_a_correction_is_published_as_a_new_version_and_the_first_stays(
    client, personas, published, appraisal
):
    first = bytes(published.pdf)
    correct(
        appraisal,
        personas.officer,
        "The minute number was mistyped.",
        minute_reference="CAB 26/102",
    )
    second = PublishedDecision.objects.get(number=2)
    assert second.reason == "The minute number was mistyped."
    assert second.record["fields"]["minute_reference"] == "CAB 26/102"
    published.refresh_from_db()
    assert bytes(published.pdf) == first and published.record["fields"]["minute_reference"] == (
        "CAB 26/101"
    )
    text = read(bytes(second.pdf))
    assert "CAB 26/102" in text and "Corrections" in text
    assert "The minute number was mistyped." in text
    client.force_login(personas.member)
    assert client.get(url("decision-pdf")).content == bytes(second.pdf)
    assert client.get(url("decision-published-pdf", 1)).content == first
    page = client.get(url("decision")).content.decode()
    assert "Published versions" in page and "The minute number was mistyped." in page


def test_a_published_record_is_never_unpublished(personas, published, appraisal):
    with pytest.raises(actions.NotAllowed, match="stays published"):
        correct(appraisal, personas.officer, "Oops", published_on=None)
    assert Decision.objects.get().published_on == dt.date(2026, 12, 21)


def test_the_form_asks_for_the_reason_of_a_correction(client, personas, appraisal):
    version = issue(appraisal)
    client.force_login(personas.officer)
    first = client.post(
        url("decision-edit"), decision_post(version, loaded_stamp(client.get(url("decision-edit"))))
    )
    assert first.status_code == 302 and PublishedDecision.objects.count() == 1
    page = client.get(url("decision-edit"))
    assert "Why are you correcting the published record?" in page.content.decode()
    data = decision_post(version, loaded_stamp(page), minute_reference="CAB 26/102")
    refused = client.post(url("decision-edit"), data)
    assert refused.status_code == 200
    assert "Enter why you are correcting the published record" in refused.content.decode()
    assert PublishedDecision.objects.count() == 1
    # Only the call-in changed: no reason is asked for and nothing is published again.
    called_in = decision_post(version, loaded_stamp(page), call_in_status="called-in")
    assert client.post(url("decision-edit"), called_in).status_code == 302
    assert PublishedDecision.objects.count() == 1
    data = decision_post(
        version,
        loaded_stamp(client.get(url("decision-edit"))),
        minute_reference="CAB 26/102",
        call_in_status="called-in",
        correction_reason="The minute number was mistyped.",
    )
    assert client.post(url("decision-edit"), data).status_code == 302
    assert PublishedDecision.objects.get(number=2).reason == "The minute number was mistyped."


# The database refuses to change a published record ----------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"pdf": b"%PDF-1.7 forged"},
        {"sha256": "f" * 64},
        {"record": {"fields": {"reasons": "Forged"}}},
        {"reason": "Forged"},
        {"number": 7},
    ],
)
def test_the_database_refuses_an_update_of_a_published_record(published, change):
    with pytest.raises(DatabaseError), transaction.atomic():
        PublishedDecision.objects.filter(pk=published.pk).update(**change)
    kept = PublishedDecision.objects.get(pk=published.pk)
    assert bytes(kept.pdf) == bytes(published.pdf) and kept.number == 1


def test_raw_sql_cannot_change_or_delete_a_published_record(published):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appraisals_publisheddecision SET sha256 = %s WHERE id = %s",
            ["1" * 64, published.pk],
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM appraisals_publisheddecision WHERE id = %s", [published.pk])
    assert PublishedDecision.objects.filter(pk=published.pk).exists()


def test_deleting_the_person_who_published_it_keeps_the_record(personas, appraisal):
    clerk = make_user("clerk", personas.lead, "officer")
    issue(appraisal)
    published = decide(appraisal, clerk).publications.get()
    clerk.delete()
    published.refresh_from_db()
    assert published.published_by is None and bytes(published.pdf).startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_kept_records_and_keeps_their_triggers(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer)
    triggers = _triggers()
    call_command("flush", verbosity=0, interactive=False)
    assert not PublishedDecision.objects.exists()
    assert _triggers() == triggers


def _triggers() -> set[str]:
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {name for (name,) in cursor.fetchall()}


# The database refuses to change a statutory sign-off --------------------------------------


def sign_off(appraisal: Appraisal, user=None) -> SignOff:
    return SignOff.objects.create(
        appraisal=appraisal,
        section=SignOff.Section.FINANCIAL,
        signed_by=user,
        name="Jane Smith",
        role="Chief Finance Officer",
        sha256="a" * 64,
        text="The costs are affordable.",
    )


@pytest.mark.parametrize(
    "change",
    [{"sha256": "f" * 64}, {"text": "Forged"}, {"name": "Someone else"}, {"section": "legal"}],
)
def test_the_database_refuses_an_update_of_a_sign_off(personas, appraisal, change):
    signed = sign_off(appraisal, personas.officer)
    with pytest.raises(DatabaseError), transaction.atomic():
        SignOff.objects.filter(pk=signed.pk).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appraisals_signoff SET signed_at = %s WHERE id = %s",
            [dt.datetime(2020, 1, 1, tzinfo=dt.UTC), signed.pk],
        )
    kept = SignOff.objects.get(pk=signed.pk)
    assert kept.sha256 == "a" * 64 and kept.text == "The costs are affordable."


def test_deleting_the_officer_who_signed_keeps_the_sign_off(personas, appraisal):
    cfo = make_user("cfo", personas.lead, "officer")
    signed = sign_off(appraisal, cfo)
    cfo.delete()
    signed.refresh_from_db()
    assert signed.signed_by is None and signed.name == "Jane Smith"


def test_the_database_refuses_to_delete_a_sign_off_once_a_version_is_issued(personas, appraisal):
    """On both databases (PostgreSQL: migration 0015; SQLite: 0018)."""
    signed = sign_off(appraisal)
    issue(appraisal)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM appraisals_signoff WHERE id = %s", [signed.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        SignOff.objects.filter(pk=signed.pk).delete()
    assert SignOff.objects.filter(pk=signed.pk).exists()


def test_a_never_issued_draft_is_still_deleted_with_its_sign_offs(personas, appraisal):
    sign_off(appraisal)
    actions.delete_appraisal(appraisal=appraisal, user=personas.officer)
    assert not SignOff.objects.exists() and not Appraisal.objects.filter(pk=appraisal.pk).exists()
