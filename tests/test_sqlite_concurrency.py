"""The embedded default (a SQLite file) takes many officers saving scores at once: each save
waits its turn for the write lock instead of failing with "database is locked".

Run in a child process against a real file, with the settings as production reads them
(settings.py: IMMEDIATE transactions, WAL, a timeout); the suite's own SQLite database is in
memory, which has neither locking nor WAL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WRITERS = 8
SAVES = 12


def test_concurrent_score_saves_on_a_sqlite_file_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEBUG="true",
        SECRET_KEY="councilopts-tests-only",
        DJANGO_SETTINGS_MODULE="councilopts.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from tests.test_sqlite_concurrency import main; main()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [
        "journal=wal",
        "errors=0",
        f"scores={WRITERS}",
        f"versions={WRITERS * SAVES}",
        f"history={WRITERS * SAVES}",
    ]


def main() -> None:
    """In the child: migrate the file, then WRITERS threads (each its own connection, as
    gunicorn's threads or processes would have) each save one cell SAVES times, all at once."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    from appraisals.actions import save_score
    from appraisals.models import Change, Criterion, Option, Panel, Score
    from tests.factories import make_appraisal, make_personas

    personas = make_personas()
    appraisal = make_appraisal(personas.lead, reference="busy", options=WRITERS, scored=False)
    panel = Panel.objects.filter(appraisal=appraisal).first()
    criterion = Criterion.objects.filter(appraisal=appraisal).first()
    options = list(Option.objects.filter(appraisal=appraisal)[:WRITERS])
    journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    start = threading.Barrier(WRITERS)
    errors: list[str] = []

    def officer(option) -> None:
        try:
            start.wait()
            for n in range(SAVES):
                version = Score.objects.filter(option=option, criterion=criterion).values_list(
                    "version", flat=True
                )
                save_score(
                    panel=panel,
                    option=option,
                    criterion=criterion,
                    score=float(n % 5),
                    reason=f"save {n}",
                    expected_version=version.first() or 0,
                    user=personas.officer,
                )
        except Exception as error:  # noqa: BLE001  (every failure is reported, then counted)
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=officer, args=(o,)) for o in options]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        print(error, file=sys.stderr)
    scores = Score.objects.filter(panel=panel, criterion=criterion)
    print(f"journal={journal}")
    print(f"errors={len(errors)}")
    print(f"scores={scores.count()}")
    # Versions start at 1 and grow by one a save: their sum counts the saves stored.
    print(f"versions={sum(scores.values_list('version', flat=True))}")
    print(
        f"history={Change.objects.filter(appraisal=appraisal, kind='score', field='score').count()}"
    )


if __name__ == "__main__":
    pytest.main([__file__])
