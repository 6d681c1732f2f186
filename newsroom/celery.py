import os

from celery import Celery

from newsroom import bootstrap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")


# Celery reads the Django settings when its configuration is first needed, not when
# this module is imported (newsroom/__init__.py imports it, and with it every
# import of newsroom.settings): the local defaults are set up at that moment.
@app.on_configure.connect
def _prepare_local_services(sender: Celery, **kwargs) -> None:
    bootstrap.prepare()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
