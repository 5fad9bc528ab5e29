"""The interchange document's `after_decision` section (this project's extension, in
appraisals/interchange/format.md): declarations of interest with their history, the record
of decision, milestones and actual figures, exported for downloads and backups, validated
with paths, and imported back, with documents from before it still importing the same."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from appraisals import actions, interests
from appraisals.interchange import (
    InvalidDocument,
    export_document,
    import_document,
    validate_document,
)
from appraisals.models import ActualYear, Appraisal, Decision, Interest, Milestone
from tests.test_decision import appraisal as appraisal  # noqa: F401 - the fixture
from tests.test_decision import decide, issue


def after(personas, appraisal: Appraisal) -> None:
    """Declarations (one amended, one withdrawn), two milestones and a year of actuals."""
    option = appraisal.options.get(key="option-1")
    dpi = interests.declare(
        appraisal=appraisal,
        user=personas.member,
        kind="disclosable_pecuniary",
        options=[option],
        description="Director of a bidder",
    )
    interests.amend(
        interest=dpi,
        user=personas.member,
        reason="The company bids for both",
        kind="disclosable_pecuniary",
        options=list(appraisal.options.all()),
        description="Director of a bidder for both",
    )
    other = interests.declare(
        appraisal=appraisal, user=personas.officer, kind="other_registrable", description="Union"
    )
    interests.withdraw(interest=other, user=personas.officer, reason="I left the union")
    Milestone.objects.create(appraisal=appraisal, name="Consultation", due_on=dt.date(2027, 3, 31))
    Milestone.objects.create(
        appraisal=appraisal,
        name="Go live",
        due_on=dt.date(2027, 9, 1),
        status="done",
        completed_on=dt.date(2027, 8, 30),
        note="A day early",
    )
    ActualYear.objects.create(appraisal=appraisal, year=1, costs=20_000, savings=45_500.5)


def test_the_section_is_written_only_for_downloads_and_when_there_is_something(personas, appraisal):
    assert "after_decision" not in export_document(appraisal, after=True)
    after(personas, appraisal)
    assert "after_decision" not in export_document(appraisal)  # the evaluation's document
    section = export_document(appraisal, after=True)["after_decision"]
    assert [d["person"] for d in section["declarations"]] == ["bob", "bob", "alice"]
    first, amended, withdrawn = section["declarations"]
    assert first["replaced_by"] == 1 and first["end_reason"] == "The company bids for both"
    everyone = [o.key for o in appraisal.options.all()]
    assert amended["options"] == everyone and len(everyone) > 1 and amended["ended_at"] is None
    assert withdrawn["ended_at"] and withdrawn["replaced_by"] is None
    assert [m["name"] for m in section["milestones"]] == ["Consultation", "Go live"]
    assert section["actuals"] == [{"year": 1, "costs": 20000, "savings": 45500.5, "note": ""}]


def test_it_round_trips_through_import(personas, appraisal):
    after(personas, appraisal)
    doc = export_document(appraisal, after=True)
    copy = json.loads(json.dumps({**doc, "reference": "copied"}))
    assert validate_document(copy) == []
    imported = import_document(document=copy).appraisal
    assert export_document(imported, after=True) == copy
    standing = Interest.objects.filter(appraisal=imported, ended_at__isnull=True)
    assert [i.description for i in standing] == ["Director of a bidder for both"]
    barred = interests.barred_options(personas.member, imported)
    assert len(barred) == imported.options.count()


def test_a_document_from_before_the_section_imports_as_it_did(personas, appraisal):
    doc = export_document(appraisal)
    imported = import_document(document={**doc, "reference": "older"}).appraisal
    assert export_document(imported, after=True) == {**doc, "reference": "older"}
    assert not Milestone.objects.filter(appraisal=imported).exists()


def test_someone_this_installation_does_not_know_becomes_an_inactive_account(personas, appraisal):
    after(personas, appraisal)
    doc = export_document(appraisal, after=True)
    doc["after_decision"]["declarations"][2]["person"] = "stranger"
    imported = import_document(document={**doc, "reference": "elsewhere"}).appraisal
    stranger = get_user_model().objects.get(username="stranger")
    assert not stranger.is_active and not stranger.has_usable_password()
    assert Interest.objects.filter(appraisal=imported, user=stranger).count() == 1


def test_the_record_of_decision_is_restored_where_its_version_is(personas, appraisal):
    issue(appraisal)
    decide(appraisal, personas.officer, published_on=None)  # unpublished: may be removed
    actions.save_milestone(
        appraisal=appraisal,
        user=personas.officer,
        fields={"name": "Staff consultation ends", "due_on": dt.date(2027, 3, 31)},
    )
    doc = export_document(appraisal, after=True)
    assert doc["after_decision"]["decision"]["minute_reference"] == "CAB 26/101"
    Decision.objects.filter(appraisal=appraisal).delete()
    restored = import_document(document=json.loads(json.dumps(doc)), replace=True).appraisal
    assert Decision.objects.get(appraisal=restored).recommendations.count() == 2
    assert export_document(Appraisal.objects.get(pk=restored.pk), after=True) == doc
    # A fresh installation has no issued version to hang it on: left out, as versions are.
    elsewhere = import_document(document={**doc, "reference": "fresh"}).appraisal
    assert not Decision.objects.filter(appraisal=elsewhere).exists()
    assert Milestone.objects.filter(appraisal=elsewhere).count() == 1


@pytest.mark.parametrize(
    ("where", "field", "value", "path"),
    [
        ("declarations", "kind", "grudge", "declarations[0].kind"),
        ("declarations", "options", ["nope"], "declarations[0].options[0]"),
        ("declarations", "replaced_by", 9, "declarations[0].replaced_by"),
        ("declarations", "end_reason", "", "declarations[0].end_reason"),
        ("declarations", "declared_at", "yesterday", "declarations[0].declared_at"),
        ("milestones", "status", "lost", "milestones[0].status"),
        ("milestones", "due_on", "2027-02-30", "milestones[0].due_on"),
        ("actuals", "costs", -1, "actuals[0].costs"),
    ],
)
def test_a_bad_section_is_refused_with_its_path(personas, appraisal, where, field, value, path):
    after(personas, appraisal)
    doc = json.loads(json.dumps(export_document(appraisal, after=True)))
    assert validate_document(doc) == []
    doc["after_decision"][where][0][field] = value
    assert f"after_decision.{path}" in {p.path for p in validate_document(doc)}
    with pytest.raises(InvalidDocument):
        import_document(document={**doc, "reference": "refused"})
    assert not Appraisal.objects.filter(reference="refused").exists()


def test_a_year_given_twice_is_refused(personas, appraisal):
    after(personas, appraisal)
    doc = json.loads(json.dumps(export_document(appraisal, after=True)))
    doc["after_decision"]["actuals"].append(dict(doc["after_decision"]["actuals"][0]))
    assert "after_decision.actuals[1].year" in {p.path for p in validate_document(doc)}


def test_the_json_download_carries_the_section(client, personas, appraisal):
    after(personas, appraisal)
    client.force_login(personas.member)
    response = client.get(reverse("appraisals:export-json", args=[appraisal.reference]))
    assert response.status_code == 200
    assert json.loads(response.content)["after_decision"]["actuals"][0]["year"] == 1


def test_someone_who_may_not_read_exempt_figures_downloads_no_actuals(client, personas, appraisal):
    after(personas, appraisal)
    actions.mark_exempt(
        appraisal=appraisal,
        user=personas.officer,
        kind="finance",
        option=appraisal.options.get(key="option-1"),
        paragraph=3,
        reason="The bids are commercially confidential until the contract is let.",
    )
    url = reverse("appraisals:export-json", args=[appraisal.reference])
    client.force_login(personas.partner_officer)
    section = json.loads(client.get(url).content)["after_decision"]
    assert "actuals" not in section and section["milestones"]
    client.force_login(personas.officer)
    assert "actuals" in json.loads(client.get(url).content)["after_decision"]
