"""While the database cannot be reached, every page answers 503 "try again in a minute"
with Retry-After, never a bare 500. Tested in a fresh process whose database refuses
connections (a port nothing listens on), so the shared PostgreSQL is never touched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, django
import councilopts.settings as settings
# The stylesheets as in development: this checkout has no collectstatic manifest.
STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
settings.STORAGES["staticfiles"]["BACKEND"] = STATIC
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-the-database-would-be-asked-for"
out = {}
for url in ["/", "/appraisals/any-reference/results/"]:
    r = client.get(url)
    out[url] = [r.status_code, r.get("Retry-After"), r.get("Cache-Control"), r.content.decode()]
print(json.dumps(out))
"""


def _run_against(database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",  # the error pages users see (DEBUG shows Django's own)
        "SECRET_KEY": "k" * 20 + "a-key-for-this-test-only-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "councilopts.settings",
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pages_answer_503_with_retry_after_while_postgresql_refuses_connections():
    answers = _run_against("postgresql://postgres@127.0.0.1:1/councilopts")
    for url in ["/", "/appraisals/any-reference/results/"]:
        status, retry_after, cache_control, html = answers[url]
        assert status == 503, url
        assert retry_after == "60"
        assert cache_control == "no-store"
        assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in html
        assert "Try again in a minute." in html
        assert "Traceback" not in html and "OperationalError" not in html


def test_other_errors_are_still_a_plain_500(rf, settings):
    """Only an unreachable database is a 503: any other error is Django's 500 page."""
    from councilopts.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
