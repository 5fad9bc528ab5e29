"""Issue 12's "Done when", in Chromium with axe on every page visited.

The site has its reference data (the delivery-model catalogue) and one person, its operator.
The operator runs `create_council`; from then on nobody is a superuser. The council's first
administrator accepts from the e-mail that reached the SMTP server on loopback, and invites
an officer and a councillor, who accept from theirs. The officer starts an appraisal, adds an
NHS trust as partner (a body that did not exist), builds it and puts the councillor on a
panel; the councillor signs in from the e-mail asking them to score, and scores."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from appraisals.models import Appraisal, Authority, Membership, Score
from tests.browser.conftest import assert_accessible
from tests.factories import delivery_model
from tests.smtp import links_in

COUNCIL = "Rutland Water District Council"
PASSWORDS = {
    "ruth.admin@rutland-water.gov.uk": "Oakham-admin-passphrase-1",
    "omar.officer@rutland-water.gov.uk": "Oakham-officer-passphrase-2",
    "cllr.chen@rutland-water.gov.uk": "Oakham-councillor-passphrase-3",
}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _accept(context, mailbox, address: str, first: str, last: str, role_words: str):
    """The invitee opens the link in their e-mail in a browser of their own and joins."""
    [message] = mailbox.wait_for(address)
    [link] = [u for u in links_in(message) if "/council/invitations/" in u]
    page = context.new_page()
    page.goto(_path(link))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {COUNCIL}")
    assert_accessible(page)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Create a password").fill(PASSWORDS[address])
    page.get_by_label("Confirm your password").fill(PASSWORDS[address])
    page.get_by_role("button", name="Create account and join").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"You have joined {COUNCIL} as {role_words}"
    )
    assert_accessible(page)
    return page


def _invite(page, address: str, role_label: str) -> None:
    page.get_by_role("link", name="Invite someone").first.click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(address)
    page.get_by_label(role_label).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Invitation sent to {address}"
    )
    assert_accessible(page)


def test_a_new_council_runs_itself_from_its_first_administrator_to_a_score(
    browser, live_server, smtp_server, settings, db
):
    settings.SITE_URL = live_server.url
    User = get_user_model()
    # The site as installed: its catalogue, and its operator (a superuser) only.
    delivery_model("do-nothing", "Do nothing")
    delivery_model("shared-service", "Shared service")
    User.objects.create_superuser("operator", "operator@example.org", "operator-password-9")
    assert list(User.objects.values_list("username", flat=True)) == ["operator"]

    # 1. The operator's only step.
    call_command("create_council", COUNCIL, "--admin", "ruth.admin@rutland-water.gov.uk")
    council = Authority.objects.get(name=COUNCIL)

    def context():
        made = browser.new_context(base_url=live_server.url)
        made.set_default_timeout(15_000)
        return made

    # 2. The first administrator joins from the e-mail, then invites an officer and a
    # councillor.
    admin_browser = context()
    admin = _accept(
        admin_browser,
        smtp_server,
        "ruth.admin@rutland-water.gov.uk",
        "Ruth",
        "Admin",
        "an administrator",
    )
    admin.get_by_role("link", name="Your council", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(admin)
    _invite(admin, "omar.officer@rutland-water.gov.uk", "Officer: builds and changes")
    _invite(admin, "cllr.chen@rutland-water.gov.uk", "Member (councillor)")

    # 3. Each accepts from the e-mail that reached the SMTP server.
    officer_browser, councillor_browser = context(), context()
    officer = _accept(
        officer_browser,
        smtp_server,
        "omar.officer@rutland-water.gov.uk",
        "Omar",
        "Officer",
        "an officer",
    )
    councillor = _accept(
        councillor_browser,
        smtp_server,
        "cllr.chen@rutland-water.gov.uk",
        "Li",
        "Chen",
        "a member (councillor)",
    )
    councillor_browser.clear_cookies()  # they come back later, from another e-mail
    roles = dict(Membership.objects.filter(authority=council).values_list("user__email", "role"))
    assert roles == {
        "ruth.admin@rutland-water.gov.uk": "administrator",
        "omar.officer@rutland-water.gov.uk": "officer",
        "cllr.chen@rutland-water.gov.uk": "member",
    }
    admin.get_by_role("link", name="People", exact=True).click()
    expect(admin.locator("main")).to_contain_text("Omar Officer")
    expect(admin.locator("main")).to_contain_text("Li Chen")
    assert_accessible(admin)

    # 4. The officer starts an appraisal led by the new council, with an NHS trust as partner.
    officer.get_by_role("button", name="Start a new appraisal").click()
    assert_accessible(officer)
    officer.get_by_label("Title").fill("Shared community equipment")
    officer.get_by_label("Other services").fill("Community equipment")
    officer.get_by_label("Name of the body").fill("Rutland Community NHS Trust")
    officer.get_by_label("Kind of body").select_option(label="NHS trust")
    officer.get_by_role("button", name="Start the appraisal").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Shared community equipment")
    assert_accessible(officer)
    appraisal = Appraisal.objects.get(title="Shared community equipment")
    assert appraisal.lead_authority == council
    [trust] = appraisal.partners.all()
    assert (trust.name, trust.kind) == ("Rutland Community NHS Trust", "nhs-trust")
    officer.get_by_role("link", name="Scope", exact=True).click()
    expect(officer.get_by_role("table", name="The councils and bodies involved")).to_contain_text(
        "Rutland Community NHS Trust"
    )
    assert_accessible(officer)

    # The trust has nobody yet: the council's administrator invites its first administrator.
    admin.get_by_role("link", name="Partner bodies", exact=True).click()
    expect(
        admin.get_by_role("row", name=re.compile("Rutland Community NHS Trust"))
    ).to_contain_text("None yet")
    assert_accessible(admin)
    admin.get_by_role(
        "link", name="Invite its administrator for Rutland Community NHS Trust"
    ).click()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator(".govuk-error-summary")).to_contain_text("Enter their email address")
    assert_accessible(admin)
    admin.get_by_label("Their email address").fill("lead@rutland-community.nhs.uk")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator(".govuk-notification-banner")).to_contain_text(
        "to be the administrator of Rutland Community NHS Trust"
    )
    assert_accessible(admin)
    assert smtp_server.wait_for("lead@rutland-community.nhs.uk")

    # Options from the catalogue.
    for model in ("Do nothing", "Shared service"):
        officer.get_by_role("link", name=appraisal.title).first.click()
        officer.get_by_role("link", name="Options", exact=True).click()
        assert_accessible(officer)
        officer.get_by_role("button", name=re.compile(rf"Add\W+{model}")).click()
        assert_accessible(officer)
        officer.get_by_role("button", name="Add option").click()
        expect(officer.locator(".govuk-notification-banner")).to_contain_text("added")
        assert_accessible(officer)
    # Criteria of its own, then weights.
    for name in ("Cost", "Quality"):
        officer.get_by_role("link", name=appraisal.title).first.click()
        officer.get_by_role("link", name="Criteria and weights", exact=True).click()
        assert_accessible(officer)
        officer.get_by_role("button", name="Write your own criterion").click()
        assert_accessible(officer)
        officer.get_by_label("Name", exact=True).fill(name)
        officer.get_by_role("button", name="Save criterion").click()
        expect(officer.locator(".govuk-notification-banner")).to_contain_text(name)
        assert_accessible(officer)
    officer.get_by_role("button", name="Set weights").click()
    assert_accessible(officer)
    officer.get_by_label("Cost").fill("60")
    officer.get_by_label("Quality").fill("40")
    officer.get_by_role("button", name="Save weights").click()
    expect(officer.locator("output").first).to_have_text("60.0%")
    assert_accessible(officer)

    # 5. A councillors' panel with Li Chen on it: that asks them to score.
    officer.get_by_role("link", name=appraisal.title).first.click()
    officer.get_by_role("link", name="Panels and scoring", exact=True).click()
    assert_accessible(officer)
    officer.get_by_label("Name", exact=True).fill("Councillors")
    officer.get_by_label(re.compile("^Li Chen")).check()
    officer.get_by_role("button", name="Add panel").click()
    expect(officer.get_by_role("row", name=re.compile("Councillors"))).to_be_visible()
    assert_accessible(officer)

    # 6. The councillor gets the e-mail, signs in from its link and scores.
    [asked] = [
        m
        for m in smtp_server.wait_for("cllr.chen@rutland-water.gov.uk", count=2)
        if m["Subject"].startswith("You are asked to score")
    ]
    assert asked["Subject"] == "You are asked to score: Shared community equipment"
    [link] = [u for u in links_in(asked) if "/scoring/" in u]
    councillor.goto(_path(link))
    expect(councillor.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(councillor)
    councillor.get_by_label("Username").fill("cllr.chen@rutland-water.gov.uk")
    councillor.get_by_label("Password").fill(PASSWORDS["cllr.chen@rutland-water.gov.uk"])
    councillor.get_by_role("button", name="Sign in").click()
    expect(councillor.locator("h1")).to_contain_text("Councillors")
    assert_accessible(councillor)
    councillor_user = User.objects.get(email="cllr.chen@rutland-water.gov.uk")
    for option in appraisal.options.all():
        for criterion, value in zip(appraisal.criteria.order_by("order"), ("2", "4"), strict=True):
            box = councillor.locator(f"#c{option.pk}-{criterion.pk}-score")
            box.fill(value)
            box.press("Tab")
            expect(councillor.locator("#scoring-status")).to_contain_text("Saved", timeout=10_000)
    assert_accessible(councillor)
    scores = Score.objects.filter(panel__appraisal=appraisal, updated_by=councillor_user)
    assert sorted(s.score for s in scores) == [2, 2, 4, 4]

    # Nobody but the operator was ever a superuser or staff.
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "operator"
    ]
    assert not User.objects.filter(is_staff=True).exclude(username="operator").exists()
    for made in (admin_browser, officer_browser, councillor_browser):
        made.close()
