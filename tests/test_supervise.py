"""`make run`'s supervisor: a stop reaches every process, and one that will not
stop is killed after the grace period instead of holding the terminal."""

import signal
import sys

from newsroom.supervise import Supervisor

POLITE = (
    f"{sys.executable} -c "
    "'import time; print(\"polite up\", flush=True); time.sleep(600)'"
)
STUBBORN = (
    f"{sys.executable} -c 'import signal, time; "
    "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    'print("stubborn ready.", flush=True); time.sleep(600)\''
)


def started(*commands: str, when_ready: str = "") -> Supervisor:
    supervisor = Supervisor(list(commands), grace=0.5, when_ready=when_ready)
    supervisor.start()
    return supervisor


def wait_for_output(capfd, text: str) -> str:
    seen = ""
    while text not in seen:
        seen += capfd.readouterr().out
    return seen


def test_a_stop_terminates_the_polite_and_kills_the_stubborn(capfd):
    supervisor = started(POLITE, STUBBORN)
    wait_for_output(capfd, "stubborn ready.")

    code = supervisor.stop(0)

    polite, stubborn = supervisor.children
    assert code == 0
    assert polite.returncode == -signal.SIGTERM
    assert stubborn.returncode == -signal.SIGKILL
    assert "killed:" in capfd.readouterr().out


def test_it_announces_once_when_a_process_says_it_is_ready(capfd):
    announce = f"{sys.executable} -c 'print(\"ACCOUNTS AGAIN\")'"
    supervisor = started(STUBBORN, STUBBORN, when_ready=announce)

    seen = wait_for_output(capfd, "ACCOUNTS AGAIN")
    supervisor.stop(0)
    seen += capfd.readouterr().out

    assert seen.count("ACCOUNTS AGAIN") == 1


def test_when_one_process_ends_the_others_are_stopped(capfd):
    short = f"{sys.executable} -c 'raise SystemExit(3)'"
    supervisor = started(short, POLITE)

    code = supervisor.wait()

    assert code == 3
    assert supervisor.children[1].returncode == -signal.SIGTERM
