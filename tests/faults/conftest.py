"""Fault tests: the product's real processes against private PostgreSQL and Redis servers that a test
stops and starts (never the machine's own)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.private_servers import PrivatePostgres, PrivateRedis
from tests.servers import ROOT, server_env


@pytest.fixture
def private_postgres():
    """An empty, migrated PostgreSQL of the test's own."""
    server = PrivatePostgres().create()
    try:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**server_env(), "DATABASE_URL": server.url},
            capture_output=True,
            text=True,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        yield server
    finally:
        server.destroy()


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_until(condition, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f"\n{log.read_text()}" if log else ""))
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pytest_configure(config) -> None:
    # Run by default (`make test`); `-m "not faults"` leaves them out, `-m faults` runs only them.
    config.addinivalue_line("markers", "faults: stops and starts private PostgreSQL/Redis under real processes")
