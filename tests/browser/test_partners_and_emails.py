"""In Chromium, with axe on every page: an officer adds an NHS trust as a partner from the
scope page (a duplicate is caught), puts the partner council's officer on a panel, and that
officer opens the link in the e-mail that reached the SMTP server and scores; people choose
which e-mails they get."""

from __future__ import annotations

from django.conf import settings
from playwright.sync_api import expect

from appraisals.models import Authority, EmailOptOut, Score
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import make_appraisal
from tests.smtp import links_in, text_of


def test_officer_adds_a_trust_and_a_partners_officer_scores_from_the_email(
    page, personas, smtp_server
):
    appraisal = make_appraisal(
        personas.lead,
        reference="shared-care",
        options=1,
        criteria=1,
        panels=0,
        scored=False,
        partners=(personas.partner,),
    )
    personas.partner_officer.email = "pat@partner.example.gov.uk"
    personas.partner_officer.save()
    Authority.objects.filter(pk=personas.lead.pk).update(
        population=93_000, net_revenue_budget=14_200_000, character="rural"
    )
    log_in(page, "alice")

    # The scope page shows the bodies' facts, and catches a partner listed already.
    page.goto("/appraisals/shared-care/scope/")
    expect(page.get_by_role("table", name="The councils and bodies involved")).to_contain_text(
        "£14.2 million a year"
    )
    assert_accessible(page)
    page.get_by_label("Name of the body").fill("Partner Borough")
    page.get_by_label("Kind of body").select_option(label="Borough council")
    page.get_by_role("button", name="Save scope").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Partner Borough Council is already listed"
    )
    assert_accessible(page)
    page.get_by_label("Name of the body").fill("Leicestershire Partnership NHS Trust")
    page.get_by_label("Kind of body").select_option(label="NHS trust")
    page.get_by_role("button", name="Save scope").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Scope saved")
    assert appraisal.partners.filter(
        name="Leicestershire Partnership NHS Trust", kind="nhs-trust"
    ).exists()

    # A panel with the partner council's officer on it: the picker names their council.
    page.goto("/appraisals/shared-care/panels/")
    page.get_by_label("Name").fill("Partner Borough officers")
    page.get_by_label("pat (officer, Partner Borough Council)").check()
    page.get_by_role("button", name="Add panel").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("added")

    [message] = smtp_server.wait_for("pat@partner.example.gov.uk")
    assert message["Subject"] == "You are asked to score: Appraisal shared-care"
    assert "as a member of the Partner Borough officers panel" in text_of(message)
    [link] = [u for u in links_in(message) if "/scoring/" in u]

    # Pat follows the link from the e-mail and scores.
    page.context.clear_cookies()
    log_in(page, "pat")
    page.goto(link.removeprefix(settings.SITE_URL))
    expect(page.locator("h1")).to_contain_text("Partner Borough officers")
    assert_accessible(page)
    option = appraisal.options.get(key="option-1")
    criterion = appraisal.criteria.get(key="criterion-1")
    box = page.locator(f"#c{option.pk}-{criterion.pk}-score")
    box.fill("4")
    box.press("Tab")
    expect(page.locator("#scoring-status")).to_contain_text("Saved", timeout=10_000)
    saved = Score.objects.get(panel__key="partner-borough-officers", option=option)
    assert (saved.score, saved.updated_by) == (4, personas.partner_officer)


def test_email_choices_page_is_accessible_and_saves(page, personas):
    log_in(page, "bob")
    page.get_by_role("link", name="E-mails you get").click()
    expect(page.locator("h1")).to_have_text("E-mails you get")
    assert_accessible(page)
    page.get_by_label("Questions asked").uncheck()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    assert_accessible(page)
    assert list(
        EmailOptOut.objects.filter(user=personas.member).values_list("kind", flat=True)
    ) == ["question-asked"]
    expect(page.get_by_label("Questions asked")).not_to_be_checked()
    expect(page.get_by_label("Requests to score")).to_be_checked()


def test_an_administrator_keeps_the_councils_facts(page, personas):
    log_in(page, "ada")
    page.goto(f"/council/{personas.lead.pk}/facts/")
    expect(page.locator("h1")).to_have_text("Facts")
    assert_accessible(page)
    page.get_by_label("Population").fill("lots")
    page.get_by_role("button", name="Save facts").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the population")
    assert_accessible(page)
    page.get_by_label("Population").fill("93,000")
    page.get_by_label("Net revenue budget (£ a year)").fill("£14,200,000")
    page.get_by_label("Largely rural").check()
    page.get_by_role("button", name="Save facts").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Facts saved")
    assert_accessible(page)
    page.goto("/appraisals/test-appraisal/scope/")
    row = page.get_by_role("row", name="Lead District Council")
    expect(row).to_contain_text("93,000")
    expect(row).to_contain_text("£14.2 million a year")
    expect(row).to_contain_text("Largely rural")
