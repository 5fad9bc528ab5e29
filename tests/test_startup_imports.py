"""Heavy libraries stay off the start-up path of every process (issue 11, point 10).

Each check runs in a fresh interpreter, since this test process has imported everything
already. WeasyPrint (with pydyf and fontTools) is imported when a PDF is first written,
python-docx when a Word document is first written, and nothing imports pandas or pikepdf.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("weasyprint", "pydyf", "fontTools", "docx", "pandas", "pikepdf")


def _loaded_after(code: str) -> list[str]:
    """The HEAVY packages in sys.modules after running `code` in a new interpreter."""
    probe = (
        "import json, sys\n"
        f"{code}\n"
        f"print(json.dumps(sorted(n for n in {HEAVY!r} if n in sys.modules)))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "councilopts.settings"}
    env.setdefault("DATABASE_URL", "sqlite:///:memory:")
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "code",
    [
        "import django; django.setup()",
        "import councilopts.wsgi",
        "import django; django.setup(); from appraisals import reports, tasks",
        # every view, the admin and the worker's tasks, as a web worker's first request has
        # them, and the system checks every manage.py command runs
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "from django.urls import get_resolver\n"
        "get_wsgi_application()\n"
        "import councilopts.urls, appraisals.tasks, appraisals.admin\n"
        "get_resolver().url_patterns\n"
        "call_command('check', verbosity=0)",
    ],
    ids=["django.setup", "wsgi", "reports", "every-view-and-check"],
)
def test_start_up_imports_no_heavy_library(code):
    assert _loaded_after(code) == []


def test_the_probe_sees_a_heavy_import():
    """The check can fail: asking for a Word document's function loads python-docx, and
    writing a PDF's module loads WeasyPrint."""
    loaded = _loaded_after(
        "import django; django.setup(); from appraisals import reports, report_pdf; "
        "reports.write_docx"
    )
    assert {"docx", "weasyprint"} <= set(loaded)


def test_weasyprint_finds_its_libraries_with_one_process():
    """Importing the PDF writer looks WeasyPrint's C libraries up in one reading of the
    linker's cache (`ldconfig -p`), not with ldconfig, gcc and ld for each name it tries
    (about 60 processes, 0.5 s), and finds the same libraries."""
    probe = (
        "import ctypes.util, json, sys\n"
        "started = []\n"
        "sys.addaudithook(lambda event, args: event == 'subprocess.Popen' and "
        "started.append(args[0]))\n"
        "import django; django.setup()\n"
        "find_library = ctypes.util.find_library\n"
        "from appraisals import report_pdf\n"
        "from weasyprint.text import ffi\n"
        "print(json.dumps([started, ctypes.util.find_library is find_library,\n"
        "    ffi.harfbuzz_subset is not None]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "councilopts.settings"}
    env.setdefault("DATABASE_URL", "sqlite:///:memory:")
    env.pop("LD_LIBRARY_PATH", None)
    env.pop("LIBRARY_PATH", None)
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    started, restored, subsetter = json.loads(done.stdout.strip().splitlines()[-1])
    assert started == ["/sbin/ldconfig"]
    assert restored and subsetter
