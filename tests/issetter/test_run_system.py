"""`make run`'s supervisor: every process comes up, and one Ctrl-C stops them all."""

import signal
import subprocess
import time

import pytest

from tests.servers import free_port, start, wait_for_http


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def command_of(pid: int) -> str:
    return subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True).stdout


def alive(pid: int) -> bool:
    return subprocess.run(["ps", "-p", str(pid)], capture_output=True).returncode == 0


@pytest.fixture
def system(transactional_db, tmp_path):
    """`manage.py run_system` on a free port, answering HTTP; killed at the end if still running."""
    log = tmp_path / "system.log"
    process = start(
        ["manage.py", "run_system", "--port", str(free_port())],
        log,
        {"FREESWITCH_ESL_PORT": str(free_port()), "AGENT_PORT": str(free_port())},
    )
    process.log = log
    try:
        port = process.args[-1]
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
        yield process
    finally:
        if process.poll() is None:
            process.kill()


def test_it_starts_web_and_worker_and_stops_both_on_ctrl_c(system):
    deadline = time.monotonic() + 20
    while "Q Cluster" not in system.log.read_text() or "running" not in system.log.read_text():
        assert time.monotonic() < deadline, system.log.read_text()
        time.sleep(0.2)
    children = children_of(system.pid)
    commands = sorted(command_of(pid) for pid in children)
    assert len(children) == 5, commands  # web, worker, the telephony listener, the agent and Phonify (the switch)
    assert any("daphne" in c for c in commands) and any("qcluster" in c for c in commands)
    assert any("manage.py phonify" in c for c in commands) and any("telephony_events" in c for c in commands)
    assert any("manage.py agent" in c for c in commands)
    deadline = time.monotonic() + 20
    while "telephony events: connected" not in system.log.read_text():  # the listener reached Phonify
        assert time.monotonic() < deadline, system.log.read_text()
        time.sleep(0.2)

    system.send_signal(signal.SIGINT)
    assert system.wait(timeout=15) == 0
    output = system.log.read_text()
    assert "system stopped" in output
    assert "did not stop" not in output
    assert not any(alive(pid) for pid in children)


def wait_for_text(log, text: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def daphne_of(system) -> int:
    return next(pid for pid in children_of(system.pid) if "daphne" in command_of(pid))


def test_it_restarts_a_process_that_dies_with_backoff_and_keeps_the_others(system):
    port = system.args[-1]
    worker = next(pid for pid in children_of(system.pid) if "qcluster" in command_of(pid))

    first = daphne_of(system)
    subprocess.run(["kill", "-9", str(first)], check=True)
    wait_for_text(system.log, "web exited with code -9; restarting in 1 s")
    wait_for_http(f"http://127.0.0.1:{port}/healthz", system)  # a new web process answers
    second = daphne_of(system)
    assert second != first

    subprocess.run(["kill", "-9", str(second)], check=True)  # dies again soon after: it waits longer
    wait_for_text(system.log, "web exited with code -9; restarting in 2 s")
    wait_for_http(f"http://127.0.0.1:{port}/healthz", system)

    assert system.poll() is None  # the system went on,
    assert alive(worker)  # and the others were left alone
    children = children_of(system.pid)
    system.send_signal(signal.SIGTERM)  # and it still stops cleanly
    assert system.wait(timeout=20) == 0
    assert "system stopped" in system.log.read_text()
    assert not any(alive(pid) for pid in children)
