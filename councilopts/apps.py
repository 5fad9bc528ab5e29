from django.apps import AppConfig


class CouncilOptsConfig(AppConfig):
    """The project itself, as an app only to connect the sign-in log (sign_in.py)."""

    name = "councilopts"
    verbose_name = "councilopts"

    def ready(self) -> None:
        from . import sign_in  # noqa: F401  (connects its signal receivers)
