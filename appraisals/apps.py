from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Options appraisals"

    def ready(self) -> None:
        # Connects the signal that renders drafts ahead of time after every change (tasks.py).
        from . import tasks  # noqa: F401
