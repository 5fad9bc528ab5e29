from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Options appraisals"

    def ready(self) -> None:
        # Connects the signal that renders drafts ahead of time after every change (tasks.py).
        from django.db.models.signals import post_migrate

        from . import fts, tasks  # noqa: F401

        # The SQLite full-text index and its triggers, made again after every migrate (fts.py).
        post_migrate.connect(fts.on_post_migrate, sender=self, dispatch_uid="appraisals-fts")
