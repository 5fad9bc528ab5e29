"""`@allow("GET")` / `@allow("POST")`: require_http_methods for appraisal views, except that
an appraisal the user may not see is 404 whatever the method, so a wrong method tells another
council's users nothing (not even a 405)."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from ..access import get_appraisal_for


def allow(*methods: str) -> Callable:
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, reference: str, *args, **kwargs) -> HttpResponse:
            if request.method not in allowed:
                get_appraisal_for(request.user, reference)  # 404 first, then 405
                return HttpResponseNotAllowed(allowed)
            return view(request, reference, *args, **kwargs)

        return wrapped

    return decorator
