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
from bench.intake import TARGETS as INTAKE_TARGETS
from tests.intake_data import write_tiny_checkthat

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


@pytest.fixture(scope="module")
def bench_databases():
    """A prefix of the bench's own, per test process: parallel workers (and a
    second test run on the same server) never share a database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"benchtest_{worker}_{os.getpid()}"
    yield prefix
    for scale in ("tiny", "micro"):
        drop_database(f"{prefix}_{scale}")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("bench")


@pytest.fixture(scope="module")
def results(data_dir, bench_databases):
    """One run of the bench for every test of the module: it takes minutes."""
    output = data_dir / "latest.json"
    env = {
        **os.environ,
        "BENCH_DATABASE": bench_databases,
        "BENCH_SCALE": "tiny",
        "BENCH_REQUESTS": "3",
        "BENCH_FEED_SAMPLES": "1",
        "BENCH_DURATION": "1",
        "BENCH_WARMUP": "0.2",
        "BENCH_CONNECTIONS": "2",
        # wrk drops the requests still in flight at its deadline, so on a loaded
        # machine a one-second wrk run can count none; the asyncio client
        # finishes each one it sent. This test checks the figures' shape.
        "BENCH_LOADGEN": "python",
        "BENCH_OUTPUT": str(output),
        # The intake stage on a few rows written here, not the shared data.
        "SHARED_DATA": str(write_tiny_checkthat(data_dir / "data")),
        "BENCH_VECTORS": str(data_dir / "vectors"),
        "BENCH_INTAKE_RUNS": "1",
        "BENCH_INTAKE_CURVE": "10,30",
    }
    env.pop("BENCH_INTAKE", None)
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


def test_it_adds_the_intake_figures_and_their_targets(results, data_dir):
    figures, printed = results
    intake = figures["intake"]

    assert intake["data"] == str(data_dir / "data" / "checkthat2024")
    for language in ("ar", "en"):
        result = intake["checkworthiness"][language]
        assert (result["language"], result["n"]) == (language, 48)
        assert 0 <= result["roc_auc"] <= 1
        assert 0 <= result["average_precision"] <= 1
        assert "-n48-" in result["scorer"]
        curve = intake["curve"][language]
        assert curve["later_rows"] == 18
        assert [p["decisions"] for p in curve["points"]] == [0, 10, 30]
        assert all(0 <= p["later_ap"] <= 1 for p in curve["points"])
    assert intake["checkworthiness"]["ar"]["vectors"] == {
        "train.tsv": "embedded",
        "dev.tsv": "embedded",
    }
    assert len(list((data_dir / "vectors").glob("*.npz"))) == 2
    matching = intake["matching"]
    assert matching["file_as_asked"] is True
    assert matching["n"] == matching["ar_to_en"] + matching["en_to_ar"] >= 40
    assert 0 <= matching["success_at_1"] <= 1
    assert intake["speed"]["sentences"] == 40
    assert intake["speed"]["trained_median_s"] > 0
    assert set(intake["targets"]) == set(INTAKE_TARGETS)
    for target in intake["targets"].values():
        assert isinstance(target["met"], bool)
        assert isinstance(target["measured"], float)
    assert set(intake["seconds"]) == {"checkworthiness", "curve", "matching", "speed"}
    assert figures["run"]["seconds"]["intake"] > 0
    assert "intake target" in printed
    assert "learning curve ar" in printed
