"""gunicorn's configuration for every way the desk is served: `make run`, the
Procfile and deploy/newsroom-web.service all start `gunicorn --config
deploy/gunicorn.conf.py newsroom.wsgi`, so the worker count is decided here only.
"""

import os

# Loopback only: the proxy in front (deploy/nginx.conf) is the only client. A port
# open to the network would let anyone skip the proxy, and with it TLS.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"

# The one worker-count rule: a process per core (Python runs one thread at a time
# per process), four threads in each so requests waiting on PostgreSQL overlap.
# About 100 MB per process; WEB_CONCURRENCY overrides the number of processes.
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
worker_class = "gthread"
threads = 4

# nginx gives up on the app after the same 30 s (proxy_read_timeout).
timeout = 30
graceful_timeout = 30
# Only our proxy's X-Forwarded-Proto is believed (it is on this machine).
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = "-"
