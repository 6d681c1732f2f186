import os

from django.core.asgi import get_asgi_application

from newsroom import bootstrap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
bootstrap.prepare()
application = get_asgi_application()
