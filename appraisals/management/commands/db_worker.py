"""`manage.py db_worker`: django-tasks-db's worker, which waits out a database restart.

Upstream's worker exits on the first query that finds the database gone (its loop re-raises
any OperationalError but a locked SQLite file), so a PostgreSQL restart would leave no
worker until something restarts it. This one logs, waits and carries on: the task it was
running, if any, is left "running" and is recovered like a killed worker's
(`tasks.recover_stalled_renders`). Every option is upstream's. It takes precedence because
`appraisals` comes before `django_tasks_db` in INSTALLED_APPS.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker as upstream

logger = logging.getLogger(__name__)
RETRY_SECONDS = 2.0


class SteadyWorker(upstream.Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    raise
                logger.warning(
                    "The database cannot be reached (%s): trying again in %s s",
                    (str(error).strip().splitlines() or [type(error).__name__])[0],
                    RETRY_SECONDS,
                )
                self.running_task = False
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(Exception):  # it is gone already
                        connection.close()
                time.sleep(RETRY_SECONDS)


class Command(upstream.Command):
    help = upstream.Command.help

    def handle(self, **options) -> None:
        # Upstream's handle builds `upstream.Worker`; build ours in its place, in this
        # process only (a worker process runs nothing but this command).
        upstream.Worker = SteadyWorker
        super().handle(**options)
