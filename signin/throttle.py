"""How django-axes names the account an attempt was for (AXES_USERNAME_CALLABLE).

allauth's form sends "login" (a username or an e-mail address); the admin's sends "username".
An attempt by e-mail address counts against the account with that address, so the limit is
one count per account and address, however the person typed it."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def axes_username(request, credentials: dict | None) -> str:
    credentials = credentials or {}
    data = getattr(request, "POST", {}) if request is not None else {}
    typed = (
        credentials.get("username")
        or credentials.get("email")
        or data.get("login")
        or data.get("username")
        or ""
    ).strip()
    if not typed:
        return ""
    users = get_user_model().objects
    field = "email__iexact" if "@" in typed else "username__iexact"
    names = list(users.filter(**{field: typed}).values_list("username", flat=True)[:2])
    if len(names) == 1:
        return names[0]
    return typed
