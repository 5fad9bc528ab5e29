"""`make faults`: the app under load while things break, on loopback, every scenario bounded
in time and checked. Not a test: it prints a PASS/FAIL table and exits non-zero on a FAIL.

    .venv/bin/python loadtest/faults.py [--users 8] [--port 8161]

The servers are loadtest/run.py's: gunicorn (DEBUG off, 4 workers, behind a pretend TLS
proxy) and a `db_worker`, on a PostgreSQL database of their own (`councilopts_faults` on
127.0.0.1:5432, or FAULTS_DATABASE_URL), with the demo loaded and one account per simulated
officer. Renders are stopped after REPORT_RENDER_TIMEOUT=60 s here (5 minutes in
production), so a killed worker's render is noticed after 90 s rather than 5.5 minutes.

1. **PostgreSQL restarted during load** (`pg_ctlcluster ... restart`, which needs root or
   the postgres user; it is started again at the end whatever happens). Officers save scores
   and read pages throughout. Checks: no request fails once PostgreSQL is back (the app
   recovers by itself: CONN_HEALTH_CHECKS); every save the server confirmed is stored and in
   the audit trail; the task worker carried on (it renders the draft after the edits); and
   (checked at the end) every render the restart interrupted was rendered again.
2. **A task worker killed (SIGKILL) mid-render**, while three clients download the draft
   PDF. Checks: the render is retried (the killed task's row is marked failed, `WorkerLost`,
   a second attempt is asked for, and the draft becomes ready: by that attempt, or by a
   refresh of the same draft that finds it stalled first); every download is 200 with a
   whole PDF that pypdf reads (the old draft, or the new one once ready) or a 404 "not
   rendered yet", never a part.
3. **A gunicorn worker killed (SIGKILL) mid-request**, three times, under load. Checks: the
   master replaces each; at most one request fails per kill (a sync worker holds one);
   every other request succeeds; no half write (every stored score has its audit row, every
   confirmed save is stored).
4. **Backup and restore**: `export_appraisal --all` of the faulted database, imported
   (`import_appraisal`) into an empty database (migrated, with the reference data of
   `load_demo --reference-only`), exported again: byte-for-byte the same.

Takes 6-20 minutes on 2 shared cores, most of it waiting for renders: a killed one to
be noticed, and renders on a busy machine.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402
    ROOT,
    check_saves,
    fresh_postgresql,
    prepare,
    server_environment,
    start_gunicorn,
    start_worker,
    stop,
    wait_for_server,
)
from scaleout import Browser  # noqa: E402

PG_URL = "postgresql://postgres@127.0.0.1:5432/councilopts_faults"
RENDER_TIMEOUT = 60  # seconds; a lost render is noticed 30 s after this (appraisals/tasks.py)
GUNICORN_WORKERS = 4
# The scoring grid's cells, as loadtest/locustfile.py reads them.
CELL = re.compile(r'<td[^>]*\bid="(c\d+-\d+)"[^>]*\bhx-post="([^"]+)"')
HIDDEN = re.compile(r'name="(c\d+-\d+)-(version|loaded)" value="([^"]*)"')
SAVED = "Saved the score for"


def pg_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return [version, "main"]


def pg_ctl(action: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own command line)
        ["pg_ctlcluster", "--skip-systemctl-redirect", *pg_cluster(), action],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ensure_postgresql_running() -> None:
    """Whatever happened, leave PostgreSQL running (other people use it)."""
    if pg_ctl("status").returncode != 0:
        pg_ctl("start")


@dataclass
class Log:
    """What the clients did: every request, and every save sent and confirmed."""

    requests: list[tuple[float, float, str, bool, int]] = field(default_factory=list)
    attempted: list[dict] = field(default_factory=list)
    confirmed: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, started: float, name: str, ok: bool, status: int) -> None:
        with self.lock:
            self.requests.append((started, time.monotonic(), name, ok, status))

    def failures(self, since: float = 0.0, until: float = float("inf")) -> list[tuple]:
        return [r for r in self.requests if not r[3] and since <= r[0] < until]


class Officer(threading.Thread):
    """Signs in, then until `halt`: saves scores on its own cells, reads the results and the
    grid, at no think time. Re-reads the grid after any failed save, to carry on."""

    def __init__(self, number: int, plan: dict, base: str, log: Log, halt, scenario: str):
        super().__init__(daemon=True)
        self.number, self.plan, self.base, self.log, self.halt = number, plan, base, log, halt
        self.scenario = scenario
        self.sequence = 0
        self.cells: dict[str, dict] = {}
        self.browser = Browser()

    def get(self, path: str, name: str):
        started = time.monotonic()
        try:
            response = self.browser.get(self.base + path, allow_redirects=False)
        except Exception:  # a cut connection
            self.log.request(started, name, False, 0)
            return None
        self.log.request(started, name, response.status_code == 200, response.status_code)
        return response

    def sign_in(self) -> None:
        account = self.plan["officers"][self.number % len(self.plan["officers"])]
        for _ in range(5):
            try:
                self.browser.get(self.base + "/accounts/login/")
                response = self.browser.post(
                    self.base + "/accounts/login/",
                    {"login": account["username"], "password": self.plan["password"]},
                    allow_redirects=False,
                )
                if response.status_code == 302:
                    return
            except Exception:  # noqa: S110 (try again)
                pass
            time.sleep(1)
        raise SystemExit(f"officer {self.number} could not sign in")

    def read_grid(self) -> bool:
        response = self.get(self.plan["grid"], "scoring grid")
        if response is None or response.status_code != 200:
            return False
        self._read(response.text)
        return True

    def _read(self, html: str) -> None:
        for prefix, url in CELL.findall(html):
            self.cells.setdefault(prefix, {})["url"] = url
        for prefix, name, value in HIDDEN.findall(html):
            self.cells.setdefault(prefix, {})[name] = value

    def save(self) -> None:
        mine = sorted(self.cells)[self.number :: self.plan["officer_slots"]] or sorted(self.cells)
        prefix = random.choice(mine)  # noqa: S311 (not security)
        cell = self.cells[prefix]
        self.sequence += 1
        score = str(random.randint(*self.plan["scale"]))  # noqa: S311
        reason = f"Load test: {self.scenario}, officer {self.number}, save {self.sequence}"
        save = {"cell": prefix, "score": score, "reason": reason}
        with self.log.lock:
            self.log.attempted.append(save)
        started = time.monotonic()
        try:
            response = self.browser.post(
                self.base + cell["url"],
                {
                    f"{prefix}-score": score,
                    f"{prefix}-reason": reason,
                    f"{prefix}-version": cell.get("version", ""),
                    f"{prefix}-loaded": cell.get("loaded", ""),
                },
                headers={"HX-Request": "true"},
            )
        except Exception:
            self.log.request(started, "score save", False, 0)
            self.read_grid()
            return
        ok = response.status_code == 200 and SAVED in response.text
        self.log.request(started, "score save", ok, response.status_code)
        if ok:
            with self.log.lock:
                self.log.confirmed.append(save)
            self._read(response.text)
        else:
            self.read_grid()

    def run(self) -> None:
        while not self.read_grid():
            time.sleep(0.5)
        while not self.halt.is_set():
            choice = random.random()  # noqa: S311
            if choice < 0.5:
                self.save()
            elif choice < 0.8:
                self.get(f"/appraisals/{self.plan['reference']}/results/", "results")
            else:
                self.read_grid()


def officers(count: int, plan: dict, base: str, log: Log, scenario: str):
    halt = threading.Event()
    people = [Officer(n, plan, base, log, halt, scenario) for n in range(count)]
    for person in people:
        person.sign_in()
    return people, halt


def run_for(people, halt, seconds: float) -> None:
    for person in people:
        person.start()
    time.sleep(seconds)


def finish(people, halt) -> None:
    halt.set()
    for person in people:
        person.join(timeout=90)


def write_saves(work: Path, log: Log) -> None:
    (work / "saves.jsonl").write_text(
        json.dumps({"confirmed": log.confirmed, "attempted": log.attempted})
    )


def half_writes(plan: dict) -> int:
    """Stored load-test scores without their audit row (a save is one transaction)."""
    from appraisals.models import Change, Score

    trail = set(
        Change.objects.filter(kind="score", field="reason", new__startswith="Load test:")
        .values_list("new", flat=True)
        .distinct()
    )
    stored = Score.objects.filter(panel_id=plan["panel"], reason__startswith="Load test:")
    return sum(1 for reason in stored.values_list("reason", flat=True) if reason not in trail)


def draft_ready_for_current(reference: str, seconds: float) -> bool:
    """Whether the draft of the appraisal as it stands becomes ready within `seconds`."""
    from django.db import connections

    from appraisals import reports
    from appraisals.models import Appraisal, DraftReport

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connections.close_all()
        appraisal = Appraisal.objects.select_related("lead_authority").get(reference=reference)
        content = reports.content_hash(appraisal)
        if DraftReport.objects.filter(
            appraisal=appraisal, content_hash=content, state=DraftReport.State.READY
        ).exists():
            return True
        time.sleep(1)
    return False


def rendering() -> set[int]:
    """The drafts being rendered now."""
    from django.db import connections

    from appraisals.models import DraftReport

    connections.close_all()
    return set(
        DraftReport.objects.filter(state=DraftReport.State.PENDING).values_list("pk", flat=True)
    )


def finished(drafts: set[int], seconds: float) -> float | None:
    """Wait until none of `drafts` is still rendering (each ready, failed, or pruned); how
    long it took, or None. A render lost with its worker or its database connection is
    noticed RENDER_TIMEOUT + 30 s after it began, and rendered again."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if not drafts & rendering():
            return time.monotonic() - began
        time.sleep(1)
    return None


# --- The scenarios: each returns (what it checked, passed, figures) rows ---------------------


def postgresql_restart(args, plan, work, log, base) -> list[tuple[str, bool, str]]:
    people, halt = officers(args.users, plan, base, log, "restart")
    run_for(people, halt, 8)
    began = time.monotonic()
    in_flight = rendering()
    try:
        restarted = pg_ctl("restart")
    finally:
        ensure_postgresql_running()
    back = time.monotonic()
    in_flight |= rendering()
    (work / "in-flight.json").write_text(json.dumps(sorted(in_flight)))
    time.sleep(20)
    finish(people, halt)
    during = log.failures(since=began - 1, until=back)
    after = log.failures(since=back)
    first_answer = min((r[1] for r in log.requests if r[3] and r[0] >= back), default=back)
    recovery = max(r[1] for r in after) - back if after else first_answer - back
    mine = [r for r in log.requests if r[0] >= began - 8]
    write_saves(work, log)
    saves, lost, trail = check_saves(work, plan)
    half = half_writes(plan)
    rendered = draft_ready_for_current(plan["reference"], 120)
    return [
        (
            "PostgreSQL restarted during load",
            restarted.returncode == 0,
            f"restart took {back - began:.1f} s",
        ),
        (
            "  no request fails once PostgreSQL is back",
            not after,
            f"{len(mine)} requests; {len(during)} failed during the restart, {len(after)} after "
            f"(answering again {recovery:.1f} s after PostgreSQL was back)",
        ),
        (
            "  every confirmed save stored and in the audit trail",
            saves > 0 and lost == 0 and trail == 0 and half == 0,
            f"{saves} confirmed saves checked; {lost} lost, {trail} disagreeing with the trail, "
            f"{half} without their audit row",
        ),
        (
            "  the task worker carried on",
            rendered,
            "the draft of the edited appraisal rendered after the restart"
            if rendered
            else "no draft of the edited appraisal within 120 s",
        ),
    ]


class Downloader(threading.Thread):
    """Downloads the draft PDF until `halt`; keeps what it got."""

    def __init__(self, browser, url: str, halt) -> None:
        super().__init__(daemon=True)
        self.browser, self.url, self.halt = browser, url, halt
        self.answers: list[tuple[int, str]] = []  # (status, SHA-256 of the body)
        self.bodies: dict[str, bytes] = {}  # one of each different body

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                response = self.browser.get(self.url, allow_redirects=False)
            except Exception:
                self.answers.append((0, ""))
                continue
            digest = hashlib.sha256(response.content).hexdigest()
            self.answers.append((response.status_code, digest))
            self.bodies.setdefault(digest, response.content)
            time.sleep(0.2)


def pdf_reads(body: bytes) -> bool:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(body), strict=True)
        return len(reader.pages) > 0 and all(
            page.extract_text() is not None for page in reader.pages
        )
    except Exception:
        return False


def stored_pdfs(reference: str) -> set[str]:
    """SHA-256 of each draft PDF of the appraisal on file (whole, as the worker stored it)."""
    from appraisals.models import DraftReport

    return {
        hashlib.sha256(bytes(pdf)).hexdigest()
        for pdf in DraftReport.objects.filter(
            appraisal__reference=reference, pdf__isnull=False
        ).values_list("pdf", flat=True)
    }


def worker_killed(args, plan, work, log, base, env, servers, server_log):
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from appraisals import reports
    from appraisals.models import Appraisal, DraftReport

    reference = plan["reference"]
    stored_before = stored_pdfs(reference)
    officer = Officer(0, plan, base, log, threading.Event(), "render")
    officer.sign_in()
    officer.read_grid()
    officer.save()  # the appraisal changes: the draft on file is no longer current
    connections.close_all()
    appraisal = Appraisal.objects.select_related("lead_authority").get(reference=reference)
    content = reports.content_hash(appraisal)
    halt = threading.Event()
    downloaders = []
    for _ in range(3):
        reader = Officer(1, plan, base, log, halt, "download")
        reader.sign_in()
        downloaders.append(
            Downloader(reader.browser, f"{base}/appraisals/{reference}/report/draft.pdf", halt)
        )
    for downloader in downloaders:
        downloader.start()
    started_at = time.monotonic()
    asked = officer.browser.post(
        f"{base}/appraisals/{reference}/report/render/", allow_redirects=False
    )
    # Wait for a worker to take the render, let it get going, then kill the worker.
    running, mid_render, killed_task = None, False, None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and running is None:
        connections.close_all()
        # The render asked for, or a refresh that began rendering the same draft first
        # (then the request found it rendering and asked for nothing more).
        running = next(
            (
                row
                for row in DBTaskResult.objects.running().filter(
                    task_path__in=[
                        "appraisals.tasks.render_draft_report",
                        "appraisals.tasks.refresh_draft",
                    ]
                )
                if row.args_kwargs["args"][:1] == [appraisal.pk]
                and row.args_kwargs["args"][1:2] in ([], [content])
                and DraftReport.objects.filter(
                    appraisal=appraisal, content_hash=content, state=DraftReport.State.PENDING
                ).exists()
            ),
            None,
        )
        time.sleep(0.05)
    if running is not None:
        time.sleep(0.5)
        worker = servers[1]
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        connections.close_all()
        # The task the worker died in: the one left "running" (there is no other worker).
        left = DBTaskResult.objects.running().filter(task_path__startswith="appraisals.tasks.")
        killed_task = next((str(row.id) for row in left), None)
        mid_render = (
            killed_task is not None
            and DraftReport.objects.filter(
                appraisal=appraisal, content_hash=content, state=DraftReport.State.PENDING
            ).exists()
        )
        servers[1] = start_worker(env, server_log, interval=1, worker_id="faults-second")
    # The report page polls the draft's status: that is what notices a lost render.
    ready, deadline = False, time.monotonic() + RENDER_TIMEOUT + 30 + 150
    while time.monotonic() < deadline and not ready:
        officer.get(f"/appraisals/{reference}/report/status/", "report status")
        connections.close_all()
        ready = draft_ready_for_current(reference, 0.1)
        time.sleep(2)
    recovered_after = time.monotonic() - started_at
    time.sleep(2)  # downloads of the new draft too
    halt.set()
    for downloader in downloaders:
        downloader.join(timeout=60)
    connections.close_all()
    killed_row = DBTaskResult.objects.filter(id=killed_task).first() if killed_task else None
    retries = [
        row
        for row in DBTaskResult.objects.filter(task_path__endswith=".render_draft_report")
        if row.args_kwargs["args"][:2] == [appraisal.pk, content]
        and len(row.args_kwargs["args"]) > 3
        and int(row.args_kwargs["args"][3]) > 1
    ]
    stored = stored_before | stored_pdfs(reference)
    answers = [a for d in downloaders for a in d.answers]
    bodies = {k: v for d in downloaders for k, v in d.bodies.items()}
    pdfs = [digest for status, digest in answers if status == 200]
    not_ready = [digest for status, digest in answers if status == 404]
    other = [status for status, _ in answers if status not in (200, 404)]
    # Identical bodies read alike: each different one is read once.
    reads = {digest: pdf_reads(bodies[digest]) for digest in set(pdfs)}
    whole = [digest for digest in pdfs if digest in stored]
    readable = [digest for digest in pdfs if reads[digest]]
    distinct = set(pdfs)
    return [
        (
            "Task worker killed mid-render",
            asked.status_code == 302 and running is not None and mid_render,
            "killed while its render was running" if mid_render else "no render to kill",
        ),
        (
            "  the render is retried and succeeds",
            ready
            and killed_row is not None
            and killed_row.status == "FAILED"
            and killed_row.exception_class_path.endswith("WorkerLost")
            and retries,
            f"killed task marked {killed_row.status if killed_row else '?'} "
            f"({(killed_row.exception_class_path or '').rsplit('.', 1)[-1] if killed_row else ''})"
            f"; retries asked for: {len(retries)} "
            f"({', '.join(sorted({r.status for r in retries})) or 'none'}); new draft ready "
            f"{recovered_after:.0f} s after it was asked for",
        ),
        (
            "  no half-written report served",
            len(whole) == len(pdfs) == len(readable) and not other,
            f"{len(answers)} downloads: {len(pdfs)} PDFs ({len(distinct)} different), each "
            f"whole and read by pypdf: {len(readable)}; {len(not_ready)} 'not rendered yet'; "
            f"{len(other)} other",
        ),
    ]


def gunicorn_children(master: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.add(int(entry.name))
    return children


def serving(pid: int, port: int) -> bool:
    """Whether process `pid` holds a client's connection to `port`: it is mid-request."""
    try:
        inodes = {
            os.readlink(fd).removeprefix("socket:[").removesuffix("]")
            for fd in Path(f"/proc/{pid}/fd").iterdir()
            if os.readlink(fd).startswith("socket:")
        }
    except OSError:
        return False
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "01" and int(local.split(":")[1], 16) == port and inode in inodes:
            return True
    return False


def gunicorn_worker_killed(args, plan, work, log, base, servers):
    master = servers[0]
    before = gunicorn_children(master.pid)
    people, halt = officers(args.users, plan, base, log, "gunicorn")
    run_for(people, halt, 5)
    kills, killed = [], set()
    mid_request = 0
    for _ in range(3):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # a worker holding a client's connection
            busy = [pid for pid in gunicorn_children(master.pid) if serving(pid, args.port)]
            if busy:
                break
            time.sleep(0.01)
        victim = busy[0] if busy else sorted(gunicorn_children(master.pid))[0]
        mid_request += bool(busy)
        kills.append(time.monotonic())
        killed.add(victim)
        os.kill(victim, signal.SIGKILL)
        time.sleep(4)
    time.sleep(4)
    finish(people, halt)
    after = gunicorn_children(master.pid)
    window = [r for r in log.requests if r[0] >= kills[0] - 5]
    # Requests that were answered with an error, or cut, from the first kill on.
    cut = [r for r in log.requests if not r[3] and r[1] >= kills[0]]
    late = log.failures(since=kills[-1] + 2)
    write_saves(work, log)
    saves, lost, trail = check_saves(work, plan)
    half = half_writes(plan)
    return [
        (
            "gunicorn worker killed mid-request (3 times)",
            master.poll() is None
            and len(after) == len(before)
            and not killed & after
            and mid_request == len(kills),
            f"{mid_request} of {len(kills)} killed while serving a request; "
            f"{len(before)} workers before, {len(after)} after, each killed one replaced",
        ),
        (
            "  the other requests succeed",
            len(cut) <= len(kills) and not late,
            f"{len(window)} requests; {len(cut)} cut by the kills, "
            f"{len(late)} failed after the last kill",
        ),
        (
            "  no half write",
            saves > 0 and lost == 0 and trail == 0 and half == 0,
            f"{saves} confirmed saves checked; {lost} lost, {trail} disagreeing with the trail, "
            f"{half} without their audit row",
        ),
    ]


def backup_restore(url: str, work: Path) -> list[tuple[str, bool, str]]:
    restore_url = url + "_restore"
    fresh_postgresql(restore_url)

    def manage(database: str, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own command line)
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    backup, again = work / "backup.json", work / "restored.json"
    steps = [
        manage(url, "export_appraisal", "--all", "-o", str(backup)),
        manage(restore_url, "migrate", "--no-input"),
        manage(restore_url, "load_demo", "--reference-only"),
        manage(restore_url, "import_appraisal", str(backup)),
        manage(restore_url, "export_appraisal", "--all", "-o", str(again)),
    ]
    failed = [s for s in steps if s.returncode != 0]
    same = not failed and backup.read_bytes() == again.read_bytes()
    count = len(json.loads(backup.read_text())) if backup.exists() else 0
    detail = (
        f"{count} appraisals, {backup.stat().st_size:,} bytes, identical after the restore"
        if same
        else (failed[0].stderr.strip().splitlines() or ["differs"])[-1]
        if failed
        else "the restored export differs"
    )
    return [("Backup restored into an empty database exports the same", same, detail)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=8, help="officers saving at once")
    parser.add_argument("--port", type=int, default=8161)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="faults-"))
    url = os.environ.get("FAULTS_DATABASE_URL", PG_URL)
    fresh_postgresql(url)
    env = server_environment(url)
    env["REPORT_RENDER_TIMEOUT"] = str(RENDER_TIMEOUT)
    os.environ.update({k: env[k] for k in env if k != "PATH"})
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    plan = prepare(args.users * 10 // 7 + 1)  # 70% officers: `users` of them at least
    base = f"http://127.0.0.1:{args.port}"
    server_log = open(work / "servers.log", "w")  # noqa: SIM115
    servers = [
        start_gunicorn(env, args.port, GUNICORN_WORKERS, server_log),
        start_worker(env, server_log, interval=1),
    ]
    log = Log()
    rows: list[tuple[str, bool, str]] = []
    try:
        wait_for_server(args.port, answers=2 * GUNICORN_WORKERS)
        rows += postgresql_restart(args, plan, work, log, base)
        rows += worker_killed(args, plan, work, log, base, env, servers, server_log)
        rows += gunicorn_worker_killed(args, plan, work, log, base, servers)
        # Last, to give them time: the renders the restart interrupted were rendered again.
        in_flight = set(json.loads((work / "in-flight.json").read_text()))
        took = finished(in_flight, RENDER_TIMEOUT + 30 + 180)
        rows.append(
            (
                "PostgreSQL restart: no render left stuck",
                took is not None,
                f"{len(in_flight)} rendering during the restart; each finished since"
                if took is not None
                else f"of {len(in_flight)} rendering during the restart, some never finished",
            )
        )
    finally:
        stop(servers, timeout=30)
        ensure_postgresql_running()
    from django.db import connections

    connections.close_all()
    rows += backup_restore(url, work)

    print(f"Faults on PostgreSQL, {args.users} officers at no think time, {os.cpu_count()} CPUs")
    print()
    print("| scenario and check | result | measured |")
    print("|---|---|---|")
    for check, passed, detail in rows:
        print(f"| {check} | {'PASS' if passed else 'FAIL'} | {detail} |")
    print()
    print(f"Took {time.monotonic() - started:.0f} s (logs in {work})")
    return 0 if all(passed for _, passed, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
