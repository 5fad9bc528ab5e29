"""Search leaks nothing: another council's appraisal never shows, and the report's text
shows only to those who may read it (officers of the lead; members and partners' officers
only the draft recommendations, once marked ready). Run on PostgreSQL, and on SQLite twice:
through the FTS5 index (fts.py) and through the plain match used where there is none."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.urls import reverse

from appraisals import fts
from appraisals.models import Appraisal, Option, Risk, Score
from appraisals.reports import NARRATIVE_SECTIONS
from appraisals.search import fts_query, search
from tests.factories import make_appraisal

SQLITE = connection.vendor == "sqlite"
WORD = "zebracrossing"
ALL_KINDS = {"Appraisal", "Option", "Reason for a score", "Risk", "Report"}


def plant(appraisal: Appraisal, tag: str) -> Appraisal:
    """WORD in every searchable place of the appraisal, each place also carrying `tag`."""
    appraisal.summary = f"Why: {WORD} {tag}."
    appraisal.narrative = {
        "legal": f"The legal position on the {WORD} {tag}.",
        "recommendations": f"1. Agree the {WORD} {tag}.",
    }
    appraisal.save()
    option = appraisal.options.get(key="option-1")
    option.description = f"An option about the {WORD} {tag}"
    option.save()
    Option.objects.filter(pk=appraisal.options.get(key="option-2").pk).update(
        status=Option.Status.REJECTED, rejection_reason=f"Rejected: {WORD} {tag}"
    )
    Score.objects.filter(pk=Score.objects.filter(panel__appraisal=appraisal).first().pk).update(
        reason=f"Scored low for the {WORD} {tag}"
    )
    Risk.objects.create(
        appraisal=appraisal, risk=f"The {WORD} {tag} is delayed", likelihood=3, impact=3,
        residual_likelihood=2, residual_impact=2,
    )  # fmt: skip
    return appraisal


@pytest.fixture(autouse=True, params=["fts5", "plain"] if SQLITE else ["postgresql"])
def engine(request, monkeypatch, db):
    """Every test here runs through each way this database searches."""
    if request.param == "fts5":
        assert fts.ready(connection), "migrate made the FTS5 index and its triggers"
    if request.param == "plain":
        monkeypatch.setattr("appraisals.search._fts_ready", lambda: False)
    return request.param


@pytest.fixture
def planted(personas):
    own = plant(personas.appraisal, "ownside")
    other = plant(make_appraisal(personas.unrelated, reference="faraway"), "farside")
    return own, other


def found(user, query=WORD):
    return {(h.appraisal.reference, h.kind, h.where) for h in search(user, query)}


def kinds(user, appraisal, query=WORD):
    return {kind for ref, kind, _ in found(user, query) if ref == appraisal.reference}


@pytest.mark.parametrize("persona", ["officer", "admin"])
def test_the_lead_s_officers_find_everything_of_theirs_and_nothing_else(personas, planted, persona):
    own, other = planted
    user = getattr(personas, persona)
    assert kinds(user, own) == ALL_KINDS
    assert {ref for ref, _, _ in found(user)} == {own.reference}
    report = {where for ref, kind, where in found(user) if kind == "Report"}
    titles = {s.key: s.title for s in NARRATIVE_SECTIONS}
    assert report == {titles["legal"], titles["recommendations"]}


@pytest.mark.parametrize("persona", ["member", "partner_officer"])
def test_members_and_partners_find_no_report_text_until_the_draft_is_ready(
    personas, planted, persona
):
    own, other = planted
    user = getattr(personas, persona)
    assert kinds(user, own) == ALL_KINDS - {"Report"}
    assert {ref for ref, _, _ in found(user)} == {own.reference}
    # a word only in the report's text finds nothing at all
    assert found(user, "legal position") == set()
    Appraisal.objects.filter(pk=own.pk).update(draft_ready_for_members=True)
    report = [(kind, where) for ref, kind, where in found(user) if kind == "Report"]
    titles = {s.key: s.title for s in NARRATIVE_SECTIONS}
    assert report == [("Report", titles["recommendations"])]  # never the other sections
    assert found(user, "legal position") == set()


def test_another_council_finds_only_its_own(personas, planted):
    own, other = planted
    assert {ref for ref, _, _ in found(personas.outsider)} == {other.reference}
    assert kinds(personas.outsider, other) == ALL_KINDS
    assert found(personas.outsider, "ownside") == set()
    assert found(personas.officer, "farside") == set()


def test_the_page_shows_no_other_council_and_escapes_what_it_shows(client, personas, planted):
    own, other = planted
    Risk.objects.create(
        appraisal=own, risk=f"<script>alert(1)</script> {WORD}", likelihood=1, impact=1,
        residual_likelihood=1, residual_impact=1,
    )  # fmt: skip
    for persona in ("officer", "member", "admin", "partner_officer"):
        client.force_login(getattr(personas, persona))
        response = client.get(reverse("appraisals:search"), {"q": WORD})
        page = response.content.decode()
        assert response.status_code == 200
        assert own.title in page and other.title not in page and "farside" not in page
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert f"<mark>{WORD}</mark>" in page
        assert ("legal position" in page) == (persona in ("officer", "admin"))
    client.force_login(personas.outsider)
    page = client.get(reverse("appraisals:search"), {"q": WORD}).content.decode()
    assert other.title in page and own.title not in page and "ownside" not in page


def test_signed_out_people_find_nothing(client, planted):
    response = client.get(reverse("appraisals:search"), {"q": WORD})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_word_must_match(personas, planted):
    own, _ = planted
    assert kinds(personas.officer, own, f"{WORD} delayed") == {"Risk"}
    assert found(personas.officer, f"{WORD} nowhereword") == set()
    assert found(personas.officer, "") == set() and found(personas.officer, "  ,. ") == set()


def test_full_text_search_finds_other_forms_of_a_word(personas, planted, engine):
    if engine == "plain":
        pytest.skip("the plain match finds the words typed, not their other forms")
    own, _ = planted
    Risk.objects.create(
        appraisal=own, risk="Services outsourced too quickly", likelihood=1, impact=1,
        residual_likelihood=1, residual_impact=1,
    )  # fmt: skip
    assert "Risk" in kinds(personas.officer, own, "outsourcing")


@pytest.mark.parametrize("persona", ["member", "partner_officer"])
def test_once_issued_its_readers_search_the_whole_report(personas, planted, persona):
    own, _ = planted
    Appraisal.objects.filter(pk=own.pk).update(status=Appraisal.Status.ISSUED)
    user = getattr(personas, persona)
    report = {where for ref, kind, where in found(user) if kind == "Report"}
    titles = {s.key: s.title for s in NARRATIVE_SECTIONS}
    assert report == {titles["legal"], titles["recommendations"]}
    assert found(personas.outsider, "legal position") == {
        ("faraway", "Report", titles["legal"])
    }  # the other council's own, and never this one
    (hit,) = [h for h in search(user, "legal position")]
    assert hit.url == reverse("appraisals:versions", args=[own.reference])


def test_quotes_or_and_minus_work_as_in_a_web_search(personas, planted, engine):
    own, _ = planted
    if engine == "plain":
        pytest.skip("the plain match takes every word as typed")
    officer = personas.officer
    assert kinds(officer, own, '"legal position"') == {"Report"}
    assert kinds(officer, own, '"position legal"') == set()  # a phrase, in its order
    assert kinds(officer, own, "delayed or scored") == {"Risk", "Reason for a score"}
    assert "Risk" not in kinds(officer, own, f"{WORD} -delayed")
    assert "Option" in kinds(officer, own, f"{WORD} -delayed")


@pytest.mark.parametrize(
    "typed",
    ['"', "NEAR(a b)", "a*", "title:zebracrossing", "(", "AND", "NOT x", "^a", "a OR", "or"],
)
def test_nothing_typed_is_read_as_the_index_s_own_syntax(personas, planted, typed):
    search(personas.officer, typed)  # never an error
    assert search(personas.officer, f"{typed} nowhereword") == []


def test_the_fts5_query_quotes_every_word():
    assert fts_query('Outsourcing "shared service" or trust -company') == (
        '(("outsourcing") AND ("shared service" OR "trust")) NOT ("company")'
    )
    assert fts_query("self-service") == '("self") AND ("service")'
    assert fts_query("title:x NEAR(y)") == '("title") AND ("x") AND ("near") AND ("y")'
    assert fts_query("-only") == "" and fts_query(" ,. ") == ""


@pytest.mark.skipif(not SQLITE, reason="the FTS5 index is SQLite's")
def test_the_index_keeps_in_step_with_every_write(personas, planted, engine):
    own, _ = planted
    officer = personas.officer
    risk = own.risks.get(risk__contains=WORD)
    Risk.objects.filter(pk=risk.pk).update(risk="The crossing is late", controls="wombatfence")
    assert "Risk" not in kinds(officer, own) and "Risk" in kinds(officer, own, "wombatfence")
    own.options.get(key="option-1").delete()  # its scores go with it, by cascade
    assert ("Option" in kinds(officer, own)) is True  # option-2's rejection reason remains
    Option.objects.filter(appraisal=own).update(rejection_reason="Too costly")
    assert "Option" not in kinds(officer, own)
    with pytest.raises(RuntimeError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(controls="rolledbackword")
        assert "Risk" in kinds(officer, own, "rolledbackword")
        raise RuntimeError  # the write and the index's change are undone together
    assert found(officer, "rolledbackword") == set()
    assert "Risk" in kinds(officer, own, "wombatfence")
    own.narrative = {"legal": "Nothing here now."}
    own.save()
    assert found(officer, "legal position") == set()
    assert kinds(officer, own, "nothing here") == {"Report"}


@pytest.mark.skipif(not SQLITE, reason="the FTS5 index is SQLite's")
def test_a_missing_trigger_is_made_again_and_the_index_rebuilt(personas, planted, engine):
    # SQLite drops a table's triggers when a migration rebuilds the table: until the next
    # migrate makes them again, search uses the plain match, so it is never stale.
    own, _ = planted
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{fts.trigger_names()[0]}"')  # one of appraisal's
        cursor.execute(f'DROP TRIGGER "{fts.trigger_names()[3]}"')  # one of option's
    assert not fts.ready(connection)
    Option.objects.filter(pk=own.options.get(key="option-1").pk).delete()
    own.options.create(
        key="late", name="Quokkatrust", order=9, delivery_model=own.options.first().delivery_model
    )
    assert kinds(personas.officer, own, "quokkatrust") == {"Option"}  # the plain match
    assert fts.ensure(connection) and fts.ready(connection)
    assert kinds(personas.officer, own, "quokkatrust") == {"Option"}  # the rebuilt index
    assert kinds(personas.officer, own) == ALL_KINDS
    assert not fts.ensure(connection)  # nothing to do once it is whole
