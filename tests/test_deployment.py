"""compose.yaml and the Dockerfile run commands that exist. (Docker itself cannot run here;
the file was also checked against the Compose specification's schema by hand.)"""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]


def test_every_manage_py_command_that_compose_and_the_dockerfile_run_exists():
    text = (ROOT / "compose.yaml").read_text() + (ROOT / "Dockerfile").read_text()
    named = set(re.findall(r'manage\.py"?,?\s+"?([a-z_]+)', text))
    assert {"migrate", "db_worker", "collectstatic"} <= named
    assert named <= set(get_commands())


def test_compose_runs_app_worker_and_postgresql_and_migrates_first():
    text = (ROOT / "compose.yaml").read_text()
    block = text.split("\nservices:\n")[1].split("\nvolumes:\n")[0]
    services = set(re.findall(r"^  ([a-z]+):$", block, re.MULTILINE))
    assert services == {"db", "migrate", "app", "worker"}
    assert text.count("condition: service_completed_successfully") == 1  # in the shared x-app
    assert '"127.0.0.1:8000:8000"' in text  # only the proxy on this host reaches the app
    for required in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "POSTGRES_PASSWORD"):
        assert f"${{{required}:?" in text  # compose refuses to start without it
