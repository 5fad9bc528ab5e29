"""A panel member declares an interest in the browser; the declarations page, its errors and
the grid that then refuses the option pass axe."""

from appraisals.models import Interest
from tests.browser.conftest import assert_accessible, log_in


def test_a_member_declares_an_interest_and_the_grid_refuses_the_option(page, personas):
    personas.appraisal.panels.get(key="panel-1").members.add(personas.member)
    log_in(page, "bob")
    page.goto("/appraisals/test-appraisal/interests/")
    assert_accessible(page)
    page.get_by_role("button", name="Record declaration").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Disclosable pecuniary interest").check()
    page.get_by_label("Option 2").check()
    page.get_by_label("Describe the interest").fill("Director of a company that is bidding")
    page.get_by_role("button", name="Record declaration").click()
    assert page.get_by_text("Your declaration has been recorded.").is_visible()
    assert page.locator("#declarations").get_by_text("Director of a company").is_visible()
    assert_accessible(page)
    assert Interest.objects.get().options.get().key == "option-2"

    page.goto("/appraisals/test-appraisal/panels/panel-1/scoring/")
    barred = page.get_by_text("You declared a disclosable pecuniary interest in Option 2")
    assert barred.count() == 3  # one cell a criterion
    assert page.get_by_label("Score for Option 2 on Criterion 1", exact=True).count() == 0
    assert page.get_by_label("Score for Option 1 on Criterion 1", exact=True).count() == 1
    assert_accessible(page)


def test_a_member_amends_then_withdraws_a_declaration_and_may_then_score(page, personas):
    from appraisals import interests

    appraisal = personas.appraisal
    appraisal.panels.get(key="panel-1").members.add(personas.member)
    interests.declare(
        appraisal=appraisal,
        user=personas.member,
        kind="disclosable_pecuniary",
        options=[appraisal.options.get(key="option-2")],
        description="Director of a company that is bidding",
    )
    log_in(page, "bob")
    page.goto("/appraisals/test-appraisal/interests/")
    page.get_by_role("link", name="Amend your declaration").click()
    page.get_by_role("heading", name="Amend your declaration").wait_for()
    assert_accessible(page)
    page.get_by_label("Describe the interest").fill("Director and shareholder of a bidder")
    page.get_by_role("button", name="Amend declaration").click()
    assert page.locator(".govuk-error-summary").is_visible()  # the reason is missing
    assert_accessible(page)
    page.get_by_label("Why are you amending it?").fill("I also hold shares in it")
    page.get_by_role("button", name="Amend declaration").click()
    assert page.get_by_text("Your declaration has been amended.").is_visible()
    assert page.locator("#declaration-history").get_by_text("I also hold shares").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Withdraw your declaration").click()
    page.get_by_role("heading", name="Withdraw your declaration").wait_for()
    assert_accessible(page)
    page.get_by_label("Why are you withdrawing it?").fill("I sold the shares and resigned")
    page.get_by_role("button", name="Withdraw declaration").click()
    assert page.get_by_text("Your declaration has been withdrawn.").is_visible()
    assert_accessible(page)
    assert not Interest.objects.filter(ended_at__isnull=True).exists()
    page.goto("/appraisals/test-appraisal/panels/panel-1/scoring/")
    assert page.get_by_label("Score for Option 2 on Criterion 1", exact=True).count() == 1
