"""`make run`'s three processes (web, worker, beat), started together and stopped
together, quickly.

    python -m newsroom.supervise [--grace SECONDS] [--when-ready CMD] CMD...

Each command runs in a process group of its own, so a stop reaches the Celery
worker's pool processes and gunicorn's workers too. Ctrl-C (SIGINT), or SIGTERM
to this process or to `make`'s process group, sends SIGTERM to every group, waits
`--grace` seconds (4 by default) and then sends SIGKILL to whatever is left: a
worker in "warm shutdown" waits for its running task, which may be a minute and a
half of fetching. Killing it loses nothing: the task's message is acknowledged only
when done and its job is a row in PostgreSQL, which the sweeper sends again
(README, "Background jobs").

When a line of output contains "ready." (the worker's "celery@host ready."), the
`--when-ready` command runs once: `make run` prints the demo accounts again there,
below the worker's start-up banner. If one process stops by itself, the others are
stopped too.
"""

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import threading
import time

READY = "ready."


class Supervisor:
    def __init__(self, commands: list[str], *, grace: float, when_ready: str = ""):
        self.commands = commands
        self.grace = grace
        self.when_ready = when_ready
        self.children: list[subprocess.Popen] = []
        self.stopping = threading.Event()
        self.announced = threading.Lock()
        self.is_announced = False

    def start(self) -> None:
        for command in self.commands:
            child = subprocess.Popen(  # noqa: S603 (the Makefile's own commands)
                shlex.split(command),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: see stop()
                bufsize=1,
                text=True,
                errors="replace",
            )
            self.children.append(child)
            threading.Thread(target=self.relay, args=(child,), daemon=True).start()

    def relay(self, child: subprocess.Popen) -> None:
        """Copy a child's output to ours, and notice the worker being ready."""
        for line in child.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if READY in line and self.when_ready:
                self.announce()

    def announce(self) -> None:
        with self.announced:
            if self.is_announced or self.stopping.is_set():
                return
            self.is_announced = True
        subprocess.run(shlex.split(self.when_ready), check=False)  # noqa: S603

    def wait(self) -> int:
        """Until a stop is asked for or a process ends by itself."""
        while not self.stopping.is_set():
            ended = [c for c in self.children if c.poll() is not None]
            if ended:
                print(f"{shlex.join(ended[0].args)} stopped; stopping the others.")
                return self.stop(ended[0].returncode or 1)
            self.stopping.wait(0.2)
        return self.stop(0)

    def stop(self, code: int) -> int:
        self.stopping.set()
        self.signal_all(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and any(
            c.poll() is None for c in self.children
        ):
            time.sleep(0.1)
        left = [c for c in self.children if c.poll() is None]
        if left:
            names = "; ".join(shlex.join(c.args[:4]) for c in left)
            print(f"Still running after {self.grace:g} s, killed: {names}")
        self.signal_all(signal.SIGKILL)
        for child in self.children:
            child.wait()
        return code

    def signal_all(self, signum: int) -> None:
        for child in self.children:
            # A group already gone, with all its processes, is what we wanted.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grace", type=float, default=4.0)
    parser.add_argument("--when-ready", default="")
    parser.add_argument("commands", nargs="+")
    options = parser.parse_args(argv)
    supervisor = Supervisor(
        options.commands, grace=options.grace, when_ready=options.when_ready
    )

    def asked_to_stop(signum, _frame):
        supervisor.stopping.set()

    signal.signal(signal.SIGINT, asked_to_stop)
    signal.signal(signal.SIGTERM, asked_to_stop)
    supervisor.start()
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main())
