"""Django's flush, able to empty the tables whose rows the database keeps for good.

A published record of decision may never be deleted, nor a statutory sign-off once a version
is issued: SQLite triggers named `..._kept` refuse the DELETE (migrations 0015 and 0018).
Flush, which empties every table (the test runner's, between tests that commit), lifts those
triggers for its own transaction only and puts them back as they were. PostgreSQL flushes
with TRUNCATE, which fires no row trigger, so nothing is lifted there.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

KEPT = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
    "AND name LIKE '%\\_kept' ESCAPE '\\'"
)


class Command(DjangoFlush):
    def handle(self, **options):
        database = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(KEPT)
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            for _, sql in triggers:
                cursor.execute(sql)
