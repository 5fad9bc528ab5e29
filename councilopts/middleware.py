"""Project-wide middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def private_no_store(get_response: Callable[[HttpRequest], HttpResponse]):
    """Nothing shown to a signed-in person is kept by a shared cache or on the disk of a
    shared computer: `Cache-Control: private, no-store` on every response to them, pages
    and exports alike, unless the view chose its own private caching (the report PDFs,
    revalidated by ETag). Nothing public is ever sent to them. Static files never reach
    here: WhiteNoise answers them first, with its own long caching."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        chosen = response.get("Cache-Control", "")
        if request.user.is_authenticated and "private" not in chosen:
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware
