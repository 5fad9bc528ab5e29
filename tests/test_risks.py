"""The risk register and the heat maps."""

from django.urls import reverse

from appraisals.forms import RiskForm
from appraisals.models import Change, Risk
from appraisals.views.edit import _label


def _url(personas, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[personas.appraisal.reference, *args])


RISK = {
    "risk": "Savings not delivered quickly enough",
    "consequences": "Budget gap",
    "likelihood": "4",
    "impact": "5",
    "controls": "Programme management",
    "residual_likelihood": "2",
    "residual_impact": "4",
    "owner": "Chief Executive",
}


def test_officer_records_a_risk_with_ratings_before_and_after(client, personas):
    client.force_login(personas.officer)
    option = personas.appraisal.options.get(key="option-1")
    response = client.post(_url(personas, "risk-add"), RISK | {"option": option.pk})
    assert response.status_code == 302
    risk = personas.appraisal.risks.get()
    assert (risk.likelihood, risk.impact, risk.option) == (4, 5, option)
    assert Change.objects.filter(kind="risk", field="added").exists()
    page = client.get(_url(personas, "risks")).text
    assert "20 very high" in page
    assert "8 medium" in page


def test_risk_form_errors_link_to_the_radios(client, personas):
    client.force_login(personas.officer)
    response = client.post(_url(personas, "risk-add"), RISK | {"likelihood": "7", "risk": ""})
    assert 'href="#id_likelihood_0"' in response.text
    assert 'href="#id_risk"' in response.text
    assert not Risk.objects.exists()


def test_the_risk_form_marks_its_optional_fields(client, personas):
    client.force_login(personas.officer)
    page = client.get(_url(personas, "risk-add")).text
    for label in ("Consequences (optional)", "Control measures (optional)", "Owner (optional)"):
        assert label in page
    assert "Risk (optional)" not in page and "Likelihood (optional)" not in page
    required = {k: v for k, v in RISK.items() if k not in ("consequences", "controls", "owner")}
    assert client.post(_url(personas, "risk-add"), required).status_code == 302
    # Where a changed value is named (someone else's change), the label is without it.
    form = RiskForm(options=personas.appraisal.options.all())
    assert _label(form, "owner") == "Owner"


def test_save_and_add_another_risk_opens_a_blank_form(client, personas):
    client.force_login(personas.officer)
    assert "Save and add another risk" in client.get(_url(personas, "risk-add")).text
    response = client.post(_url(personas, "risk-add"), RISK | {"add_another": "yes"})
    assert response.status_code == 302 and response.url == _url(personas, "risk-add")
    response = client.post(_url(personas, "risk-add"), RISK | {"risk": "Second"})
    assert response.url != _url(personas, "risk-add")
    assert personas.appraisal.risks.count() == 2
    risk = personas.appraisal.risks.first()
    assert "Save and add another risk" not in client.get(_url(personas, "risk-edit", risk.pk)).text


def test_changing_and_removing_a_risk_is_recorded(client, personas):
    client.force_login(personas.officer)
    client.post(_url(personas, "risk-add"), RISK)
    risk = personas.appraisal.risks.get()
    client.post(_url(personas, "risk-edit", risk.pk), RISK | {"impact": "3"})
    change = Change.objects.get(kind="risk", field="impact")
    assert (change.old, change.new) == ("5", "3")
    client.post(_url(personas, "risk-delete", risk.pk))
    assert not Risk.objects.exists()
    assert Change.objects.filter(kind="risk", field="removed").exists()


def test_heat_map_counts_risks_by_cell_before_and_after(client, personas):
    client.force_login(personas.officer)
    client.post(_url(personas, "risk-add"), RISK)
    client.post(_url(personas, "risk-add"), RISK)
    maps = client.get(_url(personas, "risks")).context["heat_maps"]
    before, after = maps
    assert [lk for lk, _ in before.rows] == [5, 4, 3, 2, 1]
    cell = dict(before.rows)[4][4]  # likelihood 4, impact 5
    assert (cell.impact, cell.labels, cell.band) == (5, ("R1", "R2"), "very high")
    assert dict(after.rows)[2][3].labels == ("R1", "R2")
    assert dict(after.rows)[4][4].labels == ()


def test_risk_bands_follow_the_lead_councils_matrix(client, personas):
    personas.lead.risk_low_max, personas.lead.risk_medium_max = 8, 12
    personas.lead.save()
    client.force_login(personas.officer)
    client.post(_url(personas, "risk-add"), RISK)
    assert "8 low" in client.get(_url(personas, "risks")).text


def test_a_risk_of_another_appraisal_is_404(client, personas):
    from tests.factories import make_appraisal

    other = make_appraisal(personas.lead, reference="other")
    risk = Risk.objects.create(
        appraisal=other, risk="x", likelihood=1, impact=1, residual_likelihood=1, residual_impact=1
    )
    client.force_login(personas.officer)
    assert client.get(_url(personas, "risk-edit", risk.pk)).status_code == 404


def test_risks_page_query_count_is_fixed(client, personas, django_assert_num_queries):
    client.force_login(personas.officer)
    # session, user, appraisal, memberships, risks (with options), the header's council
    with django_assert_num_queries(6):
        client.get(_url(personas, "risks"))
    for _ in range(5):
        client.post(_url(personas, "risk-add"), RISK)
    with django_assert_num_queries(6):
        client.get(_url(personas, "risks"))


def test_an_empty_risk_names_each_missing_answer_in_govuk_words(client, personas):
    client.force_login(personas.officer)
    page = client.post(_url(personas, "risk-add"), {}).text
    assert "This field is required" not in page
    for href, message in [
        ("#id_risk", "Enter the risk"),
        ("#id_likelihood_0", "Select the likelihood"),
        ("#id_impact_0", "Select the impact"),
        ("#id_residual_likelihood_0", "Select the likelihood after controls"),
        ("#id_residual_impact_0", "Select the impact after controls"),
    ]:
        assert f'<a href="{href}">{message}</a>' in page


def test_a_likelihood_off_the_scale_asks_for_one_of_the_choices(client, personas):
    client.force_login(personas.officer)
    page = client.post(_url(personas, "risk-add"), RISK | {"likelihood": "7"}).text
    assert '<a href="#id_likelihood_0">Select the likelihood</a>' in page
