"""The load test's users (locust): officers and members of the demo council, at no think time.

Run by `loadtest/run.py` (`make loadtest`), which starts the servers, makes the users and
writes the plan this file reads from LOADTEST_PLAN. Two scenarios, chosen by the user classes
named on locust's command line:

- `SignInPage`: everyone asks for the sign-in page (the baseline).
- `Officer Member`: officers open the home page, the results, their panel's scoring grid,
  save scores (each officer its own cells, so a save never meets another's), the report page
  and the draft PDF; members open the home page, the appraisal and the results.

Each user signs in once, with the right password. Every save the server confirmed is
appended to LOADTEST_SAVES (JSON lines), for run.py to check against the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

import gevent
import gevent.event
from locust import HttpUser, constant, events, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
# Django, with DEBUG off, marks its cookies Secure and redirects plain HTTP: the servers run
# behind a pretend TLS proxy (X-Forwarded-Proto), and the cookies are sent back as they came.
# POSTs carry the Origin a browser would send (Django checks it on HTTPS requests).
HEADERS = {"X-Forwarded-Proto": "https"}
CELL = re.compile(r'<td[^>]*\bid="(c\d+-\d+)"[^>]*\bhx-post="([^"]+)"')
HIDDEN = re.compile(r'name="(c\d+-\d+)-(version|loaded)" value="([^"]*)"')
SAVED = "Saved the score for"
saves: list[dict] = []  # confirmed by the server
attempts: list[dict] = []  # sent (a save in flight when the run stops may be stored too)
ready = gevent.event.Event()  # set when every user has signed in
signed_in = itertools.count(1)
officer_numbers = itertools.count()
member_numbers = itertools.count()


class Person(HttpUser):
    abstract = True
    wait_time = constant(0)  # no think time
    account: dict

    def sign_in(self) -> None:
        """Once per user, with the right password (the login throttle never sees a failure)."""
        self.client.get("/accounts/login/", headers=HEADERS, name="sign in (once a user)")
        self._unsecure_cookies()
        self.client.post(
            "/accounts/login/",
            {"login": self.account["username"], "password": PLAN["password"]},
            headers={**HEADERS, **self._csrf()},
            name="sign in (once a user)",
            allow_redirects=False,
        )
        self._unsecure_cookies()

    def on_start(self) -> None:
        self.begin()
        if next(signed_in) >= int(os.environ["LOADTEST_USERS"]):
            ready.set()

    def begin(self) -> None:
        """Sign in, and whatever else a person does once."""

    def _csrf(self) -> dict[str, str]:
        return {
            "Origin": self.host.replace("http://", "https://"),
            "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
        }

    def _unsecure_cookies(self) -> None:
        """Before every request: pages that show a form set the CSRF cookie again."""
        for cookie in list(self.client.cookies):
            cookie.secure = False

    def get(self, url: str, name: str):
        """GET that counts anything but 200 as an error (a redirect to sign in included)."""
        self._unsecure_cookies()
        with self.client.get(
            url, headers=HEADERS, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response


class SignInPage(Person):
    """The trivial baseline: the sign-in page, anonymous."""

    def begin(self) -> None:
        pass

    @task
    def sign_in_page(self) -> None:
        self.get("/accounts/login/", "sign-in page (baseline)")


class Officer(Person):
    weight = PLAN["officer_weight"]

    def begin(self) -> None:
        number = next(officer_numbers)
        officers = PLAN["officers"]
        self.account = officers[number % len(officers)]
        self.number, self.sequence = number, 0
        self.sign_in()
        self.base = f"/appraisals/{PLAN['reference']}/"
        self.cells: dict[str, dict] = {}
        self._read_grid(self.get(PLAN["grid"], "scoring grid").text)
        mine = sorted(self.cells)[number :: PLAN["officer_slots"]]
        self.mine = mine or sorted(self.cells)[:1]

    def _read_grid(self, html: str) -> None:
        for prefix, url in CELL.findall(html):
            self.cells.setdefault(prefix, {})["url"] = url
        for prefix, field, value in HIDDEN.findall(html):
            self.cells.setdefault(prefix, {})[field] = value

    @task(2)
    def home(self) -> None:
        self.get("/", "home")

    @task(2)
    def results(self) -> None:
        self.get(self.base + "results/", "results")

    @task(2)
    def grid(self) -> None:
        self._read_grid(self.get(PLAN["grid"], "scoring grid").text)

    @task(3)
    def save_score(self) -> None:
        prefix = random.choice(self.mine)
        cell = self.cells[prefix]
        self.sequence += 1
        score = str(random.randint(PLAN["scale"][0], PLAN["scale"][1]))
        reason = f"Load test: officer {self.number}, save {self.sequence}"
        self._unsecure_cookies()
        attempts.append({"cell": prefix, "score": score, "reason": reason})
        with self.client.post(
            cell["url"],
            {
                f"{prefix}-score": score,
                f"{prefix}-reason": reason,
                f"{prefix}-version": cell.get("version", ""),
                f"{prefix}-loaded": cell.get("loaded", ""),
            },
            headers={**HEADERS, **self._csrf(), "HX-Request": "true"},
            name="score save",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and SAVED in response.text:
                saves.append({"cell": prefix, "score": score, "reason": reason})
                self._read_grid(response.text)
                response.success()
            else:
                response.failure(f"not saved (HTTP {response.status_code})")

    @task(1)
    def report(self) -> None:
        self.get(self.base + "report/", "report page")

    @task(1)
    def draft(self) -> None:
        self.get(self.base + "report/draft.pdf", "draft PDF download")


class Member(Person):
    weight = PLAN["member_weight"]

    def begin(self) -> None:
        members = PLAN["members"]
        self.account = members[next(member_numbers) % len(members)]
        self.sign_in()
        self.base = f"/appraisals/{PLAN['reference']}/"

    @task(2)
    def home(self) -> None:
        self.get("/", "home")

    @task(1)
    def appraisal(self) -> None:
        self.get(self.base, "appraisal (member)")

    @task(3)
    def results(self) -> None:
        self.get(self.base + "results/", "results")


@events.test_stop.add_listener
def write_saves(**kwargs) -> None:
    with open(os.environ["LOADTEST_SAVES"], "w", encoding="utf-8") as out:  # noqa: PTH123
        out.write(json.dumps({"confirmed": saves, "attempted": attempts}))


@events.test_start.add_listener
def stop_on_time(environment, **kwargs) -> None:
    """Once every user has signed in, start the statistics afresh, and stop LOADTEST_SECONDS
    later by the monotonic clock: sign-ins (a deliberately slow password hash each) are not
    part of the figures. (locust's --run-time timer is scheduled on gevent's cached loop
    time, which on a busy machine lags by however long start-up held the loop.)"""
    seconds = float(os.environ["LOADTEST_SECONDS"])

    def stop() -> None:
        ready.wait(timeout=300)
        environment.stats.reset_all()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            gevent.sleep(0.2)
        environment.runner.quit()

    gevent.spawn(stop)
