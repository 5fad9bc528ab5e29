"""Loaded by pytest before Django (`-p tests.environment` in pyproject.toml): test settings
come from the environment like every other run, so set the few that tests need."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "councilopts-tests-only")
os.environ.setdefault("TASKS_IMMEDIATE", "true")
