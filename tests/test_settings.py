"""The settings read the environment strictly: a bad value is an error, not a guess."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(__file__))
# As long and as varied as Django's deployment check asks (security.W009).
GOOD_KEY = "k3y-" + "abcdefghij" * 5


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


@pytest.mark.parametrize("key", ["short", "a" * 60, "django-insecure-" + "ab" * 20])
def test_a_weak_secret_key_is_refused_when_debug_is_off(key):
    result = load_settings(DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_a_short_secret_key_is_accepted_with_debug_on():
    assert load_settings(DEBUG="true", SECRET_KEY="short").returncode == 0


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgresql://postgres@127.0.0.1:5432/test", "django.db.backends.postgresql"),
        ("sqlite:///tmp/x.sqlite3", "django.db.backends.sqlite3"),
    ],
)
def test_database_url_picks_the_engine(url, engine):
    result = load_settings(DEBUG="false", SECRET_KEY=GOOD_KEY, DATABASE_URL=url)
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
        env={**clean, "DEBUG": "false", "SECRET_KEY": GOOD_KEY},
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


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", *env)}
    return subprocess.run(
        [sys.executable, "-c", f"import councilopts.settings as s; print({code})"],
        cwd=ROOT,
        env={**clean, "DEBUG": "false", "SECRET_KEY": GOOD_KEY, **env},
        capture_output=True,
        text=True,
    )


def test_hsts_covers_subdomains_and_preload_is_left_to_the_domain_owner():
    result = run_settings("s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SILENCED_SYSTEM_CHECKS")
    assert result.stdout.strip() == "True ['security.W021']"


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which no deployment has.
    unset = ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_HOST")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DEBUG": "false",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "example.org",
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings():
    # Production names its SMTP relay (README, "Running in production").
    result = check_deploy(EMAIL_HOST="smtp.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues (1 silenced)" in result.stdout


def test_check_deploy_says_when_no_smtp_relay_is_set():
    """Without EMAIL_HOST the e-mails go to the console: a deployment is told so."""
    result = check_deploy()
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_logs_are_json_lines_in_production_and_text_for_developers():
    assert run_settings("s.LOGGING['handlers']['console']['formatter']").stdout.strip() == "json"
    developer = run_settings("s.LOGGING['handlers']['console']['formatter']", DEBUG="true")
    assert developer.stdout.strip() == "text"
    assert "LOG_FORMAT='xml' is not json or text" in run_settings("1", LOG_FORMAT="xml").stderr


def test_sqlite_takes_the_write_lock_when_a_transaction_begins_and_uses_wal():
    result = run_settings("s.DATABASES['default']['OPTIONS']", DATABASE_URL="sqlite:///x.sqlite3")
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "'init_command': 'PRAGMA journal_mode=WAL'" in result.stdout
    assert "'timeout': 20" in result.stdout
