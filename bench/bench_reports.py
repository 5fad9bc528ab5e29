"""Benchmark of the committee report (not a test).

Run from the project root:  .venv/bin/python bench/bench_reports.py  (or `make bench`)

On a throwaway SQLite database with the demo loaded, times:
- the Harborough demo report (hdc-future-options-2011): evaluate, HTML, PDF (warm, in the
  worker's process), and the same HTML file printed by headless Chromium in a cold process
  each time, beside WeasyPrint in a cold process on the same file and the whole
  `manage.py render_report` command (start-up, database, evaluation and PDF);
- a 20–30 page report and a ~60 page one (many options, criteria, panels and risks):
  pages and pages per second;
- a cached re-download of a rendered draft through the Django view;
- the process's peak memory.
BENCH_RUNS sets the number of runs a median is taken over (default 5).
Prints a markdown table and a PASS/FAIL line per goal.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-reports-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["TASKS_IMMEDIATE"] = "true"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilopts.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from appraisals import report_pdf, reports  # noqa: E402
from appraisals.interchange import import_document  # noqa: E402
from appraisals.models import Appraisal, Authority, DraftReport, Membership  # noqa: E402
from appraisals.results import evaluate  # noqa: E402
from appraisals.tasks import render_draft_report  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
DEMO = "hdc-future-options-2011"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
GOAL_PAGES_PER_SECOND = 20.0
GOAL_DOWNLOAD_MS = 20.0
# Issue 10's goal: the demo report's render (WeasyPrint, warm worker) may grow by at most 10%,
# measured as a ratio to a cold Chromium printing the same HTML in the same run, so the load
# on the machine cancels out. The baseline is the ratio before issue 10's report changes:
# 0.86 on a quiet machine (README, "Committee reports"; 0.58 in a run under a load average
# of 5-6 on 2 December 2026, the same code).
BASELINE_WARM_OVER_CHROMIUM = 0.86
GOAL_GROWTH = 1.10


def pages(pdf: bytes | Path) -> int:
    return len(PdfReader(pdf if isinstance(pdf, Path) else __import__("io").BytesIO(pdf)).pages)


def timed(function, runs: int = RUNS) -> tuple[float, object]:
    """Median wall time of `runs` calls (after none: the first call is counted too)."""
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def render_pdf(appraisal: Appraisal) -> tuple[float, float, float, bytes]:
    """Evaluate, HTML and PDF times (medians) and the PDF."""
    t_eval, evaluation = timed(lambda: evaluate(appraisal), 3)
    t_html, html = timed(lambda: reports.render_html(evaluation=evaluation), 3)
    t_pdf, pdf = timed(lambda: reports.write_pdf(html))
    return t_eval, t_html, t_pdf, pdf


def phases(html: str) -> tuple[float, float, float]:
    """Medians of the three steps of `reports.write_pdf`: parsing the HTML, laying it out
    (cascade, boxes, pagination) and writing the PDF (drawing, PDF/UA tags, serialising)."""
    parse, layout, write = [], [], []
    for _ in range(RUNS):
        gc.collect()
        t0 = time.perf_counter()
        source = report_pdf.ReportHTML(html, url_fetcher=report_pdf.StaticFilesFetcher())
        t1 = time.perf_counter()
        document = source.render(pdf_variant=report_pdf.PDF_VARIANT)
        t2 = time.perf_counter()
        document.write_pdf(
            pdf_variant=report_pdf.PDF_VARIANT, finisher=report_pdf.finisher_for(source)
        )
        t3 = time.perf_counter()
        del source, document
        parse.append(t1 - t0)
        layout.append(t2 - t1)
        write.append(t3 - t2)
    return statistics.median(parse), statistics.median(layout), statistics.median(write)


def cold_process(command: list[str], runs: int = RUNS) -> tuple[float, float]:
    """Medians of wall time and of CPU time (user + system, the process and every process it
    waited for) of `runs` runs of `command`. CPU time is steadier than wall time on a machine
    that other work shares, but Chromium spends part of its wall time idle, waiting on its
    own processes, so the goals compare wall times and the CPU times are shown beside them."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def compile_bytecode() -> None:
    """The app's modules compiled, as the Docker image has them (`compileall` in the
    Dockerfile): with PYTHONDONTWRITEBYTECODE set no process caches its bytecode, and each
    cold process would compile the app from source (about 0.3 s of CPU)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "appraisals", "councils", "councilopts"]
        + ["signin", "manage.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def sized_appraisal(reference: str, **sizes) -> Appraisal:
    from tests.test_reports_data import ensure_delivery_models, report_document

    ensure_delivery_models()
    Authority.objects.get_or_create(name="Partner Borough Council")
    import_document(document=report_document(reference=reference, **sizes))
    return Appraisal.objects.get(reference=reference)


def cached_download(appraisal: Appraisal) -> float:
    """Median time of GET report-draft for a draft already rendered (the view, end to end)."""
    from django.contrib.auth import get_user_model

    setup_test_environment()
    user = get_user_model().objects.create_user("bench-officer")
    Membership.objects.create(
        user=user, authority=appraisal.lead_authority, role=Membership.Role.OFFICER
    )
    content = reports.content_hash(appraisal)
    DraftReport.objects.create(appraisal=appraisal, content_hash=content)
    render_draft_report.call(appraisal.pk, content, user.pk)
    client = Client()
    client.force_login(user)
    url = f"/appraisals/{appraisal.reference}/report/draft.pdf"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(50):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times)


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    rows: list[tuple[str, str]] = []
    verdicts: list[tuple[bool, str]] = []
    from weasyprint.text.ffi import harfbuzz_subset

    rows.append(
        (
            "Font subsetting",
            "HarfBuzz (libharfbuzz-subset0)"
            if harfbuzz_subset
            else "fontTools: install libharfbuzz-subset0, it is 0.3–0.5 s a render faster",
        )
    )

    # The Harborough demo, warm, beside Chromium and a cold WeasyPrint on the same HTML.
    demo = Appraisal.objects.select_related("lead_authority").get(reference=DEMO)
    started = time.perf_counter()
    first = reports.render_committee_report(demo)
    t_first = time.perf_counter() - started
    t_eval, t_html, t_pdf, pdf = render_pdf(demo)
    n = pages(pdf)
    html_file = WORK / "harborough.html"
    html_file.write_text(reports.render_html(demo, inline_css=True), encoding="utf-8")
    rows += [
        ("Harborough demo: pages", f"{n}"),
        ("Harborough demo: first render in the process (fonts, caches)", f"{t_first:.3f} s"),
        ("Harborough demo: evaluate (engine, 10,000 samples)", f"{t_eval:.3f} s"),
        ("Harborough demo: HTML", f"{t_html:.3f} s"),
        ("Harborough demo: PDF (WeasyPrint, warm worker)", f"{t_pdf:.3f} s"),
        ("Harborough demo: pages per second (PDF)", f"{n / t_pdf:.1f}"),
        (
            "Harborough demo: PDF steps: parse HTML / style and lay out / draw, tag, write",
            " / ".join(
                f"{t:.3f} s" for t in phases(reports.render_html(evaluation=evaluate(demo)))
            ),
        ),
        ("Harborough demo: PDF size", f"{len(pdf) / 1024:.0f} KiB"),
    ]
    del first
    compile_bytecode()
    cold_weasy, cold_weasy_cpu = cold_process(
        [
            sys.executable,
            "-c",
            "import sys; from weasyprint import HTML; "
            "HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant='pdf/ua-1')",
            str(html_file),
            str(WORK / "weasy-cold.pdf"),
        ]
    )
    rows.append(
        (
            "Same HTML: WeasyPrint as shipped (no report_pdf), cold process (wall / CPU)",
            f"{cold_weasy:.3f} s / {cold_weasy_cpu:.3f} s",
        )
    )
    # What an officer or a script runs: the whole command, start-up, database and all.
    render_report, render_report_cpu = cold_process(
        [sys.executable, str(ROOT / "manage.py"), "render_report", DEMO]
        + ["-o", str(WORK / "render-report.pdf")]
    )
    rows.append(
        (
            "Harborough demo: `manage.py render_report`, whole process (wall / CPU)",
            f"{render_report:.3f} s / {render_report_cpu:.3f} s",
        )
    )
    if CHROMIUM.exists():
        chromium_pdf = WORK / "chromium.pdf"
        t_chromium, chromium_cpu = cold_process(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={chromium_pdf}",
                f"file://{html_file}",
            ]
        )
        rows += [
            (
                "Same HTML: headless Chromium, cold process (wall / CPU)",
                f"{t_chromium:.3f} s / {chromium_cpu:.3f} s",
            ),
            ("Chromium's pages", f"{pages(chromium_pdf)}"),
            ("WeasyPrint warm / Chromium cold", f"{t_pdf / t_chromium:.2f}"),
            ("WeasyPrint cold / Chromium cold", f"{cold_weasy / t_chromium:.2f}"),
            ("render_report process / Chromium cold", f"{render_report / t_chromium:.2f}"),
            (
                "render_report process / Chromium cold, CPU time",
                f"{render_report_cpu / chromium_cpu:.2f}",
            ),
        ]
        verdicts.append(
            (t_pdf <= t_chromium, "Harborough PDF no slower than a cold Chromium process")
        )
        ceiling = BASELINE_WARM_OVER_CHROMIUM * GOAL_GROWTH
        verdicts.append(
            (
                t_pdf / t_chromium <= ceiling,
                f"Harborough PDF / cold Chromium {t_pdf / t_chromium:.2f}, at most "
                f"{ceiling:.2f} (the baseline {BASELINE_WARM_OVER_CHROMIUM:.2f} plus 10%)",
            )
        )
        verdicts.append(
            (
                render_report <= t_chromium,
                "`render_report`, as a whole process, no slower than a cold Chromium process",
            )
        )
    else:
        rows.append(("Headless Chromium", f"not found at {CHROMIUM}: skipped"))

    # A 20-30 page report and a ~60 page one.
    for label, reference, sizes in (
        ("Mid-size report", "bench-mid", {"options": 6, "criteria": 12, "panels": 3, "risks": 20}),
        (
            "Large report",
            "bench-large",
            {"options": 12, "criteria": 20, "panels": 3, "risks": 66, "years": 10},
        ),
    ):
        appraisal = sized_appraisal(reference, **sizes)
        _, t_html, t_pdf, pdf = render_pdf(appraisal)
        n = pages(pdf)
        rows += [
            (f"{label}: pages", f"{n}"),
            (f"{label}: HTML", f"{t_html:.3f} s"),
            (f"{label}: PDF", f"{t_pdf:.3f} s"),
            (f"{label}: pages per second", f"{n / t_pdf:.1f}"),
        ]
        if label == "Mid-size report":
            verdicts.append(
                (
                    n / t_pdf >= GOAL_PAGES_PER_SECOND and 20 <= n <= 30,
                    f"at least {GOAL_PAGES_PER_SECOND:.0f} pages/s on a 20–30 page report "
                    f"({n} pages)",
                )
            )
        del pdf

    t_download = cached_download(demo)
    rows.append(("Cached draft re-download (view, median of 50)", f"{t_download * 1000:.1f} ms"))
    verdicts.append((t_download * 1000 < GOAL_DOWNLOAD_MS, "cached re-download under 20 ms"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("Peak memory of this process (RSS)", f"{peak:.0f} MiB"))

    print(
        f"\n## Committee report bench ({platform.python_version()}, {os.cpu_count()} CPUs, "
        f"median of {RUNS})\n"
    )
    print("| measure | value |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    print()
    for ok, goal in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}: {goal}")
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        if not os.environ.get("BENCH_KEEP"):  # BENCH_KEEP=1 keeps the HTML and PDFs to look at
            shutil.rmtree(WORK, ignore_errors=True)
