"""axe-core on the pages of issue 14's reuse and housekeeping: copying an appraisal, and
the pages added with it, as each role that may open them sees them, errors included."""

import pytest

from tests.browser.conftest import assert_accessible, log_in


@pytest.fixture
def appraisal(personas):
    return personas.appraisal


def test_the_copy_page_is_accessible_with_and_without_errors(page, appraisal):
    log_in(page, "alice")
    page.goto(f"/appraisals/{appraisal.reference}/copy/")
    assert page.locator("h1").inner_text() == "Copy as a new appraisal"
    assert_accessible(page)
    page.get_by_label("Title of the new appraisal").fill("")
    page.get_by_role("button", name="Copy as a new appraisal").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Title of the new appraisal").fill("Next service")
    page.get_by_role("button", name="Copy as a new appraisal").click()
    page.wait_for_url("**/appraisals/next-service/")
    assert_accessible(page)


def test_archiving_deleting_and_the_deleted_list_are_accessible(page, appraisal):
    log_in(page, "alice")
    page.goto(f"/appraisals/{appraisal.reference}/")
    page.get_by_role("button", name="Archive this appraisal").click()
    page.wait_for_url(f"**/appraisals/{appraisal.reference}/")
    assert page.get_by_text("This appraisal is archived.").is_visible()
    assert_accessible(page)
    page.goto("/?archived=on")
    assert page.get_by_label("Include archived appraisals").is_checked()
    assert page.get_by_role("link", name=appraisal.title).is_visible()
    assert_accessible(page)
    page.goto(f"/appraisals/{appraisal.reference}/")
    page.get_by_role("button", name="Unarchive it").click()
    page.get_by_role("link", name="Delete this appraisal").click()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete this appraisal").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("I understand that the appraisal").check()
    page.get_by_role("button", name="Yes, delete this appraisal").click()
    page.wait_for_url("**/deleted-appraisals/")
    assert page.get_by_role("cell", name=appraisal.title).is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("username", ["bob", "pat"])
def test_members_and_partners_see_the_archived_banner_and_deleted_list(page, appraisal, username):
    appraisal.archived = True
    appraisal.save()
    log_in(page, username)
    page.goto(f"/appraisals/{appraisal.reference}/")
    assert page.get_by_text("This appraisal is archived.").is_visible()
    assert page.get_by_role("button", name="Unarchive it").count() == 0
    assert_accessible(page)
    page.goto("/deleted-appraisals/")
    assert_accessible(page)


@pytest.mark.parametrize("username", ["alice", "bob", "ada", "pat", "charlie"])
def test_the_dashboard_is_accessible_to_each_role(page, appraisal, username):
    log_in(page, username)
    page.goto("/dashboard/")
    assert page.locator("h1").inner_text() == "Dashboard"
    rows = page.locator(".govuk-table tbody tr")
    if username == "charlie":  # another council: none of the lead's appraisals
        assert page.get_by_role("link", name=appraisal.title).count() == 0
    else:
        assert rows.count() == 1 and page.get_by_role("link", name=appraisal.title).is_visible()
    assert_accessible(page)
    page.locator('a[href="?sort=npv_central"]').click()
    page.wait_for_url("**sort=npv_central")
    assert_accessible(page)
    page.get_by_label("Status").select_option("issued")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_text("No appraisals match your filters").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("username", ["alice", "bob", "ada", "pat", "charlie"])
def test_the_search_is_accessible_to_each_role(page, appraisal, username):
    risk = appraisal.risks.create(
        risk="Zebracrossing delays", likelihood=2, impact=2, residual_likelihood=1,
        residual_impact=1,
    )  # fmt: skip
    log_in(page, username)
    page.goto("/")
    page.get_by_label("Search the appraisals").fill("zebracrossing")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search/?q=zebracrossing")
    heading = page.locator("#results")
    if username == "charlie":  # another council
        assert heading.inner_text() == "No results for “zebracrossing”"
    else:
        assert heading.inner_text() == "1 result for “zebracrossing”"
        assert page.get_by_role("link", name=f"Risk: {risk.risk}").is_visible()
    assert_accessible(page)
