import os

from newsroom import bootstrap

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# The embedded database and key when nothing is configured, as for manage.py.
bootstrap.prepare()

from bench.run import main  # noqa: E402 (settings are chosen and prepared above)

main()
