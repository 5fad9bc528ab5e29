"""In a browser, with axe on every new page: "What changed" (from the versions page, with a
section's text before and after opened), the sign-off page (before and after the chief
finance officer agrees) and the council's statutory officers page (with an error)."""

from __future__ import annotations

from playwright.sync_api import expect

from appraisals.models import Appraisal, Authority, ReportVersion, Score
from appraisals.results import evaluate, snapshot_of
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import make_user
from tests.test_reports_data import make_report_appraisal

REF = "report-test"


def issued_then_changed(personas) -> Appraisal:
    appraisal = make_report_appraisal(options=2, criteria=3, panels=2, risks=2)
    ReportVersion.objects.create(
        appraisal=appraisal,
        number=1,
        snapshot=snapshot_of(evaluate(appraisal)),
        pdf=b"%PDF-1.7",
        sha256="1" * 64,
    )
    score = Score.objects.filter(panel__appraisal=appraisal, option__baseline=False).first()
    Score.objects.filter(pk=score.pk).update(score=5 if score.score != 5 else 4)
    narrative = {**appraisal.narrative, "financial": "Rewritten after the first version."}
    Appraisal.objects.filter(pk=appraisal.pk).update(narrative=narrative)
    return appraisal


def test_an_officer_reads_what_changed_from_the_versions_page(page, personas):
    issued_then_changed(personas)
    log_in(page, "alice")
    page.goto(f"/appraisals/{REF}/versions/")
    page.get_by_role("link", name="What changed since version 1").click()
    expect(page.get_by_role("heading", name="What changed", exact=True)).to_be_visible()
    expect(page.get_by_text("No changes to risks.")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("The text before and after").first.click()
    expect(page.get_by_text("Rewritten after the first version.")).to_be_visible()
    assert_accessible(page)


def test_a_member_reads_what_changed(page, personas):
    issued_then_changed(personas)
    log_in(page, "bob")
    page.goto(f"/appraisals/{REF}/versions/compare/")
    expect(page.get_by_text("officers have not yet shared the draft")).to_be_visible()
    assert_accessible(page)


def test_the_chief_finance_officer_agrees_the_financial_implications(page, personas):
    make_report_appraisal(options=2, criteria=3, panels=2, risks=2)
    cfo = make_user("cfo", personas.lead, "officer", first_name="Jane", last_name="Smith")
    Authority.objects.filter(pk=personas.lead.pk).update(
        chief_finance_officer=cfo, sign_off_required=True
    )
    log_in(page, "cfo")
    page.goto(f"/appraisals/{REF}/report/sign-off/")
    assert_accessible(page)
    page.get_by_role("button", name="Agree the financial implications as they will print").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Financial implications agreed by Jane Smith, Chief Finance Officer"
    )
    expect(page.locator("#id_sign-off-financial + dl")).to_contain_text("Agreed by Jane Smith")
    assert_accessible(page)


def test_an_administrator_names_the_statutory_officers(page, personas):
    log_in(page, "ada")
    page.goto(f"/council/{personas.lead.pk}/statutory-officers/")
    assert_accessible(page)
    page.get_by_label("Chief finance officer (section 151 officer)").select_option(label="alice")
    page.get_by_label("Reports wait for their agreement").check()
    page.get_by_role("button", name="Save the statutory officers").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
