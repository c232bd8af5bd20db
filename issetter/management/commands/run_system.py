"""Start every process of the system on this machine and stop them all together (`make run`).

Each process is a child with its output prefixed by its name. Ctrl-C or SIGTERM stops them all
(SIGTERM, then SIGKILL after a grace period); if one dies on its own, the rest are stopped too and
the command exits non-zero, so a broken system never looks half-alive.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand

GRACE_SECONDS = 10


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]


def system_processes(*, host: str, port: int) -> list[ProcessSpec]:
    """The processes of DESIGN.md's table."""
    python = sys.executable
    processes = []
    if settings.TELEPHONY == "phonify":  # the simulated switch, on the address the telephony settings name
        processes.append(
            ProcessSpec(
                "phonify",
                (
                    python,
                    "manage.py",
                    "phonify",
                    "--host",
                    settings.FREESWITCH_ESL_HOST,
                    "--port",
                    str(settings.FREESWITCH_ESL_PORT),
                    "--password",
                    settings.FREESWITCH_ESL_PASSWORD,
                    "--no-transcribe",  # the agent's transcript is the record; leave the CPU to the agent
                ),
            )
        )
    processes += [
        ProcessSpec("web", (python, "-m", "daphne", "-b", host, "-p", str(port), "issetter.asgi:application")),
        ProcessSpec("worker", (python, "manage.py", "qcluster")),
        ProcessSpec("telephony", (python, "manage.py", "telephony_events")),
    ]
    if agent_runs_here():
        processes.append(ProcessSpec("agent", (python, "manage.py", "agent", "--port", str(settings.AGENT_PORT))))
    return processes


def agent_runs_here() -> bool:
    """Without an AGENT_URL elsewhere, the agent runs on this machine and answered calls are forked to it."""
    return not settings.AGENT_URL


class Command(BaseCommand):
    help = "Run the whole system (web, worker, …) in the foreground; Ctrl-C stops everything."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options) -> None:
        self.stopping = False
        signal.signal(signal.SIGINT, self._request_stop)
        signal.signal(signal.SIGTERM, self._request_stop)
        if agent_runs_here():
            os.environ["AGENT_URL"] = f"ws://127.0.0.1:{settings.AGENT_PORT}/"  # for the listener we start
        self.children = {spec.name: self._start(spec) for spec in system_processes(host=host, port=port)}
        self.watcher = selectors.DefaultSelector()
        for name, child in self.children.items():
            os.set_blocking(child.stdout.fileno(), False)
            self.watcher.register(child.stdout, selectors.EVENT_READ, name)
        self.width = max(len(name) for name in self.children)
        self.partial = {name: b"" for name in self.children}  # a line split across two reads
        self.stdout.write(f"system running: {', '.join(self.children)} — open http://{host}:{port}/ (Ctrl-C stops)")
        exit_code = self._supervise()
        self._stop_all()
        if exit_code:
            sys.exit(exit_code)

    def _request_stop(self, signum, frame) -> None:
        self.stopping = True

    def _start(self, spec: ProcessSpec) -> subprocess.Popen:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Own session: the terminal's Ctrl-C reaches only us, and we stop each child ourselves.
        return subprocess.Popen(
            spec.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )

    def _relay_output(self, timeout: float) -> None:
        if not self.watcher.get_map():
            time.sleep(timeout)
            return
        for key, _ in self.watcher.select(timeout=timeout):
            name, data = key.data, key.fileobj.read()
            if data is None:  # nothing after all
                continue
            if data == b"":  # the child closed its output: print what is left and stop watching it
                self.watcher.unregister(key.fileobj)
                data = b"\n" if self.partial[name] else b""
            *lines, self.partial[name] = (self.partial[name] + data).split(b"\n")
            for line in lines:
                self.stdout.write(f"{name:<{self.width}} | {line.decode(errors='replace').rstrip()}")

    def _supervise(self) -> int:
        while not self.stopping:
            self._relay_output(timeout=0.5)
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    self.stderr.write(f"{name} exited with code {code}; stopping the system")
                    return code or 1
        return 0

    def _stop_all(self) -> None:
        """SIGTERM to each child's main process (django-q2 stops cleanly only that way), then SIGKILL."""
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(child.poll() is None for child in self.children.values()):
            self._relay_output(timeout=0.2)
        self._relay_output(timeout=0)
        for name, child in self.children.items():
            if child.poll() is None:
                self.stderr.write(f"{name} did not stop in {GRACE_SECONDS}s; killing it")
            try:
                os.killpg(child.pid, signal.SIGKILL)  # also any grandchildren left behind
            except ProcessLookupError:
                pass
            child.wait()
        self.stdout.write("system stopped")
