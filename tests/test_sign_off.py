"""Statutory sign-off: a council names its chief finance officer (s.151) and monitoring
officer; they agree the financial and legal implications as they print (who, when and the
SHA-256 of the text are kept); any later change to a section voids its agreement; where the
council requires it, issuing waits; the report says who agreed each and when."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from appraisals import reports
from appraisals.models import Appraisal, Authority, Change, FinancialCase, ReportVersion, SignOff
from appraisals.reports.formatting import _date
from councils.models import CouncilChange
from tests.factories import make_user
from tests.test_report_views import issue
from tests.test_reports_data import make_report_appraisal, meeting_ahead

REF = "report-test"


def url(name: str) -> str:
    return reverse(f"appraisals:{name}", args=[REF])


def officers_url(council: Authority) -> str:
    return reverse("appraisals:statutory-officers", args=[council.pk])


@pytest.fixture
def appraisal(personas) -> Appraisal:
    return meeting_ahead(make_report_appraisal(options=2, criteria=3, panels=2, risks=2))


@pytest.fixture
def cfo(personas):
    return make_user("cfo", personas.lead, "officer", first_name="Jane", last_name="Smith")


@pytest.fixture
def mo(personas):
    return make_user("mo", personas.lead, "officer", first_name="Omar", last_name="Patel")


@pytest.fixture
def named(personas, cfo, mo):
    Authority.objects.filter(pk=personas.lead.pk).update(
        chief_finance_officer=cfo, monitoring_officer=mo
    )
    return personas.lead


def agree(client, user, section: str):
    """The officer opens the sign-off page and agrees the section as shown."""
    client.force_login(user)
    page = client.get(url("report-sign-off"))
    state = next(s for s in page.context["states"] if s.key == section)
    return client.post(
        url("report-sign-off"), {"section": section, "fingerprint": state.fingerprint}
    )


def draft_html(appraisal: Appraisal) -> str:
    appraisal.refresh_from_db()
    return reports.render_html(appraisal, draft=True, **reports.report_extras(appraisal))


def today() -> str:
    return _date(timezone.localdate())


# The council's statutory officers ------------------------------------------------------------


def test_an_administrator_names_the_officers_and_requires_sign_off(client, personas, cfo, mo):
    client.force_login(personas.admin)
    page = client.get(officers_url(personas.lead))
    assert page.status_code == 200
    response = client.post(
        officers_url(personas.lead),
        {"chief_finance_officer": cfo.pk, "monitoring_officer": mo.pk, "sign_off_required": "on"},
    )
    assert response.status_code == 302
    council = Authority.objects.get(pk=personas.lead.pk)
    assert (council.chief_finance_officer, council.monitoring_officer) == (cfo, mo)
    assert council.sign_off_required
    # Each change in the council's history, by whom, from what to what.
    recorded = CouncilChange.objects.filter(authority=council, field="chief_finance_officer")
    assert [(c.user, c.old, c.new) for c in recorded] == [(personas.admin, "", "Jane Smith")]
    assert CouncilChange.objects.filter(authority=council).count() == 3
    assert "Statutory officers" in page.content.decode()  # in the council's navigation


@pytest.mark.parametrize("persona", ["officer", "member", "partner_officer"])
def test_only_the_councils_administrators_open_its_settings(client, personas, persona):
    client.force_login(getattr(personas, persona))
    expected = 404 if persona == "partner_officer" else 403
    assert client.get(officers_url(personas.lead)).status_code == expected
    assert client.post(officers_url(personas.lead), {}).status_code == expected


def test_another_councils_administrator_gets_404(client, personas):
    other = make_user("otheradmin", personas.unrelated, "administrator")
    client.force_login(other)
    assert client.get(officers_url(personas.lead)).status_code == 404
    assert client.get(officers_url(personas.unrelated)).status_code == 200


def test_a_councillor_or_another_councils_officer_cannot_be_named(client, personas):
    client.force_login(personas.admin)
    for person in (personas.member, personas.outsider):
        response = client.post(officers_url(personas.lead), {"chief_finance_officer": person.pk})
        assert response.status_code == 200  # the form again, with its error
        assert Authority.objects.get(pk=personas.lead.pk).chief_finance_officer is None


def test_requiring_sign_off_needs_both_officers_named(client, personas, cfo):
    client.force_login(personas.admin)
    response = client.post(
        officers_url(personas.lead), {"chief_finance_officer": cfo.pk, "sign_off_required": "on"}
    )
    assert "Name the monitoring officer before reports wait" in response.content.decode()
    assert not Authority.objects.get(pk=personas.lead.pk).sign_off_required


# Agreeing a section ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "admin"])
def test_the_lead_councils_officers_read_the_sign_off_page(client, personas, appraisal, persona):
    client.force_login(getattr(personas, persona))
    page = client.get(url("report-sign-off"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Financial implications" in text and "Not yet agreed" in text


@pytest.mark.parametrize("persona,status", [("member", 403), ("partner_officer", 403)])
def test_members_and_partners_cannot_open_the_sign_off_page(
    client, personas, appraisal, persona, status
):
    client.force_login(getattr(personas, persona))
    assert client.get(url("report-sign-off")).status_code == status


def test_another_council_gets_404_on_the_sign_off_page(client, personas, appraisal):
    client.force_login(personas.outsider)
    assert client.get(url("report-sign-off")).status_code == 404
    assert client.post(url("report-sign-off"), {"section": "financial"}).status_code == 404


def test_the_chief_finance_officer_agrees_the_financial_implications(
    client, personas, appraisal, named, cfo
):
    response = agree(client, cfo, "financial")
    assert response.status_code == 302
    agreement = SignOff.objects.get()
    assert (agreement.section, agreement.signed_by, agreement.name) == (
        "financial",
        cfo,
        "Jane Smith",
    )
    assert agreement.role == "Chief Finance Officer"
    assert agreement.sha256 == hashlib.sha256(agreement.text.encode()).hexdigest()
    assert "Costs, savings" not in agreement.text  # the section as printed, not the hint
    assert "Net present values" in agreement.text  # what is added from the financial case
    assert Change.objects.filter(appraisal=appraisal, field="agreed").count() == 1
    sentence = f"Financial implications agreed by Jane Smith, Chief Finance Officer, on {today()}."
    assert sentence in draft_html(appraisal)
    page = client.get(url("report-sign-off")).content.decode()
    assert "Agreed</strong> by Jane Smith" in page and agreement.sha256 in page


def test_no_one_else_may_agree_a_section(client, personas, appraisal, named, mo):
    for person in (personas.officer, personas.admin, mo):  # mo is named for legal only
        response = agree(client, person, "financial")
        assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_an_agreement_of_text_that_changed_meanwhile_is_refused(
    client, personas, appraisal, named, cfo
):
    client.force_login(cfo)
    response = client.post(
        url("report-sign-off"), {"section": "financial", "fingerprint": "0" * 64}, follow=True
    )
    assert "The section changed after you opened this page" in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_later_change_to_the_text_voids_the_agreement_plainly(
    client, personas, appraisal, named, cfo
):
    agree(client, cfo, "financial")
    narrative = {**appraisal.narrative, "financial": "A different financial paragraph."}
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    page = client.get(url("report-sign-off")).content.decode()
    assert "No longer agreed" in page
    assert "The section changed after Jane Smith agreed it" in page
    html = draft_html(appraisal)
    assert "agreed by Jane Smith" not in html
    assert "The Chief Finance Officer&#x27;s agreement of" in html and "no longer applies" in html


def test_a_change_to_the_financial_case_voids_it_too(client, personas, appraisal, named, cfo):
    agree(client, cfo, "financial")
    case = FinancialCase.objects.filter(option__appraisal=appraisal).first()
    FinancialCase.objects.filter(pk=case.pk).update(costs=[x + 50000 for x in case.costs])
    assert "No longer agreed" in client.get(url("report-sign-off")).content.decode()


def test_a_change_elsewhere_leaves_the_agreement_standing(client, personas, appraisal, named, cfo):
    agree(client, cfo, "financial")
    narrative = {**appraisal.narrative, "equalities": "Another equalities paragraph."}
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    assert "agreed by Jane Smith" in draft_html(appraisal)


def test_the_drafts_key_changes_when_a_section_is_agreed(client, personas, appraisal, named, cfo):
    before = reports.content_hash(appraisal)
    agree(client, cfo, "financial")
    assert reports.content_hash(appraisal) != before


# Issuing waits where the council requires it --------------------------------------------------


def test_issuing_waits_for_both_agreements_then_the_report_says_who_agreed(
    client, personas, appraisal, named, cfo, mo
):
    Authority.objects.filter(pk=named.pk).update(sign_off_required=True)
    client.force_login(personas.officer)
    check = client.get(url("report-check")).content.decode()
    assert "Ask Jane Smith, Chief Finance Officer, to agree the financial implications" in check
    assert "Ask Omar Patel, Monitoring Officer, to agree the legal implications" in check
    response = issue(client, appraisal)
    assert response.status_code == 302 and not ReportVersion.objects.exists()
    agree(client, cfo, "financial")
    client.force_login(personas.officer)
    issue(client, appraisal)
    assert not ReportVersion.objects.exists()  # the legal implications still wait
    agree(client, mo, "legal")
    client.force_login(personas.officer)
    issue(client, appraisal)
    version = ReportVersion.objects.get()
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(version.pdf))).pages).split()
    )
    assert (
        f"Financial implications agreed by Jane Smith, Chief Finance Officer, on {today()}." in text
    )
    assert f"Legal implications agreed by Omar Patel, Monitoring Officer, on {today()}." in text


def test_the_action_refuses_too_whatever_the_path(personas, appraisal, named):
    from appraisals.actions import ReportIncomplete, issue_report

    Authority.objects.filter(pk=named.pk).update(sign_off_required=True)
    with pytest.raises(ReportIncomplete) as refused:
        issue_report(appraisal=appraisal, user=personas.officer)
    assert [p.field for p in refused.value.problems] == ["sign-off-financial", "sign-off-legal"]
    assert not ReportVersion.objects.exists()


def test_where_not_required_a_report_is_issued_without_and_says_nothing_of_it(
    client, personas, appraisal, named
):
    html = draft_html(appraisal)
    assert "Not yet agreed" not in html and "agreed by" not in html
