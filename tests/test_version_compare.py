"""The "What changed" page: two issued versions compared, or the last one with now, for the
officers and members of the appraisal's councils (404 for any other)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals.models import Appraisal, ReportVersion, Score
from appraisals.results import evaluate, snapshot_of
from tests.test_reports_data import make_report_appraisal

REF = "report-test"


def url(**query) -> str:
    address = reverse("appraisals:version-compare", args=[REF])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def appraisal(personas) -> Appraisal:
    return make_report_appraisal(options=2, criteria=3, panels=2, risks=2)


def keep_version(appraisal: Appraisal, number: int) -> ReportVersion:
    """A version as `issue_report` keeps it (its snapshot built the same way), without the
    cost of rendering its PDF."""
    return ReportVersion.objects.create(
        appraisal=appraisal,
        number=number,
        snapshot=snapshot_of(evaluate(appraisal)),
        pdf=b"%PDF-1.7",
        sha256=f"{number}" * 64,
    )


def first_score(appraisal: Appraisal) -> Score:
    return (
        Score.objects.filter(panel__appraisal=appraisal)
        .select_related("panel", "option", "criterion")
        .order_by("pk")
        .first()
    )


def rescore(score: Score, value: float) -> None:
    Score.objects.filter(pk=score.pk).update(score=value)


@pytest.mark.parametrize("persona", ["officer", "member", "admin", "partner_officer"])
def test_each_role_of_the_appraisals_councils_reads_what_changed(
    client, personas, appraisal, persona
):
    keep_version(appraisal, 1)
    score = first_score(appraisal)
    rescore(score, 5 if score.score != 5 else 4)
    client.force_login(getattr(personas, persona))
    page = client.get(url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "What changed" in text and "From version 1 to now" in text
    new = 5 if score.score != 5 else 4
    assert (
        # "Panel 1" takes no "the" (changes._the_panel).
        f"{score.panel.name}&#x27;s score for {score.option.name} on "
        f"{score.criterion.name} went from {score.score:g} to {new} out of 5." in text
    )
    assert "No changes to risks." in text


@pytest.mark.parametrize("query", [{}, {"from": 1, "to": "now"}, {"from": 1, "to": 1}])
def test_another_council_gets_404(client, personas, appraisal, query):
    keep_version(appraisal, 1)
    client.force_login(personas.outsider)
    assert client.get(url(**query)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, appraisal):
    response = client.get(url())
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "login" in response["Location"] or "accounts" in response["Location"]


@pytest.mark.parametrize("query", [{"from": 9}, {"from": "now"}, {"from": 1, "to": 2}, {"to": "x"}])
def test_a_version_that_does_not_exist_is_404(client, personas, appraisal, query):
    keep_version(appraisal, 1)
    client.force_login(personas.officer)
    assert client.get(url(**query)).status_code == 404


def test_two_issued_versions_compared_in_either_order(client, personas, appraisal):
    keep_version(appraisal, 1)
    score = first_score(appraisal)
    rescore(score, 1 if score.score != 1 else 2)
    keep_version(appraisal, 2)
    rescore(score, 3)  # now differs again: the two versions are what is compared
    client.force_login(personas.member)
    page = client.get(url(**{"from": 1, "to": 2})).content.decode()
    new = 1 if score.score != 1 else 2
    assert f"went from {score.score:g} to {new} out of 5" in page
    assert "From version 1 to version 2" in page
    back = client.get(url(**{"from": 2, "to": 1})).content.decode()
    assert f"went from {new} to {score.score:g} out of 5" in back


def test_nothing_changed_is_said_plainly(client, personas, appraisal):
    keep_version(appraisal, 1)
    client.force_login(personas.officer)
    page = client.get(url()).content.decode()
    assert "Nothing changed from version 1 to now." in page
    assert "No changes to the options." in page and "No changes to the results" in page


def test_no_version_issued_says_there_is_nothing_to_compare(client, personas, appraisal):
    client.force_login(personas.member)
    page = client.get(url())
    assert page.status_code == 200
    assert "No version of the report has been issued yet" in page.content.decode()


def test_members_see_the_draft_text_compared_only_once_officers_share_it(
    client, personas, appraisal
):
    keep_version(appraisal, 1)
    narrative = dict(appraisal.narrative)
    narrative["financial"] = "A new financial paragraph."
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    client.force_login(personas.member)
    page = client.get(url()).content.decode()
    assert "The section “Financial implications” was changed." not in page
    assert "officers have not yet shared the draft" in page
    client.force_login(personas.officer)
    assert "The section “Financial implications” was changed." in client.get(url()).content.decode()
    Appraisal.objects.filter(pk=appraisal.pk).update(draft_ready_for_members=True)
    client.force_login(personas.member)
    page = client.get(url()).content.decode()
    assert "The section “Financial implications” was changed." in page
    assert "A new financial paragraph." in page  # the text after, in the details


def test_changed_text_is_escaped(client, personas, appraisal):
    keep_version(appraisal, 1)
    narrative = dict(appraisal.narrative)
    narrative["legal"] = "<script>alert(1)</script>"
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    client.force_login(personas.officer)
    page = client.get(url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_versions_page_links_to_what_changed(client, personas, appraisal):
    keep_version(appraisal, 1)
    keep_version(appraisal, 2)
    client.force_login(personas.partner_officer)
    page = client.get(reverse("appraisals:versions", args=[REF])).content.decode()
    assert "What changed since version 2" in page
    assert "What changed from version 1 to version 2" in page
    assert url(**{"from": 1, "to": 2}).replace("&", "&amp;") in page


def test_the_comparison_with_now_reads_a_fixed_number_of_queries(
    client, personas, appraisal, django_assert_max_num_queries
):
    keep_version(appraisal, 1)
    client.force_login(personas.officer)
    client.get(url())  # the evaluation is cached from here on
    # session and user (2), memberships (1), the appraisal (1), versions (1), snapshots (1),
    # the export of the appraisal as it stands (10), the banner's and base's reads (a few)
    with django_assert_max_num_queries(22):
        assert client.get(url()).status_code == 200
