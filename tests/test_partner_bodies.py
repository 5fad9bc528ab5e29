"""Public bodies as partners: an officer adds one from the scope page or the new-appraisal
form, a name already listed under another spelling is caught, and the bodies' facts appear on
the scope page and in the report's background."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals import reports
from appraisals.bodies import BodyFacts, normalised_name, same_body
from appraisals.explain import format_money
from appraisals.models import Appraisal, Authority, Change
from appraisals.results import evaluate
from tests.test_stale_saves import posted


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Harborough District Council", "harborough"),
        ("harborough", "harborough"),
        ("HARBOROUGH COUNCIL", "harborough"),
        ("Borough Council of Wellingborough", "wellingborough"),
        ("Wellingborough Borough Council", "wellingborough"),
        ("Stockton-on-Tees Borough Council", "stockton on tees"),
        ("Stockton on Tees", "stockton on tees"),
        ("City of Westminster", "westminster"),
        ("Westminster City Council", "westminster"),
        ("Leicestershire County Council", "leicestershire"),
        ("County Durham", "durham"),
        ("Sefton Metropolitan Borough Council", "sefton"),
        ("King's Lynn & West Norfolk", "kings lynn and west norfolk"),
        ("Kings Lynn and West Norfolk Borough Council", "kings lynn and west norfolk"),
        ("  Leicestershire   Partnership NHS Trust. ", "leicestershire partnership nhs trust"),
        ("Cleveland Police", "cleveland police"),
        ("City Council", "city council"),  # nothing but the varying words: kept whole
        ("Ynys Môn", "ynys mon"),
    ],
)
def test_normalised_name(name, normalised):
    assert normalised_name(name) == normalised


def test_a_council_and_the_police_of_the_same_place_are_different_bodies():
    assert normalised_name("Leicestershire County Council") != normalised_name(
        "Leicestershire Police"
    )
    assert normalised_name("Leicester City Council") != normalised_name(
        "Leicestershire County Council"
    )


@pytest.mark.django_db
def test_same_body_finds_the_body_however_it_is_written():
    harborough = Authority.objects.create(name="Harborough District Council")
    assert same_body("Harborough Council") == harborough
    assert same_body("harborough") == harborough
    assert same_body("Harborough NHS Trust") is None


@pytest.mark.parametrize(
    ("pounds", "words"),
    [
        (14_200_000, "£14.2 million"),
        (14_000_000, "£14 million"),
        (14_249_999, "£14.2 million"),
        (1_300_000_000, "£1.3 billion"),
        (850_000, "£850,000"),
    ],
)
def test_money_in_words(pounds, words):
    assert format_money(pounds) == words


# --------------------------------------------------------------------------------------------
# Adding a partner body


def _scope_url(personas) -> str:
    return reverse("appraisals:scope-edit", args=[personas.appraisal.reference])


def _scope_data(client, personas, **fields) -> dict:
    """The scope form as a browser posts it back (its stamp included), with `fields` set."""
    return posted(client.get(_scope_url(personas)).context["form"]) | fields


def test_officer_adds_an_nhs_trust_as_partner_from_the_scope_page(client, personas):
    client.force_login(personas.officer)
    data = _scope_data(
        client,
        personas,
        new_partner_name="  Leicestershire Partnership   NHS Trust ",
        new_partner_kind=Authority.Kind.NHS_TRUST,
    )
    response = client.post(_scope_url(personas), data)
    assert response.status_code == 302, response.context["form"].errors
    trust = Authority.objects.get(name="Leicestershire Partnership NHS Trust")
    assert trust.kind == Authority.Kind.NHS_TRUST
    assert (trust.population, trust.net_revenue_budget, trust.character) == (None, None, "")
    assert set(personas.appraisal.partners.all()) == {personas.partner, trust}
    added = Change.objects.get(field="partner body added to the list")
    assert (added.new, added.user) == (
        "Leicestershire Partnership NHS Trust (NHS trust)",
        personas.officer,
    )
    assert Change.objects.filter(
        field="partners", new="Leicestershire Partnership NHS Trust, Partner Borough Council"
    ).exists()


def test_an_integrated_care_board_is_a_kind_of_body(client, personas):
    client.force_login(personas.officer)
    data = _scope_data(
        client,
        personas,
        new_partner_name="NHS Leicester, Leicestershire and Rutland Integrated Care Board",
        new_partner_kind="icb",
    )
    assert client.post(_scope_url(personas), data).status_code == 302
    board = personas.appraisal.partners.get(name__contains="Integrated Care Board")
    assert board.get_kind_display() == "Integrated care board"


@pytest.mark.parametrize(
    "typed, error",
    [
        (
            "partner  borough COUNCIL",
            "Partner Borough Council is already listed: tick it under “Partners” instead of "
            "adding it again",
        ),
        (
            "PARTNER, Borough",
            "Partner Borough Council is already listed: tick it under “Partners”, or, if "
            "PARTNER, Borough is a different body, say so below",
        ),
    ],
)
def test_a_body_already_listed_is_caught_and_offered(client, personas, typed, error):
    client.force_login(personas.officer)
    before = Authority.objects.count()
    data = _scope_data(
        client, personas, new_partner_name=typed, new_partner_kind=Authority.Kind.BOROUGH
    )
    response = client.post(_scope_url(personas), data)
    assert response.status_code == 200
    assert response.context["form"].errors["new_partner_name"] == [error]
    assert 'href="#id_new_partner_name"' in response.text  # the error summary's link
    # The confirmation is offered only where the names differ by more than case and spaces.
    offered = 'name="new_partner_is_different"' in response.text
    assert offered == ("say so below" in error)
    assert Authority.objects.count() == before
    assert not Change.objects.filter(field__startswith="partner").exists()


def test_a_different_body_of_a_similar_name_is_added_once_the_officer_says_so(client, personas):
    """Places share names: "City of Durham Council" (a district) is not "Durham County
    Council". Once the officer says it is a different body, it is added; a name listed
    letter for letter never is."""
    county = Authority.objects.create(name="Durham County Council", kind="county")
    client.force_login(personas.officer)
    data = _scope_data(
        client, personas, new_partner_name="City of Durham Council", new_partner_kind="district"
    )
    refused = client.post(_scope_url(personas), data)
    assert refused.context["form"].errors["new_partner_name"] == [
        "Durham County Council is already listed: tick it under “Partners”, or, if City of "
        "Durham Council is a different body, say so below"
    ]
    assert "It is a different body from the one already listed" in refused.text

    confirmed = posted(refused.context["form"]) | {"new_partner_is_different": "on"}
    assert confirmed["new_partner_shown"] == str(county.pk)  # the page carries whom it named
    assert client.post(_scope_url(personas), confirmed).status_code == 302
    district = Authority.objects.get(name="City of Durham Council")
    assert district.kind == "district" and district != county
    assert district in personas.appraisal.partners.all()
    assert county not in personas.appraisal.partners.all()

    again = _scope_data(
        client,
        personas,
        new_partner_name="durham county council",
        new_partner_kind="county",
        new_partner_is_different="on",
    )
    response = client.post(_scope_url(personas), again)
    assert response.context["form"].errors["new_partner_name"] == [
        "Durham County Council is already listed: tick it under “Partners” instead of "
        "adding it again"
    ]
    assert Authority.objects.filter(name__icontains="durham").count() == 2


def test_the_confirmation_covers_only_the_listed_bodies_the_officer_was_shown(client, personas):
    """ "Durham Council" is like both Durham bodies: ticking the box under the one named is
    no word on the other, which is named next; nor is a tick on a page that named none."""
    county = Authority.objects.create(name="Durham County Council", kind="county")
    city = Authority.objects.create(name="City of Durham Council", kind="district")
    client.force_login(personas.officer)
    data = _scope_data(
        client, personas, new_partner_name="Durham Council", new_partner_kind="unitary"
    )
    unasked = client.post(_scope_url(personas), {**data, "new_partner_is_different": "on"})
    assert unasked.status_code == 200
    first = unasked.context["form"].similar_body
    confirmed = posted(unasked.context["form"]) | {"new_partner_is_different": "on"}
    refused = client.post(_scope_url(personas), confirmed)
    assert refused.status_code == 200
    second = refused.context["form"].similar_body
    assert {first, second} == {county, city}
    assert (
        f"{second.name} is already listed" in refused.context["form"].errors["new_partner_name"][0]
    )
    assert not Authority.objects.filter(name="Durham Council").exists()
    confirmed = posted(refused.context["form"]) | {"new_partner_is_different": "on"}
    assert client.post(_scope_url(personas), confirmed).status_code == 302
    assert Authority.objects.filter(name="Durham Council").exists()


@pytest.mark.django_db
def test_a_confirmed_different_body_is_still_refused_if_another_like_it_appears_meanwhile():
    """The confirmation covers the bodies the officer was shown, not one listed since."""
    from appraisals.actions import BodyExists, add_partner_body

    county = Authority.objects.create(name="Durham County Council", kind="county")
    with pytest.raises(BodyExists):
        add_partner_body(name="City of Durham Council", kind="district")
    added = add_partner_body(
        name="City of Durham Council", kind="district", different_from=[county.pk]
    )
    assert added.name == "City of Durham Council"
    with pytest.raises(BodyExists):
        add_partner_body(name="Durham Council", kind="unitary", different_from=[county.pk])


def test_the_lead_council_under_another_name_is_caught(client, personas):
    client.force_login(personas.officer)
    data = _scope_data(
        client, personas, new_partner_name="Lead Council", new_partner_kind="district"
    )
    response = client.post(_scope_url(personas), data)
    assert response.context["form"].errors["new_partner_name"] == [
        "Lead District Council is the lead council. If Lead Council is a different body, say "
        "so below"
    ]
    data["new_partner_name"] = "LEAD DISTRICT COUNCIL"
    response = client.post(_scope_url(personas), {**data, "new_partner_is_different": "on"})
    assert response.context["form"].errors["new_partner_name"] == [
        "Lead District Council is the lead council: it cannot also be a partner"
    ]


def test_a_new_body_needs_its_kind_and_a_kind_needs_a_name(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        _scope_url(personas), _scope_data(client, personas, new_partner_name="Cleveland Police")
    )
    assert response.context["form"].errors["new_partner_kind"] == ["Choose the kind of body"]
    response = client.post(
        _scope_url(personas), _scope_data(client, personas, new_partner_kind="police")
    )
    assert response.context["form"].errors["new_partner_name"] == [
        "Enter the name of the partner body"
    ]
    assert not Authority.objects.filter(name="Cleveland Police").exists()


def test_a_new_appraisal_names_a_new_partner_body(client, personas):
    client.force_login(personas.officer)
    response = client.post(
        reverse("appraisals:appraisal-new"),
        {
            "title": "Shared fire control",
            "lead_authority": personas.lead.pk,
            "new_partner_name": "Leicestershire Fire and Rescue Service",
            "new_partner_kind": Authority.Kind.FIRE,
            "scale_min": "0",
            "scale_max": "5",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    appraisal = Appraisal.objects.get(title="Shared fire control")
    assert [a.name for a in appraisal.partners.all()] == ["Leicestershire Fire and Rescue Service"]
    assert Change.objects.filter(
        appraisal=appraisal, field="partner body added to the list"
    ).exists()


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("partner_officer", 403)])
def test_only_the_lead_councils_officers_add_partner_bodies(client, personas, who, status):
    client.force_login(getattr(personas, who))
    data = {"title": "x", "new_partner_name": "Cleveland Police", "new_partner_kind": "police"}
    assert client.post(_scope_url(personas), data).status_code == status
    assert not Authority.objects.filter(name="Cleveland Police").exists()


def test_another_council_gets_404_on_the_scope_page(client, personas):
    client.force_login(personas.outsider)
    assert client.get(_scope_url(personas)).status_code == 404
    data = {"title": "x", "new_partner_name": "Cleveland Police", "new_partner_kind": "police"}
    assert client.post(_scope_url(personas), data).status_code == 404
    assert not Authority.objects.filter(name="Cleveland Police").exists()


# --------------------------------------------------------------------------------------------
# The facts, on the scope page and in the report


def _give_facts(personas):
    Authority.objects.filter(pk=personas.lead.pk).update(
        population=93_000, net_revenue_budget=14_200_000, character="rural"
    )
    Authority.objects.filter(pk=personas.partner.pk).update(population=192_000, character="urban")


def test_the_scope_page_shows_each_bodys_facts(client, personas):
    _give_facts(personas)
    client.force_login(personas.officer)
    response = client.get(_scope_url(personas))
    bodies = response.context["bodies"]
    assert [(b.name, b.role) for b in bodies] == [
        ("Lead District Council", "lead council"),
        ("Partner Borough Council", "partner"),
    ]
    html = response.text
    assert "93,000" in html and "£14.2 million a year" in html and "Largely rural" in html
    assert "192,000" in html and "Largely urban" in html
    assert "Not recorded" in html  # the partner's budget


def _background(appraisal) -> list[str]:
    report = reports.build_report(evaluate(appraisal, samples=0))
    section = next(s for s in report.sections if s.key == "background")
    texts = []
    for block in section.blocks:
        for part in getattr(block, "parts", ()):
            texts.extend([*part.lines, *part.items] if not isinstance(part, str) else [part])
    return texts


def test_the_reports_background_gives_the_facts_in_words(personas):
    _give_facts(personas)
    texts = _background(personas.appraisal)
    assert "The councils and bodies involved are:" in texts
    assert (
        "Lead District Council (lead council): population 93,000, net revenue budget "
        "£14.2 million, largely rural"
    ) in texts
    assert "Partner Borough Council (partner): population 192,000, largely urban" in texts


def test_a_council_alone_gets_one_sentence_and_no_facts_no_words(personas):
    appraisal = personas.appraisal
    assert not any("population" in t for t in _background(appraisal))
    appraisal.partners.clear()
    _give_facts(personas)
    assert (
        "About Lead District Council: population 93,000, net revenue budget £14.2 million, "
        "largely rural."
    ) in _background(appraisal)


def test_changed_facts_make_a_new_draft(personas):
    before = reports.content_hash(personas.appraisal)
    _give_facts(personas)
    after = reports.content_hash(personas.appraisal)
    assert after != before
    assert reports.evaluation_hash(evaluate(personas.appraisal, samples=0)) == after


def test_body_facts_in_words_without_the_missing_ones():
    facts = BodyFacts("Cleveland Police", "partner", "Police", None, 160_000_000, "")
    assert facts.sentence() == "Cleveland Police (partner): net revenue budget £160 million"
    assert BodyFacts("X", "partner", "Police", None, None, "").sentence() == "X (partner)"


@pytest.mark.parametrize("who", ["officer", "member", "partner_officer"])
def test_the_appraisal_page_shows_the_facts_to_everyone_who_sees_it(client, personas, who):
    _give_facts(personas)
    client.force_login(getattr(personas, who))
    html = client.get(reverse("appraisals:appraisal", args=[personas.appraisal.reference])).text
    assert "The councils and bodies involved" in html
    assert "93,000" in html and "£14.2 million a year" in html and "Largely urban" in html


def test_a_body_listed_by_someone_else_meanwhile_is_named_not_added_twice(
    client, personas, monkeypatch
):
    """Two officers adding the same body at once: the second save finds the first's."""
    client.force_login(personas.officer)
    data = _scope_data(
        client, personas, new_partner_name="Cleveland Police", new_partner_kind="police"
    )
    police = Authority.objects.create(name="CLEVELAND POLICE", kind="police")
    monkeypatch.setattr("appraisals.forms.similar_bodies", lambda name: [])  # checked before
    assert client.post(_scope_url(personas), data).status_code == 302
    assert Authority.objects.filter(name__iexact="cleveland police").count() == 1
    assert police in personas.appraisal.partners.all()


def test_guessing_an_imported_bodys_kind_knows_integrated_care_boards():
    from appraisals.interchange.importing import guess_kind

    assert guess_kind("NHS Leicester, Leicestershire and Rutland Integrated Care Board") == "icb"
    assert guess_kind("Leicestershire Partnership NHS Trust") == "nhs-trust"
