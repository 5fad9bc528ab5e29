"""The settings read the environment strictly: a bad value is an error, not a guess."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(__file__))


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import councilopts.settings as s; print(s.DEBUG, s.DATABASES)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_debug_maybe_is_an_error():
    result = load_settings(DEBUG="maybe", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "django.db.backends.postgresql"),
        ("sqlite:///tmp/x.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_database_url_picks_the_engine(url, engine):
    result = load_settings(DEBUG="false", SECRET_KEY="x", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert engine in result.stdout


def test_sqlite_file_by_default():
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "import councilopts.settings as s; print(s.DATABASES)"],
        cwd=ROOT,
        env={**clean, "DEBUG": "true"},
        capture_output=True,
        text=True,
    )
    assert "db.sqlite3" in result.stdout


def test_production_settings_are_safe():
    code = (
        "import councilopts.settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.ALLOWED_HOSTS)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DEBUG": "false", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "[]"]


def test_manage_py_runs_for_a_developer_without_any_environment():
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
