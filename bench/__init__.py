"""`make bench`: the desk at newsroom scale, measured against Django's own ceiling.

`python -m bench` builds (or reuses) a generated newsroom in a database of its own,
measures every important page in-process, then serves it with gunicorn and loads it
over HTTP next to a minimal "hello" view, and writes bench/results/latest.json.
"""
