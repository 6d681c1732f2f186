"""`python -m bench`: build or reuse the dataset, measure, report.

Settings come from the environment (the README's Benchmark section lists them):
BENCH_SCALE, BENCH_REQUESTS, BENCH_FEED_SAMPLES, BENCH_DURATION, BENCH_WARMUP,
BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_LOADGEN, BENCH_OUTPUT, BENCH_DATABASE,
BENCH_INTAKE (0 skips the intake stage; `bench.intake` lists its own).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings

RESULTS = Path(__file__).with_name("results")
# The query counts of each scale are compared with those of a smaller one, built
# in its own database in the same run: a count that grows with the data is an N+1.
REFERENCE_SCALE = {
    "micro": "micro",
    "tiny": "micro",
    "small": "tiny",
    "default": "small",
    "large": "small",
}


def env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(scale: str) -> tuple[bool, float]:
    """The scale's database, migrated and filled; (whether it was built, seconds)."""
    from django.core.management import call_command

    from bench import dataset
    from bench.database import ensure_database
    from factcheck.pages import render_missing_pages

    started = time.perf_counter()
    name = ensure_database()
    say(f"Database {name} ({scale} scale)")
    call_command("migrate", interactive=False, verbosity=0)
    built = dataset.ensure(scale)
    if not built:
        say("Reusing the dataset already generated at this scale.")
    embedded = dataset.embed_published_claims()
    if embedded:
        say(f"Stored the vectors of {embedded} published claims.")
    # As in service, every published page is stored before anyone reads it (the
    # services store each as it is published); once per dataset, then reused.
    rendered = render_missing_pages(processes=os.cpu_count() or 1)
    if rendered:
        say(f"Stored the pages of {rendered} published fact-checks.")
    return built, time.perf_counter() - started


def main() -> None:
    django.setup()
    from bench import inprocess, report, server
    from bench.targets import addresses
    from factcheck import pagecache
    from factcheck.models import FactCheck

    scale = settings.BENCH_SCALE
    started = time.perf_counter()
    output = Path(os.environ.get("BENCH_OUTPUT") or RESULTS / "latest.json")
    built, generation_seconds = prepare(scale)
    paths = addresses()

    if os.environ.get("BENCH_ONLY") == "queries":
        queries, _ = inprocess.measure(paths, requests=5, feed_samples=1)
        output.write_text(json.dumps({"scale": scale, "queries": queries}))
        return

    say("In-process figures (a cache miss each):")
    measured = time.perf_counter()
    queries, latency = inprocess.measure(
        paths,
        requests=int(env_number("BENCH_REQUESTS", 100)),
        feed_samples=int(env_number("BENCH_FEED_SAMPLES", 1)),
        progress=report.say_page,
    )
    inprocess_seconds = time.perf_counter() - measured

    reference = REFERENCE_SCALE[scale]
    say(f"Query counts at {reference} scale, for comparison:")
    reference_queries = reference_counts(reference)

    pagecache.purge()
    workers = int(env_number("BENCH_WORKERS", 2))
    say(f"Throughput under gunicorn ({workers} sync workers):")
    measured = time.perf_counter()
    RESULTS.mkdir(exist_ok=True)
    results = server.throughput(
        paths,
        workers=workers,
        seconds=env_number("BENCH_DURATION", 10),
        warm_up=env_number("BENCH_WARMUP", 2),
        connections=int(env_number("BENCH_CONNECTIONS", 8)),
        log=output.with_name("gunicorn.log"),
        progress=report.say_load,
    )
    server_seconds = time.perf_counter() - measured

    measured = time.perf_counter()
    intake_figures = intake_stage()
    intake_seconds = time.perf_counter() - measured

    figures = report.figures(
        scale=scale,
        queries=queries,
        latency=latency,
        throughput=results,
        reference=(reference, reference_queries),
        run={
            "load_generator": server.load.generator(),
            "workers": workers,
            "dataset_built": built,
            "published": FactCheck.objects.published().count(),
            "seconds": {
                "dataset": round(generation_seconds, 1),
                "in_process": round(inprocess_seconds, 1),
                "server": round(server_seconds, 1),
                "intake": round(intake_seconds, 1),
                "total": round(time.perf_counter() - started, 1),
            },
        },
    )
    figures["intake"] = intake_figures
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(report.table(figures))
    say(f"Written to {output}")


def intake_stage() -> dict | str:
    """Issue 15's figures, in a process of their own after the web figures: its
    models load there and leave nothing in this one, and the two cores are the
    web stage's alone while it is measured."""
    if os.environ.get("BENCH_INTAKE") == "0":
        return "skipped (BENCH_INTAKE=0)"
    say("Intake figures (check-worthiness, learning curve, matching, speed):")
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "intake.json"
        completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "bench.intake", "--output", str(output)],
            check=False,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
        )
        if completed.returncode:
            # The web figures are measured by now: a failure here keeps them.
            return f"failed (exit status {completed.returncode}; see above)"
        return json.loads(output.read_text())


def reference_counts(scale: str) -> dict[str, int]:
    """The same in-process query counts, in a fresh process on the other scale's
    database (settings pick the database at start-up)."""
    with tempfile.TemporaryDirectory() as scratch:
        counts = Path(scratch) / "queries.json"
        env = {
            **os.environ,
            "BENCH_SCALE": scale,
            "BENCH_ONLY": "queries",
            "BENCH_OUTPUT": str(counts),
        }
        subprocess.run(
            [sys.executable, "-m", "bench"], env=env, check=True, cwd=settings.BASE_DIR
        )
        return json.loads(counts.read_text())["queries"]
