"""Throughput under a real server: gunicorn, production settings, HTTP load.

Every scenario runs against the same gunicorn in the same run as the "hello" view,
so each page's requests per second can be read as a share of what Django itself
serves on this machine at this moment; the ratio survives a noisy machine better
than the absolute figure does.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from bench import load
from bench.targets import Addresses

HELLO = "/bench/hello/"
# Pages requested only to warm the server up, kept out of the measured lists so
# the "uncached" scenarios meet none of them in the cache.
SPARE = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, log: Path) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # http, not https: an https SITE_URL would redirect every request to TLS.
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--worker-class", "sync", "--log-level", "warning"]
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_serving(server, port, log)
            yield port
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_serving(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", HELLO)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within a minute:\n{log.read_text()}")


def scenarios(addresses: Addresses) -> dict[str, tuple[list[str], list[str]]]:
    """{name: (paths to warm up with, paths to measure)}, in the order they run.

    The cached page is one fact-check every reader wants (a viral one), requested
    during the warm-up so every worker holds it. The uncached pages are walked in
    order, each once: a cache miss by construction, with nothing bypassed, as long
    as there are more of them than requests (the run records whether there were).
    """
    details, spare = addresses.details[:-SPARE], addresses.details[-SPARE:]
    viral = details[:1]
    searches = [
        path
        for pair in zip(
            addresses.searches["ar"][:-SPARE],
            addresses.searches["en"][:-SPARE],
            strict=False,  # as many of each language as both have
        )
        for path in pair
    ]
    spare_searches = addresses.searches["ar"][-SPARE:]
    api_list = reverse("public-factcheck-list")
    return {
        "hello": ([HELLO], [HELLO]),
        "detail_cached": (viral, viral),
        "detail_uncached": (spare, details[1:]),
        "api_list": ([api_list], [api_list]),
        "search": (spare_searches, searches),
    }


def throughput(
    addresses: Addresses,
    *,
    workers: int,
    seconds: float,
    warm_up: float,
    connections: int,
    log: Path,
    progress=None,
) -> dict[str, load.Result]:
    results = {}
    with gunicorn(workers=workers, log=log) as port:
        for name, (warm_paths, paths) in scenarios(addresses).items():
            load.run(port, warm_paths, seconds=warm_up, connections=connections)
            results[name] = load.run(
                port, paths, seconds=seconds, connections=connections
            )
            if progress:
                progress(name, results[name])
    return results
