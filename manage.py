#!/usr/bin/env python
import os
import sys

from django.core.exceptions import ImproperlyConfigured

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    from newsroom import bootstrap

    try:
        bootstrap.prepare()
    except ImproperlyConfigured as refusal:
        sys.exit(f"Refusing to start: {refusal}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
