"""Start-up: what every process (web worker, task worker, manage.py) imports before work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("weasyprint", "pandas", "fontTools", "pydyf")

LOAD_EVERYTHING = """
import sys
import django
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
django.setup()
get_wsgi_application()
import councilopts.urls, appraisals.tasks, appraisals.admin  # every view, the worker's tasks
from django.urls import get_resolver
get_resolver().url_patterns
call_command("check", verbosity=0)
print("heavy:", *sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[1:]))
"""


def test_no_process_imports_weasyprint_or_pandas_before_its_first_render():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "councilopts.settings", "DEBUG": "true"}
    run = subprocess.run(
        [sys.executable, "-c", LOAD_EVERYTHING, *HEAVY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert run.stdout.splitlines()[-1] == "heavy:"
