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
