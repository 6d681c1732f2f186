from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = _("Fact-checking")

    def ready(self) -> None:
        # Registers the Celery tasks in every process, not only in the worker: the
        # outbox sends them by name (services sit below tasks.py), and a task
        # known here runs where it is sent when Celery is told to run eagerly.
        from factcheck import tasks  # noqa: F401
