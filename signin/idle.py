"""Idle session timeout: a session with no request for SESSION_IDLE_TIMEOUT is signed out,
and the sign-in page says why.

The time of the last request is kept in the session, written at most once a minute so that
a busy page does not save the session on every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

LAST_SEEN = "councilopts_last_seen"
WRITE_EVERY = 60  # seconds


def idle_minutes() -> int:
    return int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)


@receiver(user_logged_in)
def start_clock(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT.total_seconds():
                return self.signed_out(request)
            if last is None or now - last >= WRITE_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def signed_out(self, request) -> HttpResponse:
        logout(request)
        minutes = idle_minutes()
        messages.info(
            request,
            f"You were signed out because you had not used the service for {minutes} "
            f"minute{'s' if minutes != 1 else ''}. Sign in again to carry on.",
        )
        login = reverse(settings.LOGIN_URL)
        htmx = request.headers.get("HX-Request") == "true"  # before django-htmx's middleware
        if request.method == "GET" and not htmx:
            login += "?" + urlencode({"next": request.get_full_path()})
        if htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return redirect(login)
