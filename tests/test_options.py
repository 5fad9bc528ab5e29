"""The long list: adding from the catalogue, short-listing, rejecting, the baseline."""

from django.urls import reverse

from appraisals.models import Change, Option
from tests.factories import delivery_model


def _url(personas, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


def _edit(client, personas, key: str, follow=False, **data):
    option = personas.appraisal.options.get(key=key)
    fields = {"name": option.name, "description": "", "status": option.status}
    return client.post(_url(personas, "option-edit", key), fields | data, follow=follow)


def test_options_page_shows_the_catalogue_with_traits(client, personas):
    model = delivery_model("shared-service", "Shared service")
    model.legal_entity, model.advantages = "No", "Pooled expertise"
    model.save()
    client.force_login(personas.officer)
    page = client.get(_url(personas, "options")).text
    assert "Shared service" in page
    assert "Pooled expertise" in page
    assert "?model=shared-service" in page  # its Add button
    client.force_login(personas.member)
    page = client.get(_url(personas, "options")).text
    assert "Pooled expertise" in page
    assert "?model=shared-service" not in page


def test_officer_adds_a_long_listed_option_with_partners(client, personas):
    delivery_model("shared-service", "Shared service")
    client.force_login(personas.officer)
    response = client.post(
        _url(personas, "option-add") + "?model=shared-service",
        {
            "name": "Shared service with Partner",
            "partners": [personas.partner.pk],
            "status": "longlisted",
        },
    )
    assert response.status_code == 302
    option = personas.appraisal.options.get(key="shared-service-with-partner")
    assert option.status == Option.Status.LONGLISTED
    assert option.delivery_model.key == "shared-service"
    assert list(option.partners.all()) == [personas.partner]
    assert Change.objects.filter(kind="option", subject=option.name, field="added").exists()


def test_the_lead_council_is_not_offered_as_a_partner_of_its_own_option(client, personas):
    delivery_model("shared-service", "Shared service")
    client.force_login(personas.officer)
    option = personas.appraisal.options.get(key="option-1")
    lead, partner = personas.lead.name, personas.partner.name
    for url in (
        _url(personas, "option-add") + "?model=shared-service",
        _url(personas, "option-edit", option.key),
    ):
        page = client.get(url).text
        assert f">{partner}</label>" in page and f">{lead}</label>" not in page
        assert "Partners (optional)" in page and "Description (optional)" in page
    response = client.post(
        _url(personas, "option-add") + "?model=shared-service",
        {"name": "Shared with itself", "partners": [personas.lead.pk], "status": "shortlisted"},
    )
    assert response.status_code == 200 and "Select a valid choice" not in response.text
    assert not personas.appraisal.options.filter(name="Shared with itself").exists()


def test_saving_an_old_option_that_lists_the_lead_council_says_it_is_removed(client, personas):
    """An option made before the rule may list the lead council as its partner. The form
    does not offer it, so the save takes it off: said on the page, then after saving."""
    option = personas.appraisal.options.get(key="option-1")
    option.partners.add(personas.lead, personas.partner)
    lead = personas.lead.name
    client.force_login(personas.officer)
    page = client.get(_url(personas, "option-edit", option.key)).text
    assert (
        f"{lead} is listed as a partner of this option, but it leads this appraisal, so it "
        "takes part in every option already. Saving removes it from the partners."
    ) in page
    response = _edit(client, personas, option.key, partners=[personas.partner.pk], follow=True)
    assert (
        f"“{option.name}” saved. {lead} was removed from its partners: it leads this "
        "appraisal, so it takes part in every option already."
    ) in response.text
    assert list(option.partners.all()) == [personas.partner]
    assert Change.objects.filter(kind="option", subject=option.name, field="partners").exists()
    # Once it is off, neither the page nor the next save mentions it.
    assert (
        "is listed as a partner" not in client.get(_url(personas, "option-edit", option.key)).text
    )
    response = _edit(client, personas, option.key, partners=[personas.partner.pk], follow=True)
    assert f"“{option.name}” saved." in response.text and "was removed" not in response.text


def test_an_option_is_added_rejected_with_its_reason_in_one_step(client, personas):
    client.force_login(personas.officer)
    add = _url(personas, "option-add") + "?model=in-house"
    response = client.post(add, {"name": "Keep in house", "status": "rejected"})
    assert 'href="#id_rejection_reason"' in response.text
    response = client.post(
        add,
        {"name": "Keep in house", "status": "rejected", "rejection_reason": "Too costly"},
    )
    assert response.status_code == 302
    option = personas.appraisal.options.get(name="Keep in house")
    assert (option.status, option.rejection_reason, option.baseline) == (
        "rejected",
        "Too costly",
        False,
    )


def test_a_rejected_option_is_never_made_the_baseline(client, personas):
    client.force_login(personas.officer)
    add = _url(personas, "option-add") + "?model=in-house"
    data = {"name": "X", "status": "rejected", "rejection_reason": "No", "baseline": "on"}
    response = client.post(add, data)
    assert "A rejected option cannot be the baseline" in response.text
    assert not personas.appraisal.options.filter(name="X").exists()
    _edit(client, personas, "option-2", status="rejected", rejection_reason="Too slow")
    page = client.get(_url(personas, "options")).text
    assert _url(personas, "option-baseline", "option-2") not in page
    assert _url(personas, "option-baseline", "option-1") in page
    client.post(_url(personas, "option-baseline", "option-2"))
    option = personas.appraisal.options.get(key="option-2")
    assert (option.baseline, option.status) == (False, "rejected")


def test_the_first_do_nothing_option_is_the_baseline_when_there_is_none(client, personas):
    delivery_model("do-nothing", "Do nothing")
    client.force_login(personas.officer)
    add = _url(personas, "option-add") + "?model=do-nothing"
    response = client.get(add)
    assert response.context["form"]["baseline"].value() is False  # it has a baseline already
    assert "It replaces Do nothing as the baseline." in response.text
    personas.appraisal.options.filter(baseline=True).delete()
    form = client.get(add).context["form"]
    assert form["baseline"].value() is True
    assert (
        client.get(_url(personas, "option-add") + "?model=in-house")
        .context["form"]["baseline"]
        .value()
        is False
    )
    client.post(add, {"name": "Carry on", "status": "shortlisted", "baseline": "on"})
    assert personas.appraisal.options.get(baseline=True).name == "Carry on"


def test_adding_a_baseline_replaces_the_one_before(client, personas):
    client.force_login(personas.officer)
    add = _url(personas, "option-add") + "?model=in-house"
    client.post(add, {"name": "New base", "status": "shortlisted", "baseline": "on"})
    assert list(
        personas.appraisal.options.filter(baseline=True).values_list("name", flat=True)
    ) == ["New base"]


def test_adding_needs_a_catalogue_model_and_a_name(client, personas):
    client.force_login(personas.officer)
    assert client.get(_url(personas, "option-add") + "?model=nope").status_code == 404
    response = client.post(_url(personas, "option-add") + "?model=in-house", {"name": ""})
    assert 'href="#id_name"' in response.text


def test_rejecting_needs_a_reason_which_is_kept(client, personas):
    client.force_login(personas.officer)
    response = _edit(client, personas, "option-2", status="rejected", rejection_reason="")
    assert response.status_code == 200
    assert 'href="#id_rejection_reason"' in response.text
    assert personas.appraisal.options.get(key="option-2").status == "shortlisted"
    _edit(client, personas, "option-2", status="rejected", rejection_reason="Too slow to set up")
    option = personas.appraisal.options.get(key="option-2")
    assert (option.status, option.rejection_reason) == ("rejected", "Too slow to set up")
    change = Change.objects.get(subject=option.name, field="status")
    assert (change.old, change.new, change.user) == ("shortlisted", "rejected", personas.officer)


def test_short_listing_again_clears_the_reason(client, personas):
    client.force_login(personas.officer)
    _edit(client, personas, "option-2", status="rejected", rejection_reason="No")
    _edit(client, personas, "option-2", status="shortlisted", rejection_reason="No")
    assert personas.appraisal.options.get(key="option-2").rejection_reason == ""


def test_marking_the_baseline_moves_it(client, personas):
    client.force_login(personas.officer)
    response = client.post(_url(personas, "option-baseline", "option-1"))
    assert response.status_code == 302
    baselines = list(personas.appraisal.options.filter(baseline=True).values_list("key", flat=True))
    assert baselines == ["option-1"]
    assert Change.objects.filter(kind="option", field="baseline").count() == 2


def test_baseline_is_post_only(client, personas):
    client.force_login(personas.officer)
    assert client.get(_url(personas, "option-baseline", "option-1")).status_code == 405


def test_unknown_option_is_404(client, personas):
    client.force_login(personas.officer)
    assert client.get(_url(personas, "option-edit", "nope")).status_code == 404


def test_options_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)
    # session, user, appraisal, memberships, options (with models), their partners,
    # the catalogue, the header's council, the newest history row (the buttons' stamp)
    with django_assert_num_queries(9):
        client.get(_url(personas, "options"))
    for i in range(5):
        Option.objects.create(
            appraisal=personas.appraisal,
            key=f"more-{i}",
            name=f"More {i}",
            delivery_model=delivery_model(f"model-{i}", f"Model {i}"),
        ).partners.add(personas.partner)
    with django_assert_num_queries(9):
        client.get(_url(personas, "options"))


def test_officers_mark_one_recommended_option_and_can_withdraw_it(client, personas):
    client.force_login(personas.officer)
    options = personas.appraisal.options
    client.post(_url(personas, "option-recommend", "option-2"), {"recommended": "yes"})
    assert list(options.filter(recommended=True).values_list("key", flat=True)) == ["option-2"]
    client.post(_url(personas, "option-recommend", "option-1"), {"recommended": "yes"})  # moves
    assert list(options.filter(recommended=True).values_list("key", flat=True)) == ["option-1"]
    page = client.get(_url(personas, "options")).text
    assert "Withdraw the recommendation" in page
    client.post(_url(personas, "option-recommend", "option-1"), {"recommended": "no"})
    assert not options.filter(recommended=True).exists()
    changes = Change.objects.filter(field="recommended").values_list("subject", "new")
    assert list(changes.order_by("pk")) == [
        ("Option 2", "True"),
        ("Option 2", "False"),
        ("Option 1", "True"),
        ("Option 1", "False"),
    ]


def test_two_officers_who_both_click_recommend_leave_it_recommended(client, personas):
    # Both opened the options page while option 2 was unmarked; each posts "yes".
    client.force_login(personas.officer)
    page = client.get(_url(personas, "options")).text
    assert 'name="recommended" value="yes"' in page
    for _ in range(2):
        client.post(_url(personas, "option-recommend", "option-2"), {"recommended": "yes"})
    option = personas.appraisal.options.get(key="option-2")
    assert option.recommended
    assert Change.objects.filter(field="recommended").count() == 1
    response = client.post(
        _url(personas, "option-recommend", "option-2"), {"recommended": "yes"}, follow=True
    )
    assert "is the option officers recommend already" in response.text


def test_a_rejected_option_is_not_recommended(client, personas):
    client.force_login(personas.officer)
    client.post(_url(personas, "option-recommend", "option-2"), {"recommended": "yes"})
    _edit(client, personas, "option-2", status="rejected", rejection_reason="Too slow")
    option = personas.appraisal.options.get(key="option-2")
    assert (option.status, option.recommended) == ("rejected", False)  # rejecting clears it
    client.post(_url(personas, "option-recommend", "option-2"), {"recommended": "yes"})
    assert not personas.appraisal.options.filter(recommended=True).exists()
    assert (
        _url(personas, "option-recommend", "option-2")
        not in client.get(_url(personas, "options")).text
    )


def test_members_and_other_councils_cannot_mark_the_recommendation(client, personas):
    for persona, status in ((personas.member, 403), (personas.outsider, 404)):
        client.force_login(persona)
        response = client.post(_url(personas, "option-recommend", "option-1"))
        assert response.status_code == status
    assert not personas.appraisal.options.filter(recommended=True).exists()
