"""`manage.py create_council NAME --admin EMAIL [--kind KIND]`: the site operator's first
step for a new council. It creates the council and e-mails its first administrator an
invitation (sent by the worker, or at once with TASKS_IMMEDIATE)."""

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from appraisals.models import Authority
from councils import actions


class Command(BaseCommand):
    help = "Create a council and invite its first administrator by email."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="The council's name, e.g. 'Harborough District Council'")
        parser.add_argument("--admin", required=True, metavar="EMAIL", help="First administrator")
        parser.add_argument(
            "--kind",
            default=Authority.Kind.DISTRICT,
            choices=Authority.Kind.values,
            help="What kind of authority it is (default: district)",
        )

    def handle(self, *args, name: str, admin: str, kind: str, **options) -> None:
        name = " ".join(name.split())
        try:
            validate_email(admin)
        except Exception:
            raise CommandError(f"{admin!r} is not an email address") from None
        if Authority.objects.filter(name__iexact=name).exists():
            raise CommandError(f"A council named {name!r} already exists")
        with transaction.atomic():
            sent = actions.create_council(name=name, kind=kind, admin_email=admin)
        self.stdout.write(
            f"Created {name}. An invitation to be its administrator was sent to {admin}; "
            f"it works once, until {sent.invitation.expires_at:%Y-%m-%d %H:%M %Z}."
        )
