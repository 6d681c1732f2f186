"""Concurrent HTTP load on the same machine: wrk when installed, else asyncio.

Both send GET requests over several connections for a fixed time, walking a list of
paths (one path for a cached page; thousands for pages that must miss the cache)
and count only 200 answers. Gunicorn's sync workers close the connection after each
response, so each request may need a new connection; both generators reconnect.
"""

import asyncio
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    seconds: float
    # False when the paths ran out before the time did (the generator stopped).
    full_duration: bool = True

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator() -> str:
    choice = os.environ.get("BENCH_LOADGEN", "auto")
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return choice


def run(port: int, paths: list[str], *, seconds: float, connections: int) -> Result:
    if generator() == "wrk":
        return _wrk(port, paths, seconds=seconds, connections=connections)
    return asyncio.run(_python(port, paths, seconds=seconds, connections=connections))


# --- wrk ---------------------------------------------------------------------------


def _wrk(port: int, paths: list[str], *, seconds: float, connections: int) -> Result:
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        env = {
            **os.environ,
            "BENCH_PATHS": listing.name,
            "BENCH_THREADS": str(threads),
        }
        output = subprocess.run(  # noqa: S603
            [  # noqa: S607  (wrk from the PATH, as `which wrk` found it)
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(WRK_SCRIPT),
                f"http://127.0.0.1:{port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", output)
    if total is None:
        raise RuntimeError(f"Unexpected wrk output:\n{output}")
    unit = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[total.group(3)]
    refused = sum(map(int, re.findall(r"Non-2xx or 3xx responses: (\d+)", output)))
    failed = sum(map(int, re.findall(r"(?:connect|read|write|timeout) (\d+)", output)))
    # wrk counts non-2xx answers among its requests, socket errors apart.
    ok = int(total.group(1)) - refused
    return Result(ok, refused + failed, float(total.group(2)) * unit)


# --- Python ------------------------------------------------------------------------


async def _python(
    port: int, paths: list[str], *, seconds: float, connections: int
) -> Result:
    # A single shared iterator: each path is requested once before any repeats.
    addresses = iter(paths) if len(paths) > 1 else itertools.repeat(paths[0])
    counts = {"ok": 0, "errors": 0, "exhausted": False}
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_client(port, addresses, deadline, counts) for _ in range(connections))
    )
    return Result(
        counts["ok"],
        counts["errors"],
        time.perf_counter() - started,
        full_duration=not counts["exhausted"],
    )


async def _client(port: int, addresses, deadline: float, counts: dict) -> None:
    reader = writer = None
    while time.perf_counter() < deadline:
        path = next(addresses, None)
        if path is None:
            counts["exhausted"] = True
            break
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Accept: */*\r\nAccept-Encoding: identity\r\n\r\n".encode()
            )
            status, keep_alive = await _response(reader)
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            counts["errors"] += 1
            writer = _close(writer)
            continue
        counts["ok" if status == 200 else "errors"] += 1
        if not keep_alive:
            writer = _close(writer)
    _close(writer)


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *header_lines = head.split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        await reader.read()  # the body runs until the server closes
        return int(status_line.split()[1]), False
    keep_alive = headers.get("connection") != "close"
    return int(status_line.split()[1]), keep_alive


def _close(writer):
    if writer is not None:
        writer.close()
    return None
