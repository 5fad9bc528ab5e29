"""The demo shows an appraisal after its committee: `demo_decision` takes Wellingborough's
through issue, the record of decision (one recommendation amended) and a first year."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from appraisals.models import Appraisal, Change

pytestmark = pytest.mark.django_db


def test_the_wellingborough_demo_is_decided_and_being_implemented(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("demo_decision", stdout=io.StringIO())
    appraisal = Appraisal.objects.get(reference="wellingborough-asd")
    assert appraisal.status == Appraisal.Status.IMPLEMENTING
    decision = appraisal.decision
    assert [r.outcome for r in decision.recommendations.all()] == ["amended"]
    assert decision.chosen_option == "shared-management"
    # £3M, 25% of the net revenue budget, in four years
    assert appraisal.target_pounds == 3_000_000 and appraisal.savings_target_percent == 25
    client.force_login(get_user_model().objects.get(username="officer.wellingborough"))
    page = client.get(reverse("appraisals:benefits", args=[appraisal.reference])).content
    text = page.decode()
    assert "£3,000,000 a year by year 4 (25% of the net revenue budget)" in text
    assert "£265,000" in text  # the first year's actual savings
    changes = Change.objects.count()
    again = io.StringIO()
    call_command("demo_decision", stdout=again)
    assert "Nothing to do" in again.getvalue() and Change.objects.count() == changes
