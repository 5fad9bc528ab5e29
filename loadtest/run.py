"""`make loadtest`: gunicorn and a task worker on loopback, locust against them, then a check of
the database. Not a test: it prints figures and a PASS/FAIL line per goal.

    .venv/bin/python loadtest/run.py [--database postgresql|sqlite] [--users 50]
                                     [--seconds 60] [--baseline-seconds 20] [--port 8147]

Steps, all bounded in time:

1. A database of its own, emptied: PostgreSQL `councilopts_loadtest` on 127.0.0.1:5432 (or
   LOADTEST_DATABASE_URL), or a throwaway SQLite file; migrated, the demo loaded, one signed-in
   account per simulated person, and the draft report rendered once.
2. gunicorn (DEBUG off, as in production, behind a pretend TLS proxy) and one `db_worker`,
   which re-renders the draft after edits, as in production.
3. The baseline: every user asks for the sign-in page, for --baseline-seconds.
4. The mix (loadtest/locustfile.py): officers and members, no think time, for --seconds.
5. The check: every save the server confirmed is the stored score or was overwritten by a
   later confirmed save of the same officer, and the audit trail has one row per save.

Prints requests/s, p50/p95/p99 and errors of both runs, the mix-to-baseline ratio, and the
check. Goals: no error, no lost write, and (PostgreSQL) a ratio of at least 25%.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = secrets.token_urlsafe(16)
REFERENCE = "hdc-future-options-2011"
PG_URL = "postgresql://postgres@127.0.0.1:5432/councilopts_loadtest"
GOAL_RATIO = 0.25


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--baseline-seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8147)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    return parser.parse_args()


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "TASKS_IMMEDIATE": "false",
        "CONN_MAX_AGE": "60" if database_url.startswith("postgres") else "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "councilopts.settings",
    }


def fresh_postgresql(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(users: int) -> dict:
    """Migrate, load the demo, make the accounts, render the draft; return the plan."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from appraisals import reports
    from appraisals.models import Appraisal, DraftReport, Membership
    from appraisals.tasks import render_draft_report

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, verbosity=0)
    appraisal = Appraisal.objects.select_related("lead_authority").get(reference=REFERENCE)
    officers = users * 7 // 10
    accounts: dict[str, list[dict]] = {"officers": [], "members": []}
    User = get_user_model()
    for role, count, key in (
        (Membership.Role.OFFICER, officers, "officers"),
        (Membership.Role.MEMBER, users - officers, "members"),
    ):
        for n in range(count):
            user = User.objects.create_user(f"load-{role}-{n}", password=PASSWORD)
            Membership.objects.create(user=user, authority=appraisal.lead_authority, role=role)
            accounts[key].append({"username": user.username})
    panel = appraisal.panels.order_by("pk").first()
    content = reports.content_hash(appraisal)
    DraftReport.objects.create(appraisal=appraisal, content_hash=content)
    render_draft_report.call(appraisal.pk, content)
    from django.db import connections

    connections.close_all()
    return {
        "password": PASSWORD,
        "reference": REFERENCE,
        "grid": f"/appraisals/{REFERENCE}/panels/{panel.key}/scoring/",
        "panel": panel.pk,
        "scale": [int(appraisal.scale_min), int(appraisal.scale_max)],
        "officer_weight": officers,
        "member_weight": users - officers,
        "officer_slots": officers,
        **accounts,
    }


def start_gunicorn(env: dict[str, str], port: int, workers: int, log) -> subprocess.Popen:
    """gunicorn serving the app on loopback `port`, as in production (DEBUG as `env` says)."""
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [
            str(BIN / "gunicorn"),
            "councilopts.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--preload",  # workers fork ready, rather than each import the app
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


def start_worker(
    env: dict[str, str], log, *, interval: float, worker_id: str | None = None
) -> subprocess.Popen:
    """A task worker (`manage.py db_worker`), taking tasks every `interval` seconds."""
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "manage.py", "db_worker", "--interval", str(interval)]
        + (["--worker-id", worker_id] if worker_id else []),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )


def stop(processes: list[subprocess.Popen], *, timeout: float) -> None:
    """SIGTERM every process, then wait for each, killing any still running after `timeout`."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for_server(port: int, answers: int, seconds: float = 180) -> None:
    """Until the sign-in page has answered `answers` times in a row: every worker is up."""
    deadline, answered = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and answered < answers:
        try:
            with urllib.request.urlopen(  # noqa: S310 (loopback, our own server)
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/accounts/login/",
                    headers={"X-Forwarded-Proto": "https"},
                ),
                timeout=30,
            ) as response:
                answered = answered + 1 if response.status == 200 else 0
        except OSError:
            answered = 0
            time.sleep(0.5)
    if answered < answers:
        raise SystemExit(f"gunicorn did not answer on port {port}")


def run_locust(scenario: str, args, plan_file: Path, work: Path, seconds: int) -> list[dict]:
    """Run locust for `seconds`; its final statistics, one dict per request name."""
    env = {
        **os.environ,
        "LOADTEST_PLAN": str(plan_file),
        "LOADTEST_SAVES": str(work / "saves.jsonl"),
        "LOADTEST_SECONDS": str(seconds),
        "LOADTEST_USERS": str(args.users),
    }
    with open(work / f"{scenario}.log", "w") as log:  # noqa: PTH123
        run = subprocess.run(  # noqa: S603 (our own command line)
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{seconds + 360}s",  # a backstop: the locustfile stops the run on time
                "--host",
                f"http://127.0.0.1:{args.port}",
                "--json",
                "--loglevel",
                "ERROR",
                "--exit-code-on-error",
                "0",
                *(["SignInPage"] if scenario == "trivial" else ["Officer", "Member"]),
            ],
            env=env,
            check=True,
            timeout=seconds + 420,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    (work / f"{scenario}.json").write_bytes(run.stdout)
    return json.loads(run.stdout)


def _percentile(histogram: dict[int, int], fraction: float) -> int:
    total, seen = sum(histogram.values()), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= fraction * total:
            return value
    return 0


def summarise(stats: list[dict]) -> dict:
    """Requests/s, p50/p95/p99 (ms) and errors of a run; the sign-ins count as errors if
    they fail, but not in the rate or the times."""
    measured = [s for s in stats if s["name"] != "sign in (once a user)"]
    histogram: dict[int, int] = {}
    for s in measured:
        for ms, count in s["response_times"].items():
            histogram[int(ms)] = histogram.get(int(ms), 0) + count
    requests = sum(s["num_requests"] for s in measured)
    started = min((s["start_time"] for s in measured), default=0)
    ended = max((s["last_request_timestamp"] or 0 for s in measured), default=0)
    return {
        "rate": requests / (ended - started) if ended > started else 0.0,
        "requests": requests,
        "errors": sum(s["num_failures"] for s in stats),
        "p50": _percentile(histogram, 0.50),
        "p95": _percentile(histogram, 0.95),
        "p99": _percentile(histogram, 0.99),
        "names": {
            s["name"]: {
                "count": s["num_requests"],
                "errors": s["num_failures"],
                "p50": _percentile({int(k): v for k, v in s["response_times"].items()}, 0.5),
                "p95": _percentile({int(k): v for k, v in s["response_times"].items()}, 0.95),
                "p99": _percentile({int(k): v for k, v in s["response_times"].items()}, 0.99),
            }
            for s in stats
        },
    }


def check_saves(work: Path, plan: dict) -> tuple[int, int, int]:
    """(confirmed saves, confirmed saves not stored, disagreements with the audit trail).

    Each officer saves only its own cells, one at a time, so a cell's stored score must be
    its last confirmed save, or a later one that was still in flight when the run stopped
    (stored, but never confirmed). The audit trail must hold every confirmed save, and
    nothing that was never sent."""
    from appraisals.models import Change, Score

    log = json.loads((work / "saves.jsonl").read_text())
    confirmed, attempted = log["confirmed"], log["attempted"]
    after_last: dict[str, set[str]] = {}  # per cell: the last confirmed reason and later ones
    for save in attempted:
        cell = after_last.setdefault(save["cell"], set())
        if save in confirmed:
            cell.clear()
        cell.add(save["reason"])
    lost = 0
    for prefix in {save["cell"] for save in confirmed}:
        option, criterion = (int(x) for x in prefix[1:].split("-"))
        stored = Score.objects.filter(
            panel_id=plan["panel"], option_id=option, criterion_id=criterion
        ).first()
        if stored is None or stored.reason not in after_last[prefix]:
            lost += 1
    trail = set(
        Change.objects.filter(
            field="reason", kind="score", new__startswith="Load test:"
        ).values_list("new", flat=True)
    )
    missing = sum(1 for save in confirmed if save["reason"] not in trail)
    invented = len(trail - {save["reason"] for save in attempted})
    return len(confirmed), lost, missing + invented


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    if args.database == "postgresql":
        url = os.environ.get("LOADTEST_DATABASE_URL", PG_URL)
        fresh_postgresql(url)
    else:
        url = f"sqlite:///{work / 'loadtest.sqlite3'}"
    env = server_environment(url)
    os.environ.update({k: env[k] for k in env if k != "PATH"})
    sys.path.insert(0, str(ROOT))
    plan = prepare(args.users)
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan))
    log = open(work / "servers.log", "w")  # noqa: SIM115
    processes = [
        start_gunicorn(env, args.port, args.workers, log),
        start_worker(env, log, interval=1),
    ]
    try:
        wait_for_server(args.port, answers=2 * args.workers)
        baseline = summarise(run_locust("trivial", args, plan_file, work, args.baseline_seconds))
        mix = summarise(run_locust("mix", args, plan_file, work, args.seconds))
    finally:
        stop(processes, timeout=30)
    saves, lost, trail = check_saves(work, plan)
    ratio = mix["rate"] / baseline["rate"] if baseline["rate"] else 0.0

    print(
        f"Load test on {args.database}: {args.users} users, no think time, "
        f"{os.cpu_count()} CPUs shared, gunicorn with {args.workers} workers and one db_worker"
    )
    print()
    print("| run | requests/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, run, seconds in (
        ("sign-in page (baseline)", baseline, args.baseline_seconds),
        ("officer/member mix", mix, args.seconds),
    ):
        print(
            f"| {name}, {seconds} s | {run['rate']:.1f} | {run['p50']} | {run['p95']} | "
            f"{run['p99']} | {run['errors']} |"
        )
    print()
    print("| mix: request | count | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in sorted(mix["names"].items()):
        print(
            f"| {name} | {row['count']} | {row['p50']} | {row['p95']} | {row['p99']} | "
            f"{row['errors']} |"
        )
    print()
    print(f"Mix to baseline: {ratio:.0%}")
    print(f"Confirmed saves: {saves}; not stored: {lost}; audit trail disagreeing: {trail}")
    verdicts = [
        (baseline["errors"] + mix["errors"] == 0, "no errors"),
        (saves > 0 and lost == 0 and trail == 0, "every confirmed save stored and in the trail"),
    ]
    if args.database == "postgresql":
        verdicts.append((ratio >= GOAL_RATIO, f"mix at least {GOAL_RATIO:.0%} of the baseline"))
    for passed, goal in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}: {goal}")
    print(f"(logs and CSVs in {work})")
    return 0 if all(passed for passed, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
