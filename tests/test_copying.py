"""Copy as a new appraisal: options, criteria, weights, panels and risks come across; scores,
narrative, the meeting, financial cases and issued versions do not. One transaction, one
history row; officers of the lead council only, leading it for a council they are officers of."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals import actions
from appraisals.models import Appraisal, Change, Membership, Option, ReportVersion, Risk, Score
from tests.test_issued_frozen import freeze
from tests.test_reports_data import make_report_appraisal


@pytest.fixture
def source(personas) -> Appraisal:
    """A full appraisal of the personas' council: scored, with narrative, risks, a financial
    case, a partner, a recommended option, a pairwise matrix and panel members."""
    appraisal = make_report_appraisal(options=3, criteria=3, panels=2, risks=3)
    appraisal.partners.add(personas.partner)
    appraisal.pairwise_matrix = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    appraisal.weighting_method = Appraisal.Weighting.PAIRWISE
    appraisal.save()
    appraisal.panels.first().members.add(personas.member)
    option = appraisal.options.filter(status="shortlisted", baseline=False).first()
    option.recommended = True
    option.save()
    assert appraisal.narrative and Score.objects.filter(panel__appraisal=appraisal).exists()
    return appraisal


def copy_url(appraisal: Appraisal) -> str:
    return reverse("appraisals:appraisal-copy", args=[appraisal.reference])


def post_copy(client, source, **data):
    return client.post(
        copy_url(source),
        {"title": "Waste collection appraisal", "reference": "waste-2027", **data},
    )


def test_the_copy_keeps_no_score(client, personas, source):
    client.force_login(personas.officer)
    response = post_copy(client, source, lead_authority=personas.lead.pk)
    copy = Appraisal.objects.get(reference="waste-2027")
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert not Score.objects.filter(panel__appraisal=copy).exists()
    assert not Score.objects.filter(option__appraisal=copy).exists()
    assert not Score.objects.filter(criterion__appraisal=copy).exists()
    # the source keeps its own
    assert Score.objects.filter(panel__appraisal=source).count() > 0


def test_the_copy_takes_options_criteria_weights_panels_and_risks(client, personas, source):
    client.force_login(personas.officer)
    post_copy(client, source, lead_authority=personas.lead.pk)
    copy = Appraisal.objects.get(reference="waste-2027")

    def options(a):
        return list(
            a.options.values_list("key", "name", "delivery_model", "status", "rejection_reason",
                                  "baseline", "description")
        )  # fmt: skip

    assert options(copy) == options(source)
    assert list(copy.criteria.values_list("key", "name", "weight", "guidance", "group")) == list(
        source.criteria.values_list("key", "name", "weight", "guidance", "group")
    )
    assert copy.pairwise_matrix == source.pairwise_matrix
    assert copy.weighting_method == Appraisal.Weighting.PAIRWISE
    assert list(copy.panels.values_list("key", "name")) == list(
        source.panels.values_list("key", "name")
    )
    assert list(copy.panels.first().members.all()) == [personas.member]
    fields = ("risk", "likelihood", "impact", "residual_likelihood", "owner", "option__key")
    assert list(copy.risks.values_list(*fields)) == list(source.risks.values_list(*fields))
    assert set(copy.partners.all()) == {personas.partner}
    assert set(copy.services.all()) == set(source.services.all())
    assert copy.options.get(key=source.options.filter(partners__isnull=False).first().key)


def test_the_copy_has_no_narrative_meeting_report_or_recommendation(client, personas, source):
    freeze(source, personas.officer)  # an issued appraisal can be copied (it is only read)
    client.force_login(personas.officer)
    post_copy(client, source, lead_authority=personas.lead.pk)
    copy = Appraisal.objects.get(reference="waste-2027")
    assert copy.narrative == {}
    assert copy.meeting_date is None and copy.committee_name == "" and copy.agenda_item == ""
    assert copy.report_author == "" and copy.contact_email == ""
    assert copy.status == Appraisal.Status.DRAFT and not copy.archived
    assert not ReportVersion.objects.filter(appraisal=copy).exists()
    assert not copy.options.filter(recommended=True).exists()
    assert not copy.options.filter(financial_case__isnull=False).exists()
    assert not copy.questions.exists()
    source.refresh_from_db()
    assert source.status == Appraisal.Status.ISSUED  # untouched


def test_the_copy_records_where_it_came_from(client, personas, source):
    client.force_login(personas.officer)
    before = Change.objects.filter(appraisal=source).count()
    post_copy(client, source, lead_authority=personas.lead.pk)
    copy = Appraisal.objects.get(reference="waste-2027")
    rows = {(c.field, c.new, c.user) for c in Change.objects.filter(appraisal=copy)}
    assert ("copied from", f"{source.title} ({source.reference})", personas.officer) in rows
    assert ("created", "Waste collection appraisal", personas.officer) in rows
    # the source's history says nothing of a copy its partners may not see
    assert Change.objects.filter(appraisal=source).count() == before


def test_a_failure_part_way_leaves_nothing(personas, source, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Risk.objects, "bulk_create", broken)
    appraisals, changes = Appraisal.objects.count(), Change.objects.count()
    with pytest.raises(RuntimeError):
        actions.copy_appraisal(
            user=personas.officer, source=source, lead_authority=personas.lead, title="Broken"
        )
    assert Appraisal.objects.count() == appraisals and Change.objects.count() == changes


def test_a_copy_for_another_council_of_the_officer_leaves_partners_and_people(
    client, personas, source
):
    Membership.objects.create(
        user=personas.officer, authority=personas.unrelated, role=Membership.Role.OFFICER
    )
    client.force_login(personas.officer)
    post_copy(client, source, lead_authority=personas.unrelated.pk)
    copy = Appraisal.objects.get(reference="waste-2027")
    assert copy.lead_authority == personas.unrelated
    assert not copy.partners.exists()
    assert not copy.panels.filter(members__isnull=False).exists()
    assert not Option.partners.through.objects.filter(option__appraisal=copy).exists()
    assert copy.options.count() == source.options.count()
    # nobody at the source's council sees it, and the outsider (an officer there) does
    assert not Appraisal.objects.visible_to(personas.member).filter(pk=copy.pk).exists()
    assert Appraisal.objects.visible_to(personas.outsider).filter(pk=copy.pk).exists()


def test_the_lead_is_only_a_council_the_user_is_an_officer_of(client, personas, source):
    client.force_login(personas.officer)
    count = Appraisal.objects.count()
    response = post_copy(client, source, lead_authority=personas.unrelated.pk)
    assert response.status_code == 200
    assert "Select the lead council" in response.content.decode()
    assert Appraisal.objects.count() == count
    page = client.get(copy_url(source)).content.decode()
    assert personas.lead.name in page and personas.unrelated.name not in page


def test_a_reference_in_use_is_refused_keeping_the_title(client, personas, source):
    client.force_login(personas.officer)
    response = post_copy(
        client, source, lead_authority=personas.lead.pk, reference=source.reference
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "That reference is not available" in page and "Waste collection appraisal" in page
    response = post_copy(client, source, lead_authority=personas.lead.pk, title="")
    assert "Enter the title of the new appraisal" in response.content.decode()


def test_a_blank_reference_is_made_from_the_title(client, personas, source):
    client.force_login(personas.officer)
    post_copy(client, source, lead_authority=personas.lead.pk, reference="")
    assert Appraisal.objects.filter(reference="waste-collection-appraisal").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("admin", 200), ("member", 403), ("partner_officer", 403),
     ("outsider", 404)],
)  # fmt: skip
def test_who_may_copy(client, personas, source, persona, status):
    user = getattr(personas, persona)
    client.force_login(user)
    assert client.get(copy_url(source)).status_code == status
    count = Appraisal.objects.count()
    response = post_copy(client, source, lead_authority=personas.lead.pk)
    assert response.status_code == (302 if status == 200 else status)
    assert Appraisal.objects.count() == count + (status == 200)


def test_the_overview_offers_the_copy_to_officers_only(client, personas, source):
    client.force_login(personas.officer)
    assert copy_url(source) in client.get(source.get_absolute_url()).content.decode()
    client.force_login(personas.member)
    assert copy_url(source) not in client.get(source.get_absolute_url()).content.decode()


def test_signed_out_people_are_sent_to_sign_in(client, personas, source):
    response = client.get(copy_url(source))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
