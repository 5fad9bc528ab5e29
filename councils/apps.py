from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "Council administration"

    def ready(self) -> None:
        # The receiver that keeps how each invitation's e-mail went (emails.delivery), in
        # every process, the task worker's too.
        from . import actions  # noqa: F401
