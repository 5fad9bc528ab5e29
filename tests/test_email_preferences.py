"""The e-mails you get: each person turns off the kinds they do not want; invitations and
security messages cannot be turned off. The page holds only the person's own choices, so it
has no council data for another council to reach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisals import emails
from appraisals.models import EmailOptOut

URL = reverse("email-preferences")
OPTIONAL = [k for k, kind in emails.KINDS.items() if not kind.always]


@pytest.mark.parametrize("who", ["officer", "member", "admin", "partner_officer", "outsider"])
def test_everyone_sees_their_own_choices(client, personas, who):
    client.force_login(getattr(personas, who))
    response = client.get(URL)
    assert response.status_code == 200
    field = response.context["form"].fields["wanted"]
    assert [key for key, _ in field.choices] == OPTIONAL
    assert response.context["form"].initial["wanted"] == OPTIONAL  # all on to start with
    html = response.text
    assert "Requests to score" in html and "When an officer puts you on a panel" in html
    # The kinds that cannot be turned off are listed, not offered.
    assert 'value="invitation"' not in html and 'value="security"' not in html
    assert "Invitations to join a council" in html and "Security messages" in html


def test_signed_out_visitors_are_sent_to_sign_in(client, personas):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_turning_kinds_off_and_on_again(client, personas):
    client.force_login(personas.member)
    keep = ["scoring-requested", "report-issued"]
    response = client.post(URL, {"wanted": keep})
    assert response.status_code == 302
    off = set(EmailOptOut.objects.filter(user=personas.member).values_list("kind", flat=True))
    assert off == set(OPTIONAL) - set(keep)
    assert not emails.wants(personas.member, "question-answered")
    assert emails.wants(personas.member, "scoring-requested")
    assert emails.wants(personas.member, "invitation")
    page = client.get(URL)
    assert page.context["form"].initial["wanted"] == keep
    assert "Your e-mail choices are saved." in page.text
    client.post(URL, {"wanted": OPTIONAL})
    assert not EmailOptOut.objects.filter(user=personas.member).exists()
    # Someone else's choices are theirs: the officer still gets everything.
    client.post(URL, {"wanted": []})
    assert all(emails.wants(personas.officer, k) for k in OPTIONAL)


def test_invitations_and_security_messages_cannot_be_turned_off(client, personas):
    client.force_login(personas.officer)
    response = client.post(URL, {"wanted": ["invitation"]})
    assert response.status_code == 200
    assert 'href="#id_wanted_0"' in response.text  # the error summary
    assert not EmailOptOut.objects.filter(user=personas.officer).exists()
    client.post(URL, {"wanted": []})  # everything that can be turned off, off
    assert set(
        EmailOptOut.objects.filter(user=personas.officer).values_list("kind", flat=True)
    ) == set(OPTIONAL)
    assert emails.wants(personas.officer, "invitation")
    assert emails.wants(personas.officer, "security")


def test_every_page_links_to_the_choices(client, personas):
    client.force_login(personas.member)
    assert f'href="{URL}"' in client.get(reverse("appraisals:home")).text


def test_a_person_without_an_address_is_told_nothing_is_sent(client, personas):
    client.force_login(personas.member)
    assert "Your account has no e-mail address" in client.get(URL).text
    personas.member.email = "bob@example.gov.uk"
    personas.member.save()
    assert "The service writes to you at bob@example.gov.uk" in client.get(URL).text


def test_the_page_asks_the_database_little(client, personas, django_assert_num_queries):
    client.force_login(personas.member)
    # session, user, the opt-outs, the header's memberships and councils
    with django_assert_num_queries(5):
        client.get(URL)


def test_your_account_links_to_the_choices_once(client, personas):
    client.force_login(personas.member)
    page = client.get(reverse("signin:account")).text
    assert page.count(f'href="{URL}"') == 2  # the summary row, and the footer on every page
