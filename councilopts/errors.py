"""The page for an uncaught error (`handler500`): while the database cannot be reached (it
is restarting, or down), a 503 that says to try again in a minute, with Retry-After, instead
of a bare 500. It is printed without the request's context, so it needs no database."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_AFTER_SECONDS = 60
PLAIN = "Sorry, the service is unavailable. Try again in a minute."


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` for the error, so the error is the current one.
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        try:
            response = HttpResponse(render_to_string("503.html"), status=503)
        except Exception:  # the page itself failed (static files missing): say it plainly
            response = HttpResponse(PLAIN, status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
