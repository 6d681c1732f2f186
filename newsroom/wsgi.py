import os

from django.core.wsgi import get_wsgi_application

from newsroom import bootstrap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Refuses (ImproperlyConfigured) in production without DATABASE_URL or
# DJANGO_SECRET_KEY: gunicorn then stops with "Worker failed to boot".
bootstrap.prepare()
application = get_wsgi_application()
