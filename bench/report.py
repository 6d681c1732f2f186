"""Targets, the results file's shape, and the table printed at the end."""

import sys

from bench import intake
from bench.load import Result

# The ratio of each scenario's requests per second to hello's it must reach
# (issue 14's table).
RATIO_TARGETS = {
    "detail_cached": 0.75,
    "detail_uncached": 0.15,
    "api_list": 0.30,
    "search": 0.08,
}
# The p95 each page must stay under, in milliseconds, rendered from the database.
P95_TARGETS = {
    "search_ar": 30,
    "search_en": 30,
    "admin_queue": 100,
    # Issue 15: one claim against every published fact-check, the question's
    # embedding included.
    "match": 50,
}


def say_page(name: str, queries: int, latency: dict) -> None:
    print(
        f"  {name:<18} {queries:>3} queries"
        f"  p50 {latency['p50']:>8.1f} ms  p95 {latency['p95']:>8.1f} ms",
        file=sys.stderr,
        flush=True,
    )


def say_load(name: str, result: Result) -> None:
    print(
        f"  {name:<18} {result.rps:>8.1f} req/s"
        f"  ({result.requests} in {result.seconds:.1f} s, {result.errors} errors)",
        file=sys.stderr,
        flush=True,
    )


def figures(*, scale, queries, latency, throughput, reference, run) -> dict:
    rps = {name: round(result.rps, 1) for name, result in throughput.items()}
    hello = rps["hello"] or float("nan")
    ratios = {name: round(value / hello, 3) for name, value in rps.items()}
    targets = {}
    for name, target in RATIO_TARGETS.items():
        targets[f"{name}_ratio"] = {
            "target": target,
            "met": ratios[name] >= target,
            "measured": ratios[name],
        }
    for name, target in P95_TARGETS.items():
        targets[f"{name}_p95_ms"] = {
            "target": target,
            "met": latency[name]["p95"] <= target,
            "measured": latency[name]["p95"],
        }
    reference_scale, reference_queries = reference
    differing = {
        name: {scale: n, reference_scale: reference_queries.get(name)}
        for name, n in queries.items()
        if reference_queries.get(name) != n
    }
    targets["queries_scale_independent"] = {
        "target": f"same at {reference_scale} scale",
        "met": not differing,
        "measured": differing,
    }
    run = {
        **run,
        "errors": {name: result.errors for name, result in throughput.items()},
        # Whether a scenario walking distinct pages ran out of them early.
        "stopped_early": [
            name for name, result in throughput.items() if not result.full_duration
        ],
    }
    return {
        "scale": scale,
        "queries": queries,
        "latency_ms": latency,
        "rps": rps,
        "ratio_to_hello": ratios,
        "targets": targets,
        "run": run,
    }


def table(figures: dict) -> str:
    lines = [
        f"\nBenchmark at {figures['scale']} scale",
        "",
        f"{'in-process':<20}{'queries':>8}{'p50 ms':>10}{'p95 ms':>10}",
    ]
    for name, n in figures["queries"].items():
        latency = figures["latency_ms"][name]
        lines.append(f"{name:<20}{n:>8}{latency['p50']:>10.1f}{latency['p95']:>10.1f}")
    if "match" in figures["latency_ms"]:
        lines += [
            "",
            f"matching one claim against {figures['run']['published']:,} published "
            f"fact-checks p95: {figures['latency_ms']['match']['p95']:.1f} ms "
            "(the question's embedding included)",
        ]
    lines += ["", f"{'under gunicorn':<20}{'req/s':>8}{'x hello':>10}"]
    for name, rps in figures["rps"].items():
        lines.append(f"{name:<20}{rps:>8.0f}{figures['ratio_to_hello'][name]:>10.3f}")
    lines += ["", f"{'target':<28}{'wanted':>18}{'measured':>12}  met"]
    for name, target in figures["targets"].items():
        measured = target["measured"]
        shown = measured if not isinstance(measured, dict) else len(measured) or "-"
        lines.append(
            f"{name:<28}{target['target']!s:>18}{shown!s:>12}  "
            + ("yes" if target["met"] else "NO")
        )
    if "intake" in figures:
        lines.append(intake.table(figures["intake"]))
    seconds = figures["run"]["seconds"]
    lines += [
        "",
        "seconds: " + ", ".join(f"{k} {v}" for k, v in seconds.items()),
    ]
    return "\n".join(lines)
