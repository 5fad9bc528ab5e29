"""The imports between the parts run one way: `actions` may use `interchange`, `reports` and
`results`, but none of those three imports `actions`; all of them take the audit trail from
`appraisals.history`, which sits below them all (README: where things are)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "appraisals"


def _imported(path: Path) -> set[str]:
    """Every `appraisals.…` module `path` imports, at the top or inside a function."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("appraisals.")}


def _files(*parts: str) -> list[Path]:
    files = []
    for part in parts:
        target = APP / part
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    return files


def test_interchange_reports_and_results_never_import_actions():
    files = _files("interchange", "reports", "results")
    assert len(files) > 10
    offending = {
        str(f.relative_to(APP)): sorted(
            n for n in _imported(f) if n.startswith("appraisals.actions")
        )
        for f in files
    }
    assert {f: names for f, names in offending.items() if names} == {}


def test_history_imports_nothing_of_ours_but_the_models():
    imported = _imported(APP / "history.py")
    assert "appraisals.models" in imported
    assert {n for n in imported if not n.startswith("appraisals.models")} == set()
