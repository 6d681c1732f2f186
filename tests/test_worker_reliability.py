"""A real Redis and real `celery worker` processes: what the outbox promises when a
process dies or the broker is away.

Each test gets a Redis database of its own and starts workers (prefork, one child)
on it with tests/worker_settings.py, connected to this test's database. The worker
is another process and sees committed rows only, so the tests are transactional.
The figures each test measures are printed; `pytest -s` shows them.
"""

import base64
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.pools import ProducerPool

from factcheck import services, webhooks
from factcheck.models import (
    ArchiveJob,
    Delivery,
    JobState,
    LinkStatus,
    SourceArchive,
    Status,
    Subscriber,
    WebhookEvent,
)
from newsroom.celery import app as celery_app
from tests import factories
from tests.live_database import database_url

pytestmark = [
    pytest.mark.workers,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEFAULT_REDIS = "redis://127.0.0.1:6379"
# Nothing listens on port 1: connections are refused at once, like a broker that
# is down (a broker that does not answer at all is bounded by its timeouts).
DEAD_BROKER = "redis://127.0.0.1:1/0"
QUEUE = "celery"
# kombu's Redis transport keeps delivered, unacknowledged messages in this hash.
UNACKED = "unacked"
WAIT = 30.0
# Seconds, for the test of a worker killed whole (production waits half an hour).
VISIBILITY_TIMEOUT = 5


# --- The broker


@dataclass(frozen=True)
class Broker:
    url: str
    redis: redis.Redis

    def waiting(self) -> int:
        return self.redis.llen(QUEUE)

    def unacked(self) -> int:
        return self.redis.hlen(UNACKED)


def _redis_server() -> str:
    """The Redis of CELERY_BROKER_URL (CI's), without its database number."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return DEFAULT_REDIS
    return f"redis://{urlsplit(url).netloc}"


def _database_number() -> int:
    # Counted down from the last of Redis's 16 databases, away from the cache
    # databases that conftest counts up from REDIS_URL's for each xdist worker.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return 15 - int(worker.removeprefix("gw"))


@pytest.fixture
def broker() -> Iterator[Broker]:
    """An empty Redis database for this test; no Redis skips the test, or fails it
    when REQUIRE_REDIS=1 (CI), where a skip would hide that nothing was proven."""
    url = f"{_redis_server()}/{_database_number()}"
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    unreachable = _unreachable(client)
    if unreachable and os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(
            f"REQUIRE_REDIS is set but there is no Redis at {url}: {unreachable}"
        )
    if unreachable:
        pytest.skip(f"no Redis at {url}: {unreachable}")
    client.flushdb()
    try:
        yield Broker(url, client)
    finally:
        client.flushdb()
        client.close()


def _unreachable(client: redis.Redis) -> str:
    try:
        client.ping()
    except redis.RedisError as exc:
        return str(exc)
    return ""


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Tasks sent by this process go to `url` until the block ends.

    conftest points the app at an in-memory broker, and the app keeps a connection
    pool and a producer pool made from the first URL it used: changing
    broker_url afterwards would not move them (nor would it beat a
    CELERY_BROKER_URL environment variable, which Celery reads first). So the
    pools themselves are swapped, and put back afterwards.
    """
    amqp = celery_app.amqp
    saved = celery_app._pool, amqp._producer_pool
    connections = celery_app.connection_for_write(
        url, transport_options=dict(settings.REDIS_BROKER_OPTIONS)
    ).Pool(limit=celery_app.conf.broker_pool_limit)
    producers = ProducerPool(connections, limit=connections.limit)
    celery_app._pool, amqp._producer_pool = connections, producers
    try:
        yield
    finally:
        celery_app._pool, amqp._producer_pool = saved
        producers.force_close_all()
        connections.force_close_all()


def _sent_task(raw: bytes) -> tuple[str, list]:
    """The task name and arguments of a message as kombu stores it in Redis."""
    message = json.loads(raw)
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    return message["headers"]["task"], args


# --- The workers


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pool_children(self) -> list[int]:
        """The prefork pool's processes: the worker's children, read from /proc.

        The command name (field 2 of /proc/<pid>/stat) may hold spaces and
        parentheses, so the parent id is counted from its closing parenthesis.
        """
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[1]) == self.pid:
                children.append(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """SIGKILL to the main process and its pool at once: no warm shutdown, no
        message handed back to the broker."""
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT)


@pytest.fixture
def start_worker(broker: Broker) -> Iterator[Callable[..., Worker]]:
    """Starts `celery worker` processes on the test's broker and database; kills
    them all afterwards and, if the test failed, shows what they logged."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "CELERY_BROKER_URL": broker.url,
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    # The page cache stays in the worker's memory: a purge from this test's worker
    # must not empty the Redis cache that another test process is using.
    env.pop("REDIS_URL", None)

    def start(*, visibility_timeout: int | None = None) -> Worker:
        log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        if visibility_timeout is not None:
            env["TEST_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and args)
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "newsroom",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-Q",
                    QUEUE,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own process group, so one killpg reaches the pool too.
                start_new_session=True,
            )
        worker = Worker(process, log)
        started.append(worker)
        _wait_until(lambda: " ready." in worker.output(), worker, "the worker to start")
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.kill()
            # Captured output of teardown is shown only when the test failed.
            print(f"--- celery worker {worker.pid} ---\n{worker.output()}")
            worker.log.unlink()


def _wait_until(
    condition: Callable[[], bool], worker: Worker | None, what: str
) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {WAIT:.0f} s waiting for {what}")
        time.sleep(0.1)


def _state(job: ArchiveJob | Delivery) -> str:
    job.refresh_from_db(fields=["state"])
    return job.state


# --- A web server on 127.0.0.1: the source's page and the partner's webhook


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Site:
    """Serves a page (holding the first GET until released) and takes POSTs."""

    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    first_get_arrived: threading.Event = field(default_factory=threading.Event)
    release_first_get: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base_url + path

    def requests(self, method: str) -> list[Received]:
        return [request for request in self.received if request.method == method]


PAGE = b"<html><body><main><p>The minister said the vaccine is safe.</p></main>"


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            first = not state.requests("GET")
            self._record(b"")
            if first:
                state.first_get_arrived.set()
                state.release_first_get.wait(WAIT)
            self._answer(PAGE, "text/html; charset=utf-8")

        def do_POST(self) -> None:
            self._record(self.rfile.read(int(self.headers["Content-Length"])))
            self._answer(b"thanks", "text/plain")

        def _record(self, body: bytes) -> None:
            state.received.append(
                Received(self.command, self.path, dict(self.headers), body)
            )

        def _answer(self, body: bytes, content_type: str) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the fetcher was killed while we held its request

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release_first_get.set()
        server.shutdown()
        server.server_close()


# --- The tests


def _add_source(claim, actor, site: Site):
    return services.add_source(
        claim,
        actor=actor,
        url=site.url("/statement"),
        title="Ministry statement",
        publisher="Ministry of Health",
    )


def test_it_finishes_a_job_once_when_the_worker_child_running_it_is_killed(
    broker, start_worker, site, fact_checker
):
    claim = factories.claim(Status.IN_RESEARCH)
    worker = start_worker()
    with publishing_to(broker.url):
        source = _add_source(claim, fact_checker, site)
    job = source.archive_jobs.get()

    assert site.first_get_arrived.wait(WAIT), "the worker never fetched the page"
    [child] = worker.pool_children()
    os.kill(child, signal.SIGKILL)
    killed = time.monotonic()
    # Late acknowledgement and reject_on_worker_lost put the message straight
    # back; its task id is the job's lease, so the new child takes the job over.
    _wait_until(lambda: _state(job) == JobState.DONE, worker, "the job to finish")
    print(f"\nchild killed -> job done: {time.monotonic() - killed:.2f} s")
    _wait_until(lambda: broker.unacked() == 0, worker, "the acknowledgement")

    job.refresh_from_db()
    source.refresh_from_db()
    assert job.attempts == 2
    assert len(site.requests("GET")) == 2
    assert SourceArchive.objects.filter(source=source).count() == 1
    assert source.link_status == LinkStatus.ARCHIVED
    assert broker.waiting() == 0


def test_it_redelivers_the_job_of_a_killed_worker_after_the_visibility_timeout(
    broker, start_worker, site, fact_checker
):
    claim = factories.claim(Status.IN_RESEARCH)
    first = start_worker(visibility_timeout=VISIBILITY_TIMEOUT)
    with publishing_to(broker.url):
        source = _add_source(claim, fact_checker, site)
    job = source.archive_jobs.get()

    assert site.first_get_arrived.wait(WAIT), "the worker never fetched the page"
    first.kill()
    killed = time.monotonic()
    # Nobody is left to hand the message back: only the broker's unacked record
    # of it remains, until its visibility timeout lets another worker have it.
    assert (broker.waiting(), broker.unacked()) == (0, 1)
    assert _state(job) == JobState.RUNNING

    second = start_worker(visibility_timeout=VISIBILITY_TIMEOUT)
    _wait_until(lambda: _state(job) == JobState.DONE, second, "the job to finish")
    print(f"\nworker killed -> job done: {time.monotonic() - killed:.2f} s")
    _wait_until(lambda: broker.unacked() == 0, second, "the acknowledgement")

    job.refresh_from_db()
    source.refresh_from_db()
    assert job.attempts == 2
    assert len(site.requests("GET")) == 2
    assert SourceArchive.objects.filter(source=source).count() == 1
    assert source.link_status == LinkStatus.ARCHIVED
    assert broker.waiting() == 0


def _publish_timed(claim, editor, *, broker_url: str):
    """Publish with the broker at `broker_url` unusable; the publication stands."""
    with publishing_to(broker_url):
        started = time.monotonic()
        published = services.transition(claim, to=Status.PUBLISHED, actor=editor)
        took = time.monotonic() - started
    print(f"\npublish with {broker_url} unusable: {took:.3f} s")
    # A liveness bound, not a benchmark: the editor's request must not hang.
    assert took < 5
    assert published.status == Status.PUBLISHED
    return published


def test_it_publishes_with_the_broker_down_and_delivers_the_webhook_once_it_is_back(
    broker, start_worker, site, editor
):
    partner = Subscriber.objects.create(
        name="Partner", url=site.url("/hook"), events=[WebhookEvent.PUBLISHED]
    )
    claim = factories.claim_at(Status.APPROVED)

    published = _publish_timed(claim, editor, broker_url=DEAD_BROKER)
    delivery = Delivery.objects.get(subscriber=partner)
    assert delivery.state == JobState.PENDING
    assert delivery.enqueued_at is None

    with publishing_to(broker.url):
        later = timezone.now() + services.SWEEP_GRACE + datetime.timedelta(seconds=1)
        assert services.sweep(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.enqueued_at is not None
    assert broker.waiting() == 1

    worker = start_worker()
    _wait_until(lambda: _state(delivery) == JobState.DONE, worker, "the delivery")
    _wait_until(lambda: broker.unacked() == 0, worker, "the acknowledgement")

    [post] = site.requests("POST")
    assert post.path == "/hook"
    assert webhooks.verify(
        partner.secret,
        body=post.body,
        timestamp=post.headers[webhooks.TIMESTAMP_HEADER],
        signature_header=post.headers[webhooks.SIGNATURE_HEADER],
    )
    assert json.loads(post.body)["factcheck"]["id"] == published.factcheck.pk
    assert delivery.attempt_log.count() == 1
    assert broker.waiting() == 0


def test_it_enqueues_nothing_for_a_rolled_back_transaction(broker, fact_checker, site):
    claim = factories.claim(Status.IN_RESEARCH)

    with publishing_to(broker.url):
        with pytest.raises(RuntimeError), transaction.atomic():
            _add_source(claim, fact_checker, site)
            raise RuntimeError("the request failed after the source was added")
        assert broker.waiting() == 0
        assert not ArchiveJob.objects.exists()

        # The control: the same call, committed, sends its one task.
        source = _add_source(claim, fact_checker, site)
    job = ArchiveJob.objects.get()
    assert job.source == source
    assert job.enqueued_at is not None
    assert broker.waiting() == 1
    assert _sent_task(broker.redis.lindex(QUEUE, 0)) == (
        "factcheck.tasks.archive_source",
        [job.pk],
    )


def test_it_publishes_in_bounded_time_when_the_broker_does_not_answer(editor):
    """Refused connections fail at once; a broker host that takes connections and
    never answers (or drops them) costs the broker timeouts, and no more."""
    Subscriber.objects.create(
        name="Partner",
        url="https://partner.example/hook",
        events=[WebhookEvent.PUBLISHED],
    )
    claim = factories.claim_at(Status.APPROVED)
    # Never accepted: the kernel completes a handshake or two, then drops SYNs.
    with socket.create_server(("127.0.0.1", 0), backlog=1) as silent:
        port = silent.getsockname()[1]
        _publish_timed(claim, editor, broker_url=f"redis://127.0.0.1:{port}/0")

    assert Delivery.objects.get().enqueued_at is None
