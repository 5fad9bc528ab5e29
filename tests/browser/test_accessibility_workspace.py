"""axe-core on every kind of page of the officer's workspace, as officers and members see
them, including forms showing their errors."""

import pytest

from appraisals.models import CriteriaSet, FinancialCase, Question, Risk
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import delivery_model


@pytest.fixture
def filled(personas):
    """The personas' appraisal with something on every page."""
    appraisal = personas.appraisal
    model = delivery_model("shared-service", "Shared service")
    model.legal_entity, model.advantages, model.disadvantages = "No", "Resilience", "Slow"
    model.typical_note = "Pooled expertise and resilience; needs trust between the partners."
    model.save()
    library = CriteriaSet.objects.create(key="csf", name="Critical success factors")
    library.criteria.create(key="fit", name="Strategic fit", group="Strategic")
    Risk.objects.create(
        appraisal=appraisal, risk="Delay", consequences="Cost", likelihood=4, impact=5,
        controls="Plan", residual_likelihood=2, residual_impact=3, owner="CEO",
    )  # fmt: skip
    FinancialCase.objects.create(
        option=appraisal.options.get(key="option-1"),
        costs=[250_000, 0],
        savings_low=[0, 400_000],
        savings_central=[0, 500_000],
        savings_high=[0, 600_000],
    )
    Question.objects.create(appraisal=appraisal, asked_by=personas.member, text="Why?")
    return appraisal


OFFICER_PAGES = [
    "/",
    "/appraisals/new/",
    "/appraisals/import/",
    "/delivery-models/",
    "/delivery-models/shared-service/",
    "/criteria-library/",
    "/criteria-library/csf/",
    "/appraisals/test-appraisal/",
    "/appraisals/test-appraisal/scope/",
    "/appraisals/test-appraisal/options/",
    "/appraisals/test-appraisal/options/add/?model=shared-service",
    "/appraisals/test-appraisal/options/option-1/",
    "/appraisals/test-appraisal/options/option-1/remove/",
    "/appraisals/test-appraisal/options/do-nothing/remove/",
    "/appraisals/test-appraisal/criteria/",
    "/appraisals/test-appraisal/criteria/add/",
    "/appraisals/test-appraisal/criteria/criterion-1/",
    "/appraisals/test-appraisal/criteria/criterion-1/remove/",
    "/appraisals/test-appraisal/weights/",
    "/appraisals/test-appraisal/weights/swing/",
    "/appraisals/test-appraisal/weights/pairwise/",
    "/appraisals/test-appraisal/panels/",
    "/appraisals/test-appraisal/panels/panel-1/",
    "/appraisals/test-appraisal/panels/panel-1/remove/",
    "/appraisals/test-appraisal/risks/",
    "/appraisals/test-appraisal/risks/add/",
    "/appraisals/test-appraisal/finance/",
    "/appraisals/test-appraisal/finance/option-1/",
    "/appraisals/test-appraisal/history/",
    "/appraisals/test-appraisal/questions/",
    "/appraisals/test-appraisal/replace/",
]


def test_officer_pages_are_accessible(page, filled):
    log_in(page, "alice")
    for path in OFFICER_PAGES:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert page.title(), path
        assert_accessible(page)


def test_member_pages_are_accessible(page, filled, personas):
    personas.appraisal.panels.get(key="panel-1").members.add(personas.member)
    log_in(page, "bob")
    for path in [
        "/",
        "/?title=nothing-matches",
        "/appraisals/test-appraisal/",
        "/appraisals/test-appraisal/scope/",  # 403
        "/appraisals/no-such-appraisal/",  # 404
        "/appraisals/test-appraisal/risks/",
        "/appraisals/test-appraisal/finance/",
        "/appraisals/test-appraisal/questions/",
    ]:
        page.goto(path)
        assert_accessible(page)


def test_forms_showing_errors_are_accessible(page, filled):
    log_in(page, "alice")
    page.goto("/appraisals/test-appraisal/risks/add/")
    page.get_by_role("button", name="Save risk").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    # the summary's first link moves focus to the field it names
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_risk"

    page.goto("/appraisals/test-appraisal/weights/")
    page.get_by_label("Criterion 1").fill("-1")
    page.get_by_role("button", name="Save weights").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    page.goto("/appraisals/new/")
    page.get_by_role("button", name="Start the appraisal").click()
    assert_accessible(page)


def test_sign_in_page_with_an_error_is_accessible(page, personas):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
