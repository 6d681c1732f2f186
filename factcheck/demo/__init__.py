"""The demo newsroom that `manage.py load_demo` loads: its content is in data.py."""
