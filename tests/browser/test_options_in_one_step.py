"""Options in one step (issue 14): the add form sets the stage and the baseline, so four
options, one of them rejected, take four submits; the catalogue is a compact table."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from appraisals.models import Appraisal, DeliveryModel, Option
from tests.browser.conftest import assert_accessible, log_in

OPTIONS = "/appraisals/one-step/options/"


def test_four_options_one_rejected_take_at_most_five_submits(page, personas):
    catalogue = Path(settings.BASE_DIR, "fixtures", "delivery_models.json").read_text()
    for model in json.loads(catalogue):  # the real catalogue, eleven models
        DeliveryModel.objects.update_or_create(key=model.pop("key"), defaults=model)
    appraisal = Appraisal.objects.create(
        reference="one-step", title="One step", lead_authority=personas.lead
    )
    log_in(page, "alice")
    page.goto(OPTIONS)
    # Eleven models with their details folded: a page, not 7,600 pixels.
    assert page.evaluate("document.documentElement.scrollHeight") < 2600
    assert_accessible(page)
    submits = []
    page.on("request", lambda r: r.method == "POST" and submits.append(r.url))

    def add(model: str) -> None:
        page.get_by_role("button", name=re.compile(rf"^Add\W+{model}")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add an option")

    add("Do nothing")
    expect(page.get_by_label("This is the baseline")).to_be_checked()
    expect(page.get_by_label("Short-listed: scored and ranked")).to_be_checked()
    page.get_by_role("button", name="Add option").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("as the baseline")

    add("In-house transformation")
    expect(page.get_by_label("This is the baseline")).not_to_be_checked()
    page.get_by_role("button", name="Add option").click()

    add("Shared service")
    page.get_by_label("Name").fill("Shared service with Partner")
    page.get_by_role("button", name="Add option").click()

    add("Outsourcing")
    page.get_by_label("Rejected", exact=True).check()
    assert_accessible(page)
    page.get_by_label("Why was it rejected?").fill("No provider market for this service")
    page.get_by_role("button", name="Add option").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("rejected")

    assert len(submits) <= 5, submits
    stages = {
        o.delivery_model.key: (o.status, o.baseline, o.rejection_reason)
        for o in Option.objects.filter(appraisal=appraisal).select_related("delivery_model")
    }
    assert stages == {
        "do-nothing": ("shortlisted", True, ""),
        "in-house": ("shortlisted", False, ""),
        "shared-service": ("shortlisted", False, ""),
        "outsourcing": ("rejected", False, "No provider market for this service"),
    }
    # The rejected option is not offered as the baseline.
    expect(
        page.get_by_role("button", name=re.compile(r"Mark as baseline\W+Outsourcing"))
    ).to_have_count(0)
    expect(
        page.get_by_role("button", name=re.compile(r"Mark as baseline\W+In-house"))
    ).to_have_count(1)
