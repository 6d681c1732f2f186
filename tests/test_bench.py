"""`make bench` at a tiny scale, so it cannot silently break.

Only that it runs to the end and writes well-formed results is asserted: timings
depend on the machine and are the bench's to report, not the suite's to judge.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from bench.database import drop_database

pytestmark = pytest.mark.bench

PAGES = {
    "home",
    "factcheck_list",
    "factcheck_detail",
    "search_ar",
    "search_en",
    "api_list",
    "api_detail",
    "claimreview_feed",
    "match",
    "admin_queue",
}
SCENARIOS = {"hello", "detail_cached", "detail_uncached", "api_list", "search"}
TARGETS = {
    "detail_cached_ratio",
    "detail_uncached_ratio",
    "api_list_ratio",
    "search_ratio",
    "search_ar_p95_ms",
    "search_en_p95_ms",
    "admin_queue_p95_ms",
    "match_p95_ms",
    "queries_scale_independent",
}


@pytest.fixture
def bench_databases():
    """A prefix of the bench's own, per test process: parallel workers (and a
    second test run on the same server) never share a database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"benchtest_{worker}_{os.getpid()}"
    yield prefix
    for scale in ("tiny", "micro"):
        drop_database(f"{prefix}_{scale}")


@pytest.fixture
def results(tmp_path, bench_databases):
    output = tmp_path / "latest.json"
    env = {
        **os.environ,
        "BENCH_DATABASE": bench_databases,
        "BENCH_SCALE": "tiny",
        "BENCH_REQUESTS": "3",
        "BENCH_FEED_SAMPLES": "1",
        "BENCH_DURATION": "1",
        "BENCH_WARMUP": "0.2",
        "BENCH_CONNECTIONS": "2",
        "BENCH_OUTPUT": str(output),
    }
    # The page cache stays in each process, as without Redis: this run must not
    # touch the cache other tests use.
    env.pop("REDIS_URL", None)
    completed = subprocess.run(
        [sys.executable, "-m", "bench"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(output.read_text()), completed.stdout


def test_it_runs_to_the_end_and_writes_every_figure(results):
    figures, printed = results

    assert figures["scale"] == "tiny"
    assert set(figures["queries"]) == PAGES
    assert all(isinstance(n, int) and n > 0 for n in figures["queries"].values())
    assert set(figures["latency_ms"]) == PAGES
    for latency in figures["latency_ms"].values():
        assert set(latency) == {"p50", "p95"}
        assert 0 < latency["p50"] <= latency["p95"]
    assert set(figures["rps"]) == SCENARIOS
    assert all(rps > 0 for rps in figures["rps"].values())
    assert set(figures["ratio_to_hello"]) == SCENARIOS
    assert figures["ratio_to_hello"]["hello"] == 1
    assert set(figures["targets"]) == TARGETS
    for target in figures["targets"].values():
        assert "target" in target
        assert isinstance(target["met"], bool)
    assert "Benchmark at tiny scale" in printed
    assert "detail_uncached" in printed
    assert "matching one claim against 120 published fact-checks p95" in printed
