"""Benchmark of the pages (not a test).

Run from the project root:  .venv/bin/python bench/bench_pages.py  (or `make bench`)

On a throwaway SQLite database (or BENCH_DATABASE_URL, which it empties: give it a database
of its own) with the demo loaded and a 12 options x 40 criteria x 6 panels appraisal
imported, times every page type through Django's test client (the whole server side:
middleware, view, queries, template; no network), as the officer of the lead council. Each
page is asked for once first (so results are computed once and cached, as they are after
the first visit), then timed BENCH_PAGE_RUNS times (default 15). The login page is timed
the same way just before and after each page, so that each ratio compares like with like on
a machine whose load changes. Prints each page's median as a ratio to the login page's
beside it, and its query count, as a markdown table, and a PASS/FAIL line: no page above
10 times the login page.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-pages-"))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}"
)
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["TASKS_IMMEDIATE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilopts.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from appraisals import reports  # noqa: E402
from appraisals.interchange import import_document  # noqa: E402
from appraisals.models import Appraisal, Authority, DraftReport, Membership  # noqa: E402
from appraisals.tasks import render_draft_report  # noqa: E402

DEMO = "hdc-future-options-2011"
BIG = "bench-12x40x6"
RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "15"))
GOAL_RATIO = 10.0


def pages_of(appraisal: Appraisal) -> list[tuple[str, str]]:
    """(page type, URL) for every page of one appraisal an officer opens."""
    base = f"/appraisals/{appraisal.reference}/"
    option = appraisal.options.order_by("pk").first()
    criterion = appraisal.criteria.order_by("pk").first()
    panel = appraisal.panels.order_by("pk").first()
    risk = appraisal.risks.order_by("pk").first()
    found = [
        ("Appraisal overview", base),
        ("Scope", base + "scope/"),
        ("Options", base + "options/"),
        ("Option", f"{base}options/{option.key}/"),
        ("Criteria", base + "criteria/"),
        ("Criterion", f"{base}criteria/{criterion.key}/"),
        ("Weights", base + "weights/"),
        ("Panels", base + "panels/"),
        ("Panel", f"{base}panels/{panel.key}/"),
        ("Scoring grid", f"{base}panels/{panel.key}/scoring/"),
        ("Risks", base + "risks/"),
        ("Risk", f"{base}risks/{risk.pk}/") if risk else None,
        ("Finance", base + "finance/"),
        ("Finance of an option", f"{base}finance/{option.key}/"),
        ("Results", base + "results/"),
        ("History", base + "history/"),
        ("Questions", base + "questions/"),
        ("Report", base + "report/"),
        ("Report status (polled)", base + "report/status/"),
        ("Check before issuing", base + "report/check/"),
        ("Report as a web page", base + "report/draft.html"),
        ("Draft PDF download", base + "report/draft.pdf"),
        ("Versions", base + "versions/"),
        ("Export JSON", base + "export.json"),
    ]
    return [p for p in found if p is not None]


def measure(client: Client, url: str) -> tuple[float, int, int]:
    """(median seconds, queries of one request, status) of GET url."""
    first = client.get(url)
    status = first.status_code
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == status, (url, response.status_code, status)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries), status


def main() -> int:
    from django.contrib.auth import get_user_model

    from tests.test_reports_data import ensure_delivery_models, report_document

    call_command("migrate", verbosity=0)
    if "BENCH_DATABASE_URL" in os.environ:
        call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    ensure_delivery_models()
    Authority.objects.get_or_create(name="Partner Borough Council")
    import_document(document=report_document(reference=BIG, options=12, criteria=40, panels=6))
    setup_test_environment()
    user = get_user_model().objects.create_user("bench-officer")
    demo = Appraisal.objects.select_related("lead_authority").get(reference=DEMO)
    big = Appraisal.objects.select_related("lead_authority").get(reference=BIG)
    for appraisal in (demo, big):
        Membership.objects.get_or_create(
            user=user, authority=appraisal.lead_authority, role=Membership.Role.OFFICER
        )
    content = reports.content_hash(demo)
    DraftReport.objects.create(appraisal=demo, content_hash=content)
    render_draft_report.call(demo.pk, content, user.pk)
    # The large appraisal's draft is the demo's PDF: a download's cost is that of its bytes,
    # and rendering a report of this size would take the bench minutes.
    DraftReport.objects.create(
        appraisal=big,
        content_hash=reports.content_hash(big),
        state=DraftReport.State.READY,
        pdf=DraftReport.objects.get(appraisal=demo).pdf,
        finished_at=timezone.now(),
    )

    anonymous = Client()
    client = Client()
    client.force_login(user)
    units: list[float] = []

    def unit() -> float:
        """The sign-in page's median, timed again beside each page: on a machine shared
        with other work the load changes within a run, and a ratio is only fair against
        the unit timed under the same load."""
        t, _, _ = measure(anonymous, "/accounts/login/")
        units.append(t)
        return t

    unit()
    q_login = measure(anonymous, "/accounts/login/")[1]
    u = unit()
    t_home, q_home, _ = measure(client, "/")
    table = [("Home: appraisals list", t_home / u, q_home, t_home / u, q_home)]
    demo_pages, big_pages = pages_of(demo), dict(pages_of(big))
    for name, url in demo_pages:
        u = unit()
        t_demo, q_demo, status = measure(client, url)
        t_big, q_big, _ = measure(client, big_pages[name])
        u = (u + unit()) / 2
        assert status == 200, (url, status)
        table.append((name, t_demo / u, q_demo, t_big / u, q_big))
    t_login = statistics.median(units)
    table.insert(0, ("Sign-in page (the unit)", 1.0, q_login, 1.0, q_login))
    worst = max(max(r_demo, r_big) for _name, r_demo, _, r_big, _ in table)

    print(f"Pages: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, ", end="")
    print(f"{connection.vendor}, median of {RUNS}; sign-in page {t_login * 1000:.1f} ms", end="")
    print(f" ({min(units) * 1000:.1f} to {max(units) * 1000:.1f} ms as the load changed)")
    print()
    print("| page | demo: × sign-in | demo: queries | 12×40×6: × sign-in | 12×40×6: queries |")
    print("|---|---:|---:|---:|---:|")
    for name, r_demo, q_demo, r_big, q_big in table:
        print(f"| {name} | {r_demo:.1f} | {q_demo} | {r_big:.1f} | {q_big} |")
    print()
    passed = worst <= GOAL_RATIO
    verdict = "PASS" if passed else "FAIL"
    print(f"{verdict}: every page within {GOAL_RATIO:.0f}× the sign-in page (worst {worst:.1f}×)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
