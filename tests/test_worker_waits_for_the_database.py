"""The task worker (`manage.py db_worker`, appraisals/management/commands/db_worker.py)
waits out a database restart instead of exiting, and web processes check a kept connection
before reusing it (`make faults` restarts PostgreSQL under load to prove both)."""

from __future__ import annotations

import pytest
from django.core.management import get_commands
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker as upstream

from appraisals.management.commands import db_worker
from tests.test_settings import GOOD_KEY, load_settings


def test_db_worker_is_the_one_that_waits():
    assert get_commands()["db_worker"] == "appraisals"


def _worker() -> db_worker.SteadyWorker:
    return db_worker.SteadyWorker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def test_the_worker_carries_on_when_the_database_cannot_be_reached(monkeypatch, caplog):
    runs = []

    def run(self):
        runs.append(self.running)
        if len(runs) < 3:
            raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(upstream.Worker, "run", run)
    monkeypatch.setattr(db_worker, "RETRY_SECONDS", 0)
    _worker().run()
    assert runs == [True, True, True]
    assert "The database cannot be reached (terminating connection" in caplog.text


def test_a_worker_asked_to_stop_does_not_wait(monkeypatch):
    def run(self):
        self.running = False  # SIGTERM arrived, then the database went
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(upstream.Worker, "run", run)
    with pytest.raises(OperationalError):
        _worker().run()


def test_kept_connections_are_checked_before_reuse_unless_turned_off():
    on = load_settings(DEBUG="false", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x")
    assert "'CONN_HEALTH_CHECKS': True" in on.stdout, on.stderr
    off = load_settings(
        DEBUG="false", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x", CONN_HEALTH_CHECKS="false"
    )
    assert "'CONN_HEALTH_CHECKS': False" in off.stdout, off.stderr
