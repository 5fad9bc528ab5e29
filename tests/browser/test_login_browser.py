from tests.browser.conftest import assert_accessible, log_in


def test_sign_in_page_and_home_are_accessible(page, personas):
    page.goto("/accounts/login/")
    assert_accessible(page)
    log_in(page, "alice")
    assert page.get_by_role("heading", level=1).inner_text() == "Appraisals"
    assert_accessible(page)


def test_sign_in_with_keyboard_only(page, personas):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # service name
    page.get_by_label("Username").focus()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("test-password-123")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert personas.appraisal.title in page.content()


def test_the_lockout_page_is_accessible(page, personas, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Too many attempts to sign in"
    assert_accessible(page)
