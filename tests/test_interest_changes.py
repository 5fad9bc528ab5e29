"""Declarations of interest are withdrawn or amended by their holder, with the reason, and
kept (issue 13 point 4): the lists show them as they stand and what was withdrawn or amended;
a disclosable pecuniary interest's bar on scoring lifts only once it is withdrawn."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from appraisals import interests
from appraisals.models import Change, Interest
from appraisals.reports.build import build_report
from appraisals.results import evaluate


def url(appraisal, name: str, *args) -> str:
    return reverse(f"appraisals:{name}", args=[appraisal.reference, *args])


def loaded(page) -> str:
    return re.search(r'name="loaded" value="([^"]*)"', page.content.decode()).group(1)


@pytest.fixture
def seated(personas):
    personas.appraisal.panels.get(key="panel-1").members.add(personas.member)
    return personas


@pytest.fixture
def dpi(seated) -> Interest:
    option = seated.appraisal.options.get(key="option-1")
    return interests.declare(
        appraisal=seated.appraisal,
        user=seated.member,
        kind="disclosable_pecuniary",
        options=[option],
        description="Director of a company that is bidding",
    )


def barred(seated) -> set[str]:
    appraisal = seated.appraisal
    ids = interests.barred_options(seated.member, appraisal)
    return set(appraisal.options.filter(pk__in=ids).values_list("key", flat=True))


def test_withdrawing_a_dpi_lifts_the_bar_and_keeps_the_declaration(client, seated, dpi):
    assert barred(seated) == {"option-1"}
    client.force_login(seated.member)
    page = client.get(url(seated.appraisal, "interest-withdraw", dpi.pk))
    assert page.status_code == 200
    refused = client.post(
        url(seated.appraisal, "interest-withdraw", dpi.pk), {"loaded": loaded(page)}
    )
    assert "Enter why you are withdrawing the declaration" in refused.content.decode()
    assert barred(seated) == {"option-1"}
    response = client.post(
        url(seated.appraisal, "interest-withdraw", dpi.pk),
        {"loaded": loaded(page), "reason": "I resigned as director on 1 December"},
    )
    assert response.status_code == 302
    assert barred(seated) == set()
    kept = Interest.objects.get(pk=dpi.pk)
    assert kept.ended_at is not None and kept.end_reason == "I resigned as director on 1 December"
    assert Change.objects.filter(kind="interest", field="withdrawn").count() == 1
    listed = client.get(url(seated.appraisal, "interests")).content.decode()
    assert "Withdrawn or amended" in listed
    assert (
        "withdrew their declaration of a disclosable pecuniary interest in Option 1 (Director of "
        "a company that is bidding): I resigned as director on 1 December." in listed
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "other_registrable"}, "kind"),  # no longer a DPI
        ({"options": "option-2"}, "options"),  # moved off the option it barred
    ],
)
def test_an_amendment_cannot_lift_the_bar(client, seated, dpi, change, field):
    appraisal = seated.appraisal
    client.force_login(seated.member)
    page = client.get(url(appraisal, "interest-amend", dpi.pk))
    data = {
        "loaded": loaded(page),
        "kind": "disclosable_pecuniary",
        "options": [appraisal.options.get(key="option-1").pk],
        "description": "Director of a company that is bidding",
        "reason": "It changed",
    }
    if "options" in change:
        data["options"] = [appraisal.options.get(key=change["options"]).pk]
    else:
        data.update(change)
    response = client.post(url(appraisal, "interest-amend", dpi.pk), data)
    assert response.status_code == 200
    assert "withdraw the declaration instead" in response.content.decode()
    assert barred(seated) == {"option-1"}
    assert Interest.objects.get(pk=dpi.pk).ended_at is None and Interest.objects.count() == 1


def test_an_amendment_replaces_the_declaration_and_keeps_the_old_one(client, seated, dpi):
    appraisal = seated.appraisal
    client.force_login(seated.member)
    page = client.get(url(appraisal, "interest-amend", dpi.pk))
    assert "Director of a company that is bidding" in page.content.decode()
    both = [o.pk for o in appraisal.options.filter(key__in=["option-1", "option-2"])]
    response = client.post(
        url(appraisal, "interest-amend", dpi.pk),
        {
            "loaded": loaded(page),
            "kind": "disclosable_pecuniary",
            "options": both,
            "description": "Director of a company bidding for both",
            "reason": "The company also bids for option 2",
        },
    )
    assert response.status_code == 302
    old = Interest.objects.get(pk=dpi.pk)
    new = old.replaced_by
    assert new is not None and new.ended_at is None and new.declared_at == old.declared_at
    assert barred(seated) == {"option-1", "option-2"}
    # The report's consultation section and the record of decision list both.
    said = interests.declared_sentences(appraisal)
    assert any("Director of a company bidding for both" in s for s in said)
    assert any(
        "amended their declaration of a disclosable pecuniary interest in Option 1 (Director "
        "of a company that is bidding): The company also bids for option 2." in s
        for s in said
    )
    report = build_report(evaluate(appraisal))
    consultation = next(s for s in report.sections if s.key == "consultation")
    text = repr(consultation)
    assert "Declarations withdrawn or amended" in text and "also bids for option 2" in text


def test_someone_elses_declaration_cannot_be_changed(client, seated, dpi):
    client.force_login(seated.officer)
    for name in ("interest-amend", "interest-withdraw"):
        assert client.get(url(seated.appraisal, name, dpi.pk)).status_code == 403
        assert client.post(url(seated.appraisal, name, dpi.pk), {"reason": "x"}).status_code == 403
    with pytest.raises(interests.InterestError, match="only your own"):
        interests.withdraw(interest=dpi, user=seated.officer, reason="Not mine")
    assert barred(seated) == {"option-1"}


def test_another_council_gets_404(client, seated, dpi):
    client.force_login(seated.outsider)
    for name in ("interest-amend", "interest-withdraw"):
        assert client.get(url(seated.appraisal, name, dpi.pk)).status_code == 404
        assert client.post(url(seated.appraisal, name, dpi.pk), {"reason": "x"}).status_code == 404


def test_a_withdrawn_declaration_cannot_be_withdrawn_or_amended_again(client, seated, dpi):
    interests.withdraw(interest=dpi, user=seated.member, reason="Resigned")
    client.force_login(seated.member)
    assert client.get(url(seated.appraisal, "interest-withdraw", dpi.pk)).status_code == 404
    with pytest.raises(interests.InterestError, match="already been withdrawn"):
        interests.amend(
            interest=dpi, user=seated.member, reason="Again", kind="disclosable_pecuniary"
        )


def test_after_withdrawing_an_interest_the_member_may_declare_none(seated):
    other = interests.declare(
        appraisal=seated.appraisal,
        user=seated.member,
        kind="other_registrable",
        description="Member of a union",
    )
    with pytest.raises(interests.InterestError, match="already declared an interest"):
        interests.declare(appraisal=seated.appraisal, user=seated.member, kind="none")
    interests.withdraw(interest=other, user=seated.member, reason="I left the union")
    interests.declare(appraisal=seated.appraisal, user=seated.member, kind="none")
    shown = evaluate(seated.appraisal).interests
    assert [d.kind for d in shown.declarations] == ["none"]
    assert len(shown.history) == 1


def test_an_amendment_from_a_page_loaded_before_another_is_refused(client, seated):
    """Two tabs: the declaration was amended in one, so the other's save finds it gone."""
    appraisal = seated.appraisal
    interest = interests.declare(
        appraisal=appraisal, user=seated.member, kind="other_registrable", description="Union"
    )
    client.force_login(seated.member)
    page = client.get(url(appraisal, "interest-amend", interest.pk))
    interests.amend(
        interest=interest,
        user=seated.member,
        reason="Now branch secretary",
        kind="other_registrable",
        description="Union branch secretary",
    )
    response = client.post(
        url(appraisal, "interest-amend", interest.pk),
        {
            "loaded": loaded(page),
            "kind": "other_registrable",
            "description": "Union treasurer",
            "reason": "My role changed",
        },
    )
    assert response.status_code == 404
    assert [i.description for i in Interest.objects.filter(ended_at__isnull=True)] == [
        "Union branch secretary"
    ]
