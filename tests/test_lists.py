"""The home list: what each person may see, filters, sorting, pagination, query counts; and
starting a new appraisal; and the read-only catalogue pages."""

import re

import pytest
from django.urls import reverse

from appraisals.models import Appraisal, Change, CriteriaSet, Option, Service
from tests.factories import delivery_model, make_appraisal

HOME = reverse("appraisals:home")


def _titles(response) -> list[str]:
    return [row.record.title for row in response.context["table"].paginated_rows]


def test_home_lists_led_and_partnered_appraisals_only(client, personas):
    make_appraisal(personas.unrelated, reference="elsewhere")
    make_appraisal(personas.partner, reference="partner-led")
    client.force_login(personas.officer)
    assert set(_titles(client.get(HOME))) == {"Appraisal test-appraisal"}
    client.force_login(personas.partner_officer)
    assert set(_titles(client.get(HOME))) == {
        "Appraisal test-appraisal",
        "Appraisal partner-led",
    }


def test_officers_see_start_a_new_appraisal_and_members_do_not(client, personas):
    client.force_login(personas.officer)
    assert "Start a new appraisal" in client.get(HOME).text
    client.force_login(personas.member)
    assert "Start a new appraisal" not in client.get(HOME).text


def test_filters_by_status_council_service_and_delivery_model(client, personas):
    second = make_appraisal(personas.lead, reference="second")
    second.status = Appraisal.Status.SCORING
    second.save()
    payroll = Service.objects.create(name="Payroll")
    second.services.add(payroll)
    Option.objects.create(
        appraisal=second, key="out", name="Outsource", delivery_model=delivery_model("outsourcing")
    )
    client.force_login(personas.officer)
    assert _titles(client.get(HOME, {"status": "scoring"})) == ["Appraisal second"]
    assert _titles(client.get(HOME, {"service": payroll.pk})) == ["Appraisal second"]
    assert _titles(client.get(HOME, {"delivery_model": "outsourcing"})) == ["Appraisal second"]
    assert _titles(client.get(HOME, {"title": "TEST-app"})) == ["Appraisal test-appraisal"]
    assert len(_titles(client.get(HOME, {"lead_authority": personas.lead.pk}))) == 2


def test_filter_choices_hold_only_what_the_user_may_see(client, personas):
    hidden = make_appraisal(personas.unrelated, reference="hidden")
    hidden.services.add(Service.objects.create(name="Secret crematorium"))
    Option.objects.create(
        appraisal=hidden, key="jv", name="JV", delivery_model=delivery_model("joint-venture")
    )
    client.force_login(personas.officer)
    response = client.get(HOME)
    page = response.text
    assert "Faraway County Council" not in page
    assert "Secret crematorium" not in page
    form = response.context["filter"].form
    assert "joint-venture" not in [m.key for m in form.fields["delivery_model"].queryset]
    # a choice the user cannot see is refused, not silently applied
    response = client.get(HOME, {"lead_authority": personas.unrelated.pk})
    assert not response.context["filter"].form.is_valid()


def test_sorting_by_title_both_ways(client, personas):
    make_appraisal(personas.lead, reference="aaa")
    make_appraisal(personas.lead, reference="zzz")
    client.force_login(personas.officer)
    titles = _titles(client.get(HOME, {"sort": "title"}))
    assert titles == sorted(titles)
    assert _titles(client.get(HOME, {"sort": "-title"})) == sorted(titles, reverse=True)


def test_page_size_is_capped(client, personas, settings):
    settings.MAX_PAGE_SIZE = 3
    for i in range(5):
        make_appraisal(personas.lead, reference=f"extra-{i}", options=0, criteria=0, panels=0)
    client.force_login(personas.officer)
    response = client.get(HOME, {"per_page": 1000})
    assert len(_titles(response)) == 3
    assert "Page 1 of 2" in response.text


def test_home_query_count_does_not_grow_with_appraisals(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.officer)
    client.get(HOME)  # warm the session

    def count() -> None:
        # session, user, count for the paginator, memberships (is_officer), three filter
        # choice lists (councils, services, delivery models), the page of appraisals,
        # their services (prefetched), the header's council
        with django_assert_num_queries(10):
            assert client.get(HOME).status_code == 200

    count()
    for i in range(6):
        a = make_appraisal(personas.lead, reference=f"more-{i}", options=1, criteria=1, panels=1)
        a.services.add(Service.objects.get_or_create(name=f"Service {i}")[0])
    count()


def test_anonymous_home_is_sent_to_log_in(client, db):
    assert client.get(HOME)["Location"].startswith(reverse("login"))


# Starting a new appraisal


def _new(client, **data):
    fields = {
        "title": "Revenues and benefits options",
        "lead_authority": "",
        "scale_min": "0",
        "scale_max": "5",
        "other_services": "Revenues, Benefits",
        "committee_name": "Cabinet",
        "meeting_day": "31",
        "meeting_month": "10",
        "meeting_year": "2011",
    }
    return client.post(reverse("appraisals:appraisal-new"), fields | data)


def test_officer_starts_an_appraisal_for_their_council(client, personas):
    client.force_login(personas.officer)
    response = _new(client, lead_authority=personas.lead.pk, partners=[personas.partner.pk])
    appraisal = Appraisal.objects.get(title="Revenues and benefits options")
    assert response["Location"] == appraisal.get_absolute_url()
    assert appraisal.reference == "revenues-and-benefits-options"
    assert appraisal.lead_authority == personas.lead
    assert appraisal.created_by == personas.officer
    assert {s.name for s in appraisal.services.all()} == {"Revenues", "Benefits"}
    assert list(appraisal.partners.all()) == [personas.partner]
    assert str(appraisal.meeting_date) == "2011-10-31"
    assert Change.objects.filter(appraisal=appraisal, field="created").exists()


def test_lead_council_choices_are_the_officers_own(client, personas):
    client.force_login(personas.officer)
    response = client.get(reverse("appraisals:appraisal-new"))
    assert list(response.context["form"].fields["lead_authority"].queryset) == [personas.lead]
    response = _new(client, lead_authority=personas.unrelated.pk)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not Appraisal.objects.filter(title="Revenues and benefits options").exists()


def test_new_appraisal_errors_link_to_their_fields(client, personas):
    client.force_login(personas.officer)
    response = _new(
        client, lead_authority=personas.lead.pk, title="", scale_max="0", meeting_day="31",
        meeting_month="2",
    )  # fmt: skip
    page = response.text
    assert 'href="#id_title"' in page
    assert 'href="#id_scale_max"' in page
    assert "Meeting date must be a real date" in page
    assert "<title>Error: " in page


@pytest.mark.parametrize("reference", ["new", "import"])
def test_references_that_are_page_addresses_are_refused(client, personas, reference):
    client.force_login(personas.officer)
    response = _new(client, lead_authority=personas.lead.pk, reference=reference)
    assert response.status_code == 200
    assert not Appraisal.objects.filter(reference=reference).exists()


def test_a_taken_reference_is_refused_without_saying_whose_it_is(client, personas):
    theirs = make_appraisal(personas.unrelated, reference="leisure-trust")
    client.force_login(personas.officer)
    pages = [
        _new(client, lead_authority=personas.lead.pk, reference=reference).text
        for reference in ("leisure-trust", personas.appraisal.reference)
    ]
    for page in pages:
        assert "That reference is not available: choose a different one" in page
        assert "already has" not in page
    assert theirs.title not in pages[0]
    assert Appraisal.objects.filter(reference="leisure-trust").get() == theirs


# The catalogue and the library


def test_catalogue_and_library_pages_show_their_entries(client, personas):
    model = delivery_model("shared-service", "Shared service")
    model.advantages = "Pooled expertise\nResilience"
    model.save()
    library = CriteriaSet.objects.create(key="harborough", name="Harborough's twelve")
    library.criteria.create(key="political", name="Politically viable", guidance="0 = none")
    client.force_login(personas.member)
    assert "Shared service" in client.get(reverse("appraisals:delivery-models")).text
    page = client.get(reverse("appraisals:delivery-model", args=["shared-service"])).text
    assert "Pooled expertise" in page
    assert "Politically viable" in client.get(reverse("appraisals:criteria-library")).text
    page = client.get(reverse("appraisals:criteria-set", args=["harborough"])).text
    assert "0 = none" in page
    assert client.get(reverse("appraisals:delivery-model", args=["nope"])).status_code == 404


def test_a_filter_matching_nothing_says_so_and_offers_to_clear_it(client, personas):
    client.force_login(personas.officer)
    page = client.get(HOME, {"title": "no such thing"}).text
    assert "No appraisals match your filters." in page
    assert f'<a class="govuk-link" href="{HOME}">Clear the filters</a>' in page
    assert "There are no appraisals you can see yet." not in page
    # sorting alone is not filtering
    assert "No appraisals match" not in client.get(HOME, {"sort": "title"}).text


def test_a_person_with_no_appraisals_is_told_so(client, personas):
    client.force_login(personas.outsider)
    page = client.get(HOME).text
    assert "There are no appraisals you can see yet." in page
    assert "No appraisals match" not in page


def test_table_cells_carry_no_class_none(client, personas):
    # django-tables2 gives a column without classes None, which rendered as class="… None"
    client.force_login(personas.officer)
    for url in (HOME, reverse("appraisals:history", args=[personas.appraisal.reference])):
        page = client.get(url).text
        assert "None" not in " ".join(re.findall(r'class="([^"]*)"', page)), url
