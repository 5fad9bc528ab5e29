"""An officer builds an appraisal in the browser: scope, options from the catalogue, criteria
from the library, weights (watching the shares update as they type), a panel, a risk and a
financial case, then finds each change in the history."""

import re

from playwright.sync_api import expect

from appraisals.models import Appraisal, Change, CriteriaSet
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import delivery_model


def _catalogue() -> None:
    delivery_model("do-nothing", "Do nothing")
    shared = delivery_model("shared-service", "Shared service")
    shared.legal_entity, shared.advantages = "No", "Pooled expertise and resilience"
    shared.save()
    csf = CriteriaSet.objects.create(key="csf", name="Critical success factors")
    csf.criteria.create(key="fit", name="Strategic fit", order=1)
    csf.criteria.create(key="vfm", name="Value for money", order=2)


def test_officer_builds_an_appraisal(page, personas):
    _catalogue()
    log_in(page, "alice")

    # Scope
    page.get_by_role("button", name="Start a new appraisal").click()
    page.get_by_label("Title").fill("Shared payroll")
    page.get_by_label("Other services").fill("Payroll")
    page.get_by_label("Partner Borough Council").check()
    page.get_by_label("Committee").fill("Cabinet")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_role("button", name="Start the appraisal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared payroll")
    appraisal = Appraisal.objects.get(title="Shared payroll")

    # Options from the catalogue, with the model's traits one click away
    page.get_by_role("link", name="Options", exact=True).click()
    page.get_by_text("Details of Shared service").click()
    page.get_by_text("Advantages and disadvantages of Shared service").click()
    expect(page.get_by_text("Pooled expertise and resilience")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Add\W+Do nothing")).click()
    expect(page.get_by_label("This is the baseline")).to_be_checked()  # the first do-nothing
    page.get_by_role("button", name="Add option").click()
    page.get_by_role("button", name=re.compile(r"Add\W+Shared service")).click()
    page.get_by_label("Name").fill("Shared service with Partner")
    page.get_by_label("Partner Borough Council").check()
    page.get_by_role("button", name="Add option").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("to the short list")

    # Criteria from the library, then weights by direct entry
    page.get_by_role("link", name=appraisal.title).first.click()
    page.get_by_role("link", name="Criteria and weights", exact=True).click()
    page.get_by_label("Strategic fit").check()
    page.get_by_label("Value for money").check()
    page.get_by_role("button", name="Add the selected criteria").click()
    page.get_by_role("button", name="Set weights").click()
    page.get_by_label("Strategic fit").fill("3")
    page.get_by_label("Value for money").fill("1")
    # the shares update as the officer types, before saving
    expect(page.locator("output").first).to_have_text("75.0%")
    expect(page.locator("output").last).to_have_text("25.0%")
    page.get_by_role("button", name="Save weights").click()
    expect(page.locator("output").first).to_have_text("75.0%")

    # A panel
    page.get_by_role("link", name=appraisal.title).first.click()
    page.get_by_role("link", name="Panels and scoring", exact=True).click()
    page.get_by_label("Name").fill("Councillors")
    page.get_by_label(re.compile("^bob")).check()
    page.get_by_role("button", name="Add panel").click()
    expect(page.get_by_role("row", name=re.compile("Councillors"))).to_be_visible()

    # A risk
    page.get_by_role("link", name=appraisal.title).first.click()
    page.get_by_role("link", name="Risks", exact=True).click()
    page.get_by_role("button", name="Add a risk").click()
    page.get_by_label("Risk", exact=True).fill("Partners disagree on governance")
    page.locator("#id_likelihood_3").check()
    page.locator("#id_impact_4").check()
    page.get_by_label("Control measures").fill("Shared governance board")
    page.locator("#id_residual_likelihood_1").check()
    page.locator("#id_residual_impact_3").check()
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_text("20 very high")).to_be_visible()
    assert_accessible(page)

    # A financial case, filled by the helper, then adjusted
    page.get_by_role("link", name=appraisal.title).first.click()
    page.get_by_role("link", name="Finance", exact=True).click()
    page.get_by_role(
        "link", name=re.compile(r"Enter\W+the financial case of Shared service")
    ).click()
    page.get_by_label("One-off cost (£)").fill("250000")
    page.get_by_label("Saving a year once fully running (£)").fill("1200000")
    page.get_by_label("Number of years").fill("5")
    page.get_by_role("button", name="Fill in the table").click()
    expect(page.get_by_label("Savings (central), year 1")).to_have_value("600,000")
    page.get_by_label("Costs, year 1").fill("100000")
    page.get_by_label("Lead District Council").fill("50")
    page.get_by_label("Partner Borough Council").fill("50")
    page.get_by_role("button", name="Save financial case").click()
    expect(page.get_by_text("Payback", exact=True)).to_be_visible()
    assert_accessible(page)

    # Everything is in the history, with who made it
    page.get_by_role("link", name="History").click()
    for kind in ("option", "criterion", "weight", "panel", "risk", "finance"):
        assert Change.objects.filter(appraisal=appraisal, kind=kind, user=personas.officer)
    expect(page.get_by_role("cell", name="100000, 0, 0, 0").first).to_be_visible()
    case = appraisal.options.get(key="shared-service-with-partner").financial_case
    assert case.costs == [250000, 100000, 0, 0, 0]


def test_the_task_list_works_with_the_keyboard_alone(page, personas):
    log_in(page, "alice")
    page.goto(personas.appraisal.get_absolute_url())
    link = page.get_by_role("link", name="Risks", exact=True)
    link.focus()
    # visible focus: GOV.UK's yellow focus state
    assert page.evaluate("getComputedStyle(document.activeElement).backgroundColor") == (
        "rgb(255, 221, 0)"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks")
