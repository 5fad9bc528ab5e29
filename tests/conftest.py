"""Shared test set-up: personas (healthchecks' alice/bob/charlie, for councils)."""

import pytest
from django.core.cache import cache

from tests.factories import Personas, make_personas


@pytest.fixture
def personas(db) -> Personas:
    """Officer, member and admin of the lead council; an officer of a partner council; an
    officer of an unrelated council; and one small scored appraisal they look at."""
    return make_personas()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher is slow on purpose; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Each test's database reuses ids, so the same content, and evaluations are cached by
    # content: a test that patches the method must not read another test's evaluation.
    cache.clear()
