"""Sign-in throttling (django-axes, settings.py) on both login pages, keyed by username and
address together, with the lock-out page and the sign-in log."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from councilopts.log_format import JsonFormatter
from councilopts.sign_in import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
OFFICE = "192.0.2.10"  # the council's proxy: everyone there shares this address
HOME = "198.51.100.7"


def attempt(client, username, password, *, path=LOGIN, ip=OFFICE):
    # allauth's sign-in page names its field "login" (a username or an email address); the
    # admin's is Django's "username".
    field = "login" if path == LOGIN else "username"
    return client.post(path, {field: username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, **kwargs):
    return [attempt(client, username, "wrong", **kwargs).status_code for _ in range(times)]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_two_hundred_wrong_passwords_are_not_all_tried_and_the_right_one_is_then_refused(
    client, personas, settings
):
    codes = fail(client, "alice", 200)
    limit = settings.AXES_FAILURE_LIMIT
    assert codes[: limit - 1] == [200] * (limit - 1)  # the form, with its error
    assert codes[limit - 1 :] == [429] * (200 - limit + 1)  # refused, unchecked
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


def test_locked_out_at_the_limit_and_not_before(client, personas, settings):
    settings.AXES_FAILURE_LIMIT = 3
    assert fail(client, "alice", 2) == [200, 200]
    assert attempt(client, "alice", PASSWORD).status_code == 302  # a success resets the count
    client.post(reverse("logout"))
    assert fail(client, "alice", 3) == [200, 200, 429]
    assert attempt(client, "alice", PASSWORD).status_code == 429


def test_a_colleague_behind_the_same_proxy_can_still_sign_in(client, personas, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "alice", PASSWORD).status_code == 429
    assert attempt(client, "bob", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_same_person_from_another_address_can_still_sign_in(client, personas, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "alice", PASSWORD, ip=HOME).status_code == 302


def test_the_lockout_page_says_how_long_to_wait(client, personas, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 429
    text = response.text
    assert '<h1 class="govuk-heading-l">Too many attempts to sign in</h1>' in text
    assert f"There have been {settings.AXES_FAILURE_LIMIT} unsuccessful attempts" in text
    assert re.search(r"try again in 15 minutes, at \d{1,2}(:\d\d)?(am|pm)\.", text) or re.search(
        r"try again in 15 minutes, at (midday|midnight)\.", text
    )
    assert 890 <= int(response["Retry-After"]) <= 900
    assert response["Cache-Control"] == "private, no-store"


def test_the_wait_shrinks_and_attempts_during_it_do_not_restart_it(client, personas, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=6)
    )
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 429
    assert "try again in 9 minutes" in response.text
    response = attempt(client, "alice", PASSWORD)
    assert "try again in 9 minutes" in response.text


def test_sign_in_works_again_after_the_wait(client, personas, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_by_the_same_count(client, personas, settings):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    half = settings.AXES_FAILURE_LIMIT // 2
    fail(client, "root", half, path=ADMIN_LOGIN)
    codes = fail(client, "root", settings.AXES_FAILURE_LIMIT - half, path=LOGIN)
    assert codes[-1] == 429
    response = attempt(client, "root", PASSWORD, path=ADMIN_LOGIN)
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.text
    assert not signed_in(client)


def test_admin_login_alone_locks_out(client, personas, settings):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert fail(client, "root", settings.AXES_FAILURE_LIMIT, path=ADMIN_LOGIN)[-1] == 429
    assert attempt(client, "root", PASSWORD, path=ADMIN_LOGIN).status_code == 429


def test_every_sign_in_failure_and_lockout_is_logged_with_who_where_and_what(
    client, personas, settings, caplog
):
    settings.AXES_FAILURE_LIMIT = 2
    with caplog.at_level(logging.INFO, logger="councilopts.sign_in"):
        attempt(client, "bob", PASSWORD)
        client.post(reverse("logout"))  # a signed-in person's sign-in page sends them home
        fail(client, "alice", 2)
    events = [
        (r.event, r.username, r.ip, r.path, r.levelname)
        for r in caplog.records
        if r.name == "councilopts.sign_in"
    ]
    assert events == [
        ("login", "bob", OFFICE, LOGIN, "INFO"),
        ("login_failed", "alice", OFFICE, LOGIN, "WARNING"),
        ("lockout", "alice", OFFICE, LOGIN, "WARNING"),
        ("login_failed", "alice", OFFICE, LOGIN, "WARNING"),
    ]
    lockout = next(r for r in caplog.records if getattr(r, "event", "") == "lockout")
    assert lockout.until.endswith("+00:00")


def test_a_log_line_is_one_json_object_with_the_utc_time_and_the_fields():
    record = logging.makeLogRecord(
        {
            "name": "councilopts.sign_in",
            "levelname": "WARNING",
            "msg": "sign-in failed: %s",
            "args": ("alice",),
            "created": 0.25,
            "event": "login_failed",
            "username": "alice",
        }
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "1970-01-01T00:00:00.250+00:00",
        "level": "WARNING",
        "logger": "councilopts.sign_in",
        "message": "sign-in failed: alice",
        "event": "login_failed",
        "username": "alice",
    }


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", OFFICE),  # no proxy configured: the header is not believed
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "10.9.9.9, 203.0.113.5", "203.0.113.5"),  # the forged left entry is ignored
        (2, "10.9.9.9, 203.0.113.5, 192.0.2.99", "203.0.113.5"),
        (2, "203.0.113.5", OFFICE),  # came round our outer proxy
        (1, "not-an-address", OFFICE),
        (1, "", OFFICE),
    ],
)
def test_the_client_address_is_taken_from_our_own_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_each_client_is_counted_apart(client, personas, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"login": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        )
    response = client.post(
        LOGIN,
        {"login": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.6",
        **proxy,
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_a_superuser_sees_and_can_end_a_lockout_in_the_admin(client, personas, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(personas.admin)  # staff, not a superuser: sees nothing of it
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    client.force_login(root)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "alice" in page.text
    attempt_pk = AccessAttempt.objects.get().pk
    client.post(f"/admin/axes/accessattempt/{attempt_pk}/delete/", {"post": "yes"})
    client.logout()
    assert attempt(client, "alice", PASSWORD).status_code == 302
