from django.http import HttpRequest

from .access import acting_council, is_administrator, user_councils


def council(request: HttpRequest) -> dict:
    """The council the signed-in person is acting for, named in the header, their other
    councils (to switch to) and whether they administer it (lazily: read only if shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_council": None, "user_councils": [], "administers_council": False}

    def administers() -> bool:
        acting = acting_council(request)
        return acting is not None and is_administrator(user, acting.pk)

    return {
        "user_council": lambda: acting_council(request),
        "user_councils": lambda: user_councils(user),
        "administers_council": administers,
    }
