"""`make scaleout`: two gunicorn instances and two task workers on one PostgreSQL database
render 20 reports, and each render task runs exactly once. Not a test: it prints what each
process did and PASS/FAIL.

    .venv/bin/python loadtest/scaleout.py [--reports 20] [--ports 8151 8152]

A database of its own (PostgreSQL `councilopts_scaleout` on 127.0.0.1:5432, or
SCALEOUT_DATABASE_URL), 20 small appraisals of one council and an officer. The officer signs
in on the first instance only (sessions live in the database, so the second knows them too),
then asks for each draft in turn from the two instances alternately; two `db_worker`s take
the tasks from the shared queue. Checks: every task (the asked-for renders, and the refreshes
the imports scheduled) SUCCESSFUL and claimed by exactly one worker; one draft for each
report, ready with its PDF; both instances answered and both workers ran.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402
    ROOT,
    fresh_postgresql,
    server_environment,
    start_gunicorn,
    start_worker,
    stop,
    wait_for_server,
)

PG_URL = "postgresql://postgres@127.0.0.1:5432/councilopts_scaleout"
PASSWORD = secrets.token_urlsafe(16)
HEADERS = {"X-Forwarded-Proto": "https"}


def prepare(reports: int) -> list[str]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    from appraisals.interchange import import_document
    from appraisals.models import Authority, Membership
    from tests.test_reports_data import ensure_delivery_models, report_document

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_delivery_models()
    Authority.objects.get_or_create(name="Partner Borough Council")
    references = [f"scale-out-{n:02}" for n in range(1, reports + 1)]
    for reference in references:
        import_document(
            document=report_document(reference=reference, options=2, criteria=3, panels=1)
        )
    user = get_user_model().objects.create_user("scale-officer", password=PASSWORD)
    lead = Authority.objects.get(name="Lead District Council")
    Membership.objects.create(user=user, authority=lead, role=Membership.Role.OFFICER)
    connections.close_all()
    return references


class Browser(requests.Session):
    """Django's Secure cookies sent back over loopback HTTP, as a TLS proxy would allow."""

    def request(self, method, url, **kwargs):
        for cookie in list(self.cookies):
            cookie.secure = False
        headers = {**HEADERS, **kwargs.pop("headers", {})}
        if method == "POST":
            origin = url.split("/", 3)
            headers["Origin"] = f"https://{origin[2]}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        return super().request(method, url, headers=headers, timeout=60, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--ports", type=int, nargs=2, default=[8151, 8152])
    parser.add_argument("--seconds", type=int, default=600, help="the longest to wait")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scaleout-"))
    url = os.environ.get("SCALEOUT_DATABASE_URL", PG_URL)
    fresh_postgresql(url)
    env = server_environment(url)
    os.environ.update({k: env[k] for k in env if k != "PATH"})
    sys.path.insert(0, str(ROOT))
    references = prepare(args.reports)
    log = open(work / "servers.log", "w")  # noqa: SIM115
    processes = [start_gunicorn(env, port, 2, log) for port in args.ports]
    processes += [start_worker(env, log, interval=0.5, worker_id=f"worker-{n}") for n in (1, 2)]
    answered: dict[int, int] = dict.fromkeys(args.ports, 0)
    try:
        for port in args.ports:
            wait_for_server(port, answers=2)
        browser = Browser()
        first = f"http://127.0.0.1:{args.ports[0]}"
        browser.get(f"{first}/accounts/login/")
        signed_in = browser.post(
            f"{first}/accounts/login/",
            {"login": "scale-officer", "password": PASSWORD},
            allow_redirects=False,
        )
        if signed_in.status_code != 302:
            raise SystemExit(f"could not sign in (HTTP {signed_in.status_code})")
        for n, reference in enumerate(references):
            port = args.ports[n % 2]
            response = browser.post(
                f"http://127.0.0.1:{port}/appraisals/{reference}/report/render/",
                allow_redirects=False,
            )
            if response.status_code == 302:
                answered[port] += 1
        from appraisals.models import DraftReport

        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            if (
                DraftReport.objects.filter(state=DraftReport.State.READY).count() >= len(references)
                or not DraftReport.objects.filter(state=DraftReport.State.PENDING).exists()
            ):
                break
            time.sleep(1)
    finally:
        stop(processes, timeout=60)

    from django_tasks_db.models import DBTaskResult

    from appraisals.models import DraftReport

    # Asked-for renders, and the refreshes the imports' audit rows scheduled (tasks.py): a
    # refresh that rendered a draft first leaves the asked-for render nothing to do.
    tasks = list(DBTaskResult.objects.filter(task_path__startswith="appraisals.tasks."))
    by_worker: dict[str, int] = {}
    for row in tasks:
        for worker in row.worker_ids:
            by_worker[worker] = by_worker.get(worker, 0) + 1
    ready = DraftReport.objects.filter(state=DraftReport.State.READY, pdf__isnull=False)
    kinds: dict[str, int] = {}
    for t in tasks:
        kinds[t.task_path.rsplit(".", 1)[1]] = kinds.get(t.task_path.rsplit(".", 1)[1], 0) + 1
    drafts_per_appraisal = {
        a: DraftReport.objects.filter(appraisal_id=a).count()
        for a in DraftReport.objects.values_list("appraisal_id", flat=True)
    }
    print(
        f"Scale-out on PostgreSQL: gunicorn on ports {args.ports[0]} and {args.ports[1]}, "
        "two db_workers, one database"
    )
    print(f"Requests answered by each instance: {answered}")
    print(f"Tasks: {kinds}")
    print(f"Tasks run by each worker: {by_worker}")
    print(f"Statuses: {sorted({t.status for t in tasks})}")
    print(f"Drafts ready with their PDF: {ready.count()} of {len(references)}")
    verdicts = [
        (
            len(drafts_per_appraisal) == len(references)
            and set(drafts_per_appraisal.values()) == {1},
            "one draft rendered for each report",
        ),
        (all(len(t.worker_ids) == 1 for t in tasks), "each task claimed by exactly one worker"),
        (all(t.status == "SUCCESSFUL" for t in tasks), "every task succeeded"),
        (ready.count() == len(references), "every draft ready"),
        (all(answered.values()) and len(by_worker) == 2, "both instances and both workers used"),
    ]
    for passed, goal in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}: {goal}")
    print(f"(logs in {work})")
    return 0 if all(passed for passed, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
