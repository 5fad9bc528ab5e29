"""Access, settled in one place, checked on every URL of an appraisal.

The URLs are read from appraisals/urls.py, so pages added later are covered without
editing this file: another council's officer or member gets 404 (GET and POST), a member of
the lead council cannot change anything, anonymous visitors are sent to log in.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, reverse

from appraisals import urls as appraisal_urls
from appraisals.models import (
    Appraisal,
    Change,
    Decision,
    ExemptAppendix,
    ExemptPart,
    Interest,
    Membership,
    Milestone,
    PublishedDecision,
    Question,
    ReportVersion,
    Risk,
)
from tests.factories import make_user

# Pages that change the appraisal when fetched with GET show an edit form (or ask "Are you
# sure you want to remove …?"): members get 403.
EDIT_FORMS = {
    "scope-edit",
    "option-add",
    "option-edit",
    "option-remove",
    "criterion-add",
    "criterion-edit",
    "criterion-remove",
    "weights",
    "weights-swing",
    "weights-pairwise",
    "weights-pairwise-one",
    "panel-edit",
    "panel-remove",
    "risk-add",
    "risk-edit",
    "finance-edit",
    "appraisal-replace",
    "decision-edit",
    "decision-close",
    "milestone-add",
    "milestone-edit",
    "actual-year",
}
# What members may post: a question.
MEMBER_MAY_POST = {"questions"}
# The exempt appendix: for the lead council's people; a partner's only where the lead council
# allows it (it does not here), so a partner's officer gets 404 as if there were none.
EXEMPT_APPENDICES = {"exempt-appendix", "version-exempt-appendix"}


def _appraisal_patterns() -> list[URLPattern]:
    return [
        p
        for p in appraisal_urls.urlpatterns
        if isinstance(p, URLPattern) and "reference" in p.pattern.converters
    ]


PATTERNS = _appraisal_patterns()
NAMES = [p.name for p in PATTERNS]


def _key_for(route: str, name: str) -> str:
    """The `key` of the object a route is about, by the part of the path it sits under."""
    for part, key in (
        ("options/", "option-1"),
        ("finance/", "option-1"),
        ("criteria/", "criterion-1"),
        ("panels/", "panel-1"),
        ("report/preview/", "legal"),
    ):
        if part in route:
            return key
    raise AssertionError(f"tell tests/test_access.py what <key> means in {name}")


def _url(pattern: URLPattern, personas) -> str:
    appraisal = personas.appraisal
    risk = appraisal.risks.first() or Risk.objects.create(
        appraisal=appraisal, risk="Delay", likelihood=2, impact=3,
        residual_likelihood=1, residual_impact=2,
    )  # fmt: skip
    question = appraisal.questions.first() or Question.objects.create(
        appraisal=appraisal, asked_by=personas.member, text="Why?"
    )
    if "number" in pattern.pattern.converters:  # an issued report to download
        ReportVersion.objects.get_or_create(
            appraisal=appraisal,
            number=1,
            defaults={
                "snapshot": {},
                "pdf": b"%PDF-1.7",
                "sha256": "0" * 64,
                "html": "<!DOCTYPE html><title>Report</title>",
                "docx": b"PK\x03\x04 a Word file",
            },
        )
    if pattern.name in EXEMPT_APPENDICES:  # something exempt, and a version that kept it
        ExemptPart.objects.get_or_create(
            appraisal=appraisal,
            kind=ExemptPart.Kind.RISK,
            risk=risk,
            defaults={"paragraph": 3, "reason": "Commercial negotiations are under way."},
        )
        Appraisal.objects.filter(pk=appraisal.pk).update(has_exempt_parts=True)
        appraisal.has_exempt_parts = True
        if "number" in pattern.pattern.converters:
            ExemptAppendix.objects.get_or_create(
                report_version=appraisal.report_versions.get(number=1),
                defaults={"pdf": b"%PDF-1.7 exempt", "sha256": "0" * 64},
            )
    route = str(pattern.pattern)
    milestone = None
    if "decision/" in route or "benefits/" in route:  # decided on, and being implemented
        milestone = _implementing(appraisal)
    values = {
        "reference": appraisal.reference,
        "panel": "panel-1",
        "option": "option-1",
        "criterion": "criterion-1",
        "first": "criterion-1",  # a pairwise comparison
        "second": "criterion-2",
        "number": 1,
        "version": 1,
    }
    kwargs = {}
    for name in pattern.pattern.converters:
        if name == "key":
            kwargs[name] = _key_for(route, pattern.name)
        elif name == "pk" and "interest" in pattern.name:  # the officer's own declaration
            kwargs[name] = (
                Interest.objects.filter(appraisal=appraisal, user=personas.officer).first()
                or Interest.objects.create(
                    appraisal=appraisal,
                    user=personas.officer,
                    kind="other_registrable",
                    description="Governor of a school the service supports",
                )
            ).pk
        elif name == "pk":
            kwargs[name] = (
                question.pk
                if "question" in pattern.name
                else milestone.pk
                if milestone is not None
                else risk.pk
            )
        else:
            kwargs[name] = values.get(name, 1)
    return reverse(f"appraisals:{pattern.name}", kwargs=kwargs)


def _implementing(appraisal) -> Milestone:
    """A record of decision on an issued version, implementation started, one milestone."""
    finance = {"costs": [10, 0], "savings": {"low": [0, 5], "central": [0, 9], "high": [0, 12]}}
    version, _ = ReportVersion.objects.get_or_create(
        appraisal=appraisal,
        number=1,
        defaults={
            "snapshot": {
                "lead_authority": appraisal.lead_authority.name,
                "options": [{"key": "option-1", "name": "Option 1"}],
                "finance": {"options": {"option-1": finance}},
            },
            "pdf": b"%PDF-1.7",
            "sha256": "0" * 64,
        },
    )
    Decision.objects.get_or_create(
        appraisal=appraisal,
        defaults={
            "report_version": version,
            "maker": "cabinet",
            "maker_name": "Cabinet",
            "decided_on": "2026-12-14",
            "minute_reference": "CAB 1",
            "reasons": "Best value.",
            "chosen_option": "option-1",
            "call_in_status": "upheld",
        },
    )
    PublishedDecision.objects.get_or_create(
        decision=appraisal.decision,
        number=1,
        defaults={"record": {}, "pdf": b"%PDF-1.7 published", "sha256": "0" * 64},
    )
    Appraisal.objects.filter(pk=appraisal.pk).update(status=Appraisal.Status.IMPLEMENTING)
    return appraisal.milestones.first() or Milestone.objects.create(
        appraisal=appraisal, name="Consultation", due_on="2027-01-29"
    )


def test_every_appraisal_url_is_covered():
    # A guard for the parametrisation itself: the workspace's pages are all there.
    assert {"appraisal", "scope-edit", "options", "risks", "history", "questions"} <= set(NAMES)


@pytest.fixture
def outsiders(personas):
    """Another council's officer (charlie) and a member of that council."""
    member = make_user("olive", personas.unrelated, Membership.Role.MEMBER)
    return [personas.outsider, member]


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_another_councils_users_get_404_on_get_and_post(client, personas, outsiders, pattern):
    url = _url(pattern, personas)
    for user in outsiders:
        client.force_login(user)
        assert client.get(url).status_code == 404, f"{user} GET {url}"
        assert client.post(url, {"name": "x", "text": "x"}).status_code == 404, f"{user} POST {url}"


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client, personas, pattern):
    url = _url(pattern, personas)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_members_cannot_change_anything(client, personas, pattern):
    if pattern.name in MEMBER_MAY_POST:
        pytest.skip("members may ask questions (tests/test_questions.py)")
    url = _url(pattern, personas)
    changes = Change.objects.count()
    client.force_login(personas.member)
    response = client.post(url, {"name": "x", "text": "x", "answer": "x", "score": "1"})
    # 403 for edits; 405 for pages that only show things.
    assert response.status_code in (403, 405), f"POST {url}: {response.status_code}"
    assert Change.objects.count() == changes


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_members_see_pages_but_not_edit_forms(client, personas, pattern):
    url = _url(pattern, personas)
    client.force_login(personas.member)
    status = client.get(url).status_code
    if pattern.name in EDIT_FORMS:
        assert status == 403, f"GET {url}"
    else:
        # Reading is allowed; a page that only takes POST answers 405; a member who is not
        # in a panel may be refused its scoring grid.
        assert status in (200, 403, 405), f"GET {url}: {status}"


@pytest.mark.parametrize("pattern", PATTERNS, ids=NAMES)
def test_partner_officers_see_but_cannot_edit(client, personas, pattern):
    url = _url(pattern, personas)
    client.force_login(personas.partner_officer)
    status = client.get(url).status_code
    if pattern.name in EDIT_FORMS:
        assert status == 403, f"GET {url}"
    elif pattern.name in EXEMPT_APPENDICES:
        assert status == 404, f"GET {url}: {status}"
    else:
        assert status in (200, 403, 405), f"GET {url}: {status}"


@pytest.mark.parametrize("name", sorted(EDIT_FORMS))
def test_officers_of_the_lead_council_open_every_edit_form(client, personas, name):
    pattern = next(p for p in PATTERNS if p.name == name)
    url = _url(pattern, personas)
    if name == "option-add":
        url += "?model=in-house"
    client.force_login(personas.officer)
    assert client.get(url).status_code == 200


def test_only_officers_start_or_import_appraisals(client, personas):
    client.force_login(personas.member)
    assert client.get(reverse("appraisals:appraisal-new")).status_code == 403
    assert client.post(reverse("appraisals:appraisal-new"), {"title": "x"}).status_code == 403
    assert client.get(reverse("appraisals:appraisal-import")).status_code == 403
    client.force_login(personas.officer)
    assert client.get(reverse("appraisals:appraisal-new")).status_code == 200
    assert client.get(reverse("appraisals:appraisal-import")).status_code == 200


def _without_csrf_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_refusals_are_gov_uk_pages_with_a_way_back(client, personas):
    client.force_login(personas.member)
    response = client.get(reverse("appraisals:scope-edit", args=[personas.appraisal.reference]))
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    page = response.text
    assert "You do not have permission to do this" in page
    assert "Only officers of the lead council can change this appraisal." in page
    assert f'href="{personas.appraisal.get_absolute_url()}">Go back to the appraisal' in page
    response = client.get(reverse("appraisals:appraisal-new"))
    assert f'href="{reverse("appraisals:home")}">Go back to your appraisals' in response.text


def test_another_councils_appraisal_is_the_same_page_not_found_as_a_missing_one(client, personas):
    client.force_login(personas.outsider)
    hidden = client.get(personas.appraisal.get_absolute_url())
    # a reference of the same length, so not even the page's size differs
    missing = client.get(reverse("appraisals:appraisal", args=["x" * len("test-appraisal")]))
    assert hidden.status_code == missing.status_code == 404
    assert [t.name for t in hidden.templates][:2] == ["404.html", "base.html"]
    assert "Page not found" in hidden.text and "govuk-heading-l" in hidden.text
    assert _without_csrf_token(hidden.text) == _without_csrf_token(missing.text)
    assert client.get("/no/such/page/").status_code == 404
