from django.http import HttpRequest

from .models import Authority


def council(request: HttpRequest) -> dict:
    """The signed-in person's council, named in the header (lazily: one query if used)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_council": None}

    def first_council() -> Authority | None:
        return Authority.objects.filter(memberships__user=user).order_by("name").first()

    return {"user_council": first_council}
