"""Start every process of the system on this machine and stop them all together (`make run`).

Each process is a child with its output prefixed by its name. Ctrl-C or SIGTERM stops them all
(SIGTERM, then SIGKILL after a grace period). One that dies on its own is restarted, after 1 s, then 2,
4 … up to 30 s while it keeps dying (a child that stayed up a minute starts again from 1 s), and the
restart is said on stdout ("telephony exited with code 1; restarting in 2 s"); the others go on, so a
database restart or one crash does not take the whole system down.
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
RESTART_BACKOFF = (1, 2, 4, 8, 16, 30)  # seconds before restarting a child that died, by deaths in a row
STEADY_SECONDS = 60  # a child up this long is doing fine: its next death starts the backoff again


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
        self.specs = {spec.name: spec for spec in system_processes(host=host, port=port)}
        self.watcher = selectors.DefaultSelector()
        self.width = max(len(name) for name in self.specs)
        self.children: dict[str, subprocess.Popen] = {}
        self.partial: dict[str, bytes] = {}  # a line split across two reads
        self.started_at: dict[str, float] = {}
        self.deaths = dict.fromkeys(self.specs, 0)  # in a row, for the backoff
        self.restart_at: dict[str, float] = {}  # children waiting to be restarted
        for spec in self.specs.values():
            self._launch(spec)
        self.stdout.write(f"system running: {', '.join(self.children)} — open http://{host}:{port}/ (Ctrl-C stops)")
        self._supervise()
        self._stop_all()

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

    def _launch(self, spec: ProcessSpec) -> None:
        child = self._start(spec)
        os.set_blocking(child.stdout.fileno(), False)
        self.watcher.register(child.stdout, selectors.EVENT_READ, spec.name)
        self.children[spec.name], self.partial[spec.name] = child, b""
        self.started_at[spec.name] = time.monotonic()

    def _supervise(self) -> None:
        while not self.stopping:
            self._relay_output(timeout=0.5)
            for name, child in list(self.children.items()):
                if name in self.restart_at:
                    if time.monotonic() >= self.restart_at[name] and not self.stopping:
                        del self.restart_at[name]
                        self._launch(self.specs[name])
                        self.stdout.write(f"{name} restarted")
                    continue
                code = child.poll()
                if code is None:
                    if time.monotonic() - self.started_at[name] > STEADY_SECONDS:
                        self.deaths[name] = 0
                    continue
                self._bury(name, child)
                delay = RESTART_BACKOFF[min(self.deaths[name], len(RESTART_BACKOFF) - 1)]
                self.deaths[name] += 1
                self.restart_at[name] = time.monotonic() + delay
                self.stdout.write(f"{name} exited with code {code}; restarting in {delay} s")

    def _bury(self, name: str, child: subprocess.Popen) -> None:
        """A child died: end what it left running (its own workers), print its last words, close its pipe."""
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
        deadline = time.monotonic() + 1
        while child.stdout in self.watcher.get_map() and time.monotonic() < deadline:
            self._relay_output(timeout=0.1)
        try:
            self.watcher.unregister(child.stdout)
        except KeyError:
            pass
        child.stdout.close()

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
