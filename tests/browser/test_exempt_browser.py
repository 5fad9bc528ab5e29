"""axe-core on the exempt information page (issue 13 point 5), as an officer marks a part
(errors included) and as a member and a partner's officer read it; and the results page with
an exempt financial case, as the partner's officer sees it."""

import pytest

from tests.browser.conftest import assert_accessible, log_in
from tests.test_exempt import RISK_WORDS
from tests.test_exempt import marked as marked  # noqa: F401 - the fixture


def test_an_officer_marks_a_part_exempt_on_an_accessible_page(page, marked):
    reference = marked.appraisal.reference
    log_in(page, "alice")
    page.goto(f"/appraisals/{reference}/exempt/")
    assert page.locator("h1").inner_text() == "Exempt information"
    assert_accessible(page)
    page.get_by_role("button", name="Mark as exempt").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Report section: Equalities").check()
    page.get_by_label("Paragraph 1: information relating to any individual").check()
    page.get_by_label("Why does the public interest favour keeping it exempt?").fill(
        "It names a member of staff."
    )
    page.get_by_role("button", name="Mark as exempt").click()
    assert page.get_by_text("The part is marked exempt.").is_visible()
    assert page.get_by_role("rowheader", name="Section: Equalities").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("username", ["bob", "pat"])
def test_members_and_partners_read_what_is_exempt(page, marked, username):
    reference = marked.appraisal.reference
    log_in(page, username)
    page.goto(f"/appraisals/{reference}/exempt/")
    assert page.get_by_role("rowheader", name="Financial case: Option 1").is_visible()
    assert page.get_by_role("button", name="Mark as exempt").count() == 0
    assert (page.get_by_role("link", name="Download exempt Appendix F").count() == 1) == (
        username == "bob"
    )
    assert_accessible(page)
    page.goto(f"/appraisals/{reference}/risks/")
    assert (RISK_WORDS in page.content()) == (username == "bob")
    assert_accessible(page)
