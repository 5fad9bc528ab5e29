"""Shared test set-up: personas (healthchecks' alice/bob/charlie, for councils)."""

import os

import pytest
from django.core.cache import cache
from hypothesis import settings

from tests import smtp
from tests.factories import Personas, make_personas

# Property and fuzz tests: explore anew on a developer's machine; in CI, the same examples on
# every run (derandomized), so a red build is repeatable. HYPOTHESIS_PROFILE picks one.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev")
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


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


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that Django sends to; yields its `smtp.Mailbox`."""
    controller, mailbox = smtp.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "use_tls": False},
        }
    }
    yield mailbox
    controller.stop()


@pytest.fixture
def oidc_provider():
    """A real OpenID Connect provider on loopback (oidc-provider-mock): tests/oidc.py."""
    from tests import oidc

    with oidc.start() as provider:
        yield provider
