"""In Chromium, with axe on every page: a council's administrator invites a colleague, the
invitation reaches a real SMTP server on loopback, and the colleague accepts from the link in
that e-mail, sets a password and lands in the service with the role invited. Then the
administrator changes roles, sees the history, and someone in two councils switches."""

import re

from playwright.sync_api import expect

from appraisals.models import Membership
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import make_user
from tests.smtp import links_in

NEW_PASSWORD = "a-long-council-passphrase-42"


def _accept_link(mailbox, address: str) -> str:
    [message] = mailbox.wait_for(address)
    [url] = [u for u in links_in(message) if "/council/invitations/" in u]
    return url


def test_an_administrator_invites_a_colleague_who_accepts_from_the_email(
    page, personas, smtp_server, settings, live_server
):
    settings.SITE_URL = live_server.url
    log_in(page, "ada")
    page.get_by_role("link", name="Your council", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "People"
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_role("button", name="Send invitation").click()  # nothing filled in
    assert "There is a problem" in page.content()
    assert_accessible(page)
    page.get_by_label("Email address").fill("nia.newcomer@example.gov.uk")
    page.get_by_label("Officer: builds and changes").check()
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to nia.newcomer@example.gov.uk" in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "Invitations"
    assert_accessible(page)

    link = _accept_link(smtp_server, "nia.newcomer@example.gov.uk")
    assert link.startswith(live_server.url)
    invitee = page.context.browser.new_context(base_url=live_server.url)
    other = invitee.new_page()
    other.goto(link)
    assert other.get_by_role("heading", level=1).inner_text() == "Join Lead District Council"
    assert_accessible(other)
    other.get_by_label("First name").fill("Nia")
    other.get_by_label("Last name").fill("Newcomer")
    other.get_by_label("Create a password").fill("short")
    other.get_by_label("Confirm your password").fill("short")
    other.get_by_role("button", name="Create account and join").click()
    assert "This password is too short" in other.content()
    assert_accessible(other)
    other.get_by_label("Create a password").fill(NEW_PASSWORD)
    other.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Create account and join").click()
    other.wait_for_url(f"{live_server.url}/")
    assert "You have joined Lead District Council as an officer" in other.content()
    assert personas.appraisal.title in other.content()
    assert Membership.objects.get(user__email="nia.newcomer@example.gov.uk").role == "officer"

    # The link does not work a second time.
    other.goto(link)
    assert other.get_by_role("heading", level=1).inner_text() == (
        "This invitation has already been used"
    )
    assert_accessible(other)
    invitee.close()

    # Back with the administrator: Nia is on the people page; give her another role.
    page.get_by_role("link", name="People", exact=True).click()
    assert "Nia Newcomer" in page.content()
    page.get_by_role("link", name="Change role of Nia Newcomer").click()
    assert_accessible(page)
    page.get_by_label("Member (councillor)").check()
    page.get_by_role("button", name="Save role").click()
    assert "Nia Newcomer is now a member (councillor)" in page.content()
    page.get_by_role("link", name="History", exact=True).click()
    assert "Role changed" in page.content() and "Joined" in page.content()
    assert_accessible(page)


def test_the_last_administrator_and_removal_pages(page, personas):
    log_in(page, "ada")
    page.goto("/council/")
    page.get_by_role("link", name="Change role of ada").click()
    page.get_by_label("Officer: builds and changes").check()
    page.get_by_role("button", name="Save role").click()
    assert "only administrator" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Remove ada from Lead District Council").click()
    page.get_by_role("button", name="Yes, remove ada").click()
    assert "only administrator" in page.content()
    assert_accessible(page)


def test_someone_in_two_councils_switches_from_the_header(page, personas):
    make_user("sam", personas.partner, Membership.Role.OFFICER)
    Membership.objects.create(
        user=Membership.objects.get(user__username="sam").user,
        authority=personas.lead,
        role="officer",
    )
    log_in(page, "sam")
    assert "You are acting for Lead District Council" in page.locator("header").inner_text()
    page.get_by_role("link", name="Switch council").click()
    assert_accessible(page)
    page.get_by_label("Partner Borough Council").check()
    page.get_by_role("button", name="Continue").click()
    assert "You are acting for Partner Borough Council" in page.locator("header").inner_text()
    assert_accessible(page)


def test_an_invitation_link_that_is_not_valid_says_so(page, db):
    page.goto("/council/invitations/not-a-real-token/")
    assert page.get_by_role("heading", level=1).inner_text() == "This invitation link is not valid"
    assert_accessible(page)


def test_an_invitation_the_mail_server_refused_shows_as_not_delivered(page, personas, smtp_server):
    from appraisals import emails

    smtp_server.refuse(emails.ATTEMPTS)  # every try (tasks run inline in the tests)
    log_in(page, "ada")
    page.goto(f"/council/{personas.lead.pk}/invitations/new/")
    page.get_by_label("Email address").fill("nobody@example.gov.uk")
    page.get_by_label("Officer: builds and changes").check()
    page.get_by_role("button", name="Send invitation").click()
    row = page.get_by_role("row", name=re.compile("nobody@example.gov.uk"))
    expect(row).to_contain_text("Not delivered")
    expect(row).to_contain_text("Check the address, then send it again")
    assert_accessible(page)
