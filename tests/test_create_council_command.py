"""`manage.py create_council NAME --admin EMAIL`, and the same from the Django admin: the
site operator's only step; the council's first administrator gets an invitation e-mail."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisals.models import Authority, Membership
from councils.models import CouncilChange, Invitation
from tests.smtp import links_in

pytestmark = pytest.mark.django_db


def test_the_command_creates_the_council_and_invites_its_administrator(
    smtp_server, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_council",
            "Rutland  County Council",
            "--admin",
            "it@rutland.gov.uk",
            "--kind",
            "unitary",
        )
    council = Authority.objects.get(name="Rutland County Council")
    assert council.kind == "unitary"
    invitation = Invitation.objects.get()
    assert (invitation.authority, invitation.email, invitation.role) == (
        council,
        "it@rutland.gov.uk",
        Membership.Role.ADMINISTRATOR,
    )
    [message] = smtp_server.to("it@rutland.gov.uk")
    assert "as an administrator" in message.get_body(("plain",)).get_content()
    assert any("/council/invitations/" in link for link in links_in(message))
    assert [c.kind for c in CouncilChange.objects.order_by("pk")] == ["created", "invitation"]
    assert "Created Rutland County Council" in capsys.readouterr().out


def test_the_command_refuses_a_council_that_exists_or_a_bad_address(personas):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_council", "lead district council", "--admin", "a@example.gov.uk")
    with pytest.raises(CommandError, match="not an email address"):
        call_command("create_council", "New Council", "--admin", "not-an-address")
    assert not Authority.objects.filter(name="New Council").exists()


def test_the_operator_invites_a_first_administrator_in_the_django_admin(
    admin_client, personas, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:councils_invitation_add"),
            {
                "authority": personas.unrelated.pk,
                "email": "first@faraway.gov.uk",
                "role": "administrator",
            },
        )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "first@faraway.gov.uk"
    assert smtp_server.to("first@faraway.gov.uk")


def test_council_staff_cannot_use_the_operators_pages(client, personas):
    client.force_login(personas.admin)  # staff, not a superuser
    assert client.get(reverse("admin:councils_invitation_add")).status_code == 403
