"""The method is pure: the engine and its companions import no Django, so they can be read,
tested and reused on their own (style.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import appraisals.engine


def test_the_engine_finance_and_explain_modules_import_no_django():
    modules = [
        f"appraisals.engine.{m.name}" for m in pkgutil.iter_modules(appraisals.engine.__path__)
    ]
    assert len(modules) >= 5
    modules += [
        "appraisals.engine",
        "appraisals.finance",
        "appraisals.explain",
        "appraisals.changes",
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.stdout.strip() == "[]", done.stdout
