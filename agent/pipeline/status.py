"""What the agent is doing on each call right now (listening, thinking, speaking, leaving voicemail), for the
Queue page's live block.

The session tells the board from the event loop (`status_board().changed(call_id, "speaking")`), which only
notes the change and returns. A thread of the board's own writes the changes — only the latest per call counts,
so a burst of them is one UPDATE per call — at most every `spacing` seconds, and hands the offices whose calls
changed to a `calls.live.LivePublisher`, which sends each office's block with the same spacing."""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection

from calls.live import LivePublisher, office_live_publish
from calls.models import Call
from calls.services import call_agent_status_set

log = logging.getLogger(__name__)

SPACING = 0.3  # seconds: while statuses keep changing, writes (and each office's block) go out at most this often
STATUSES = frozenset(Call.AgentStatus.values) | {""}  # "": the agent is off the call


class AgentStatusBoard:
    """Collects status changes from the event loop and writes and publishes them on a daemon thread. `changed`
    never touches the database; `flush` writes what is pending on the caller's thread (tests, shutdown); `stop`
    ends the thread after writing and publishing what is pending (a stopped board ignores further changes)."""

    def __init__(self, spacing: float = SPACING, publish=office_live_publish) -> None:
        self.spacing = spacing
        self.publisher = LivePublisher(spacing, publish=publish)
        self._pending: dict[str, str] = {}
        self._changed = threading.Condition()
        self._writing = threading.Lock()  # one writer at a time, so a call's statuses are written in order
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name="agent-status-board", daemon=True)

    def start(self) -> AgentStatusBoard:
        self.publisher.start()
        self._thread.start()
        return self

    def changed(self, call_id: str, status: str) -> None:
        """The agent on `call_id` is now `status` (a `Call.AgentStatus` value, "" when it left the call)."""
        if status not in STATUSES:
            raise ValueError(f"Unknown agent status {status!r}.")
        with self._changed:
            if self._stopping:
                return
            self._pending[str(call_id)] = status  # only the latest status of a call matters
            self._changed.notify()

    def flush(self) -> int:
        """Write what is pending now and publish the offices it changed; returns how many calls changed."""
        written = self._write()
        self.publisher.flush()
        return written

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._write()
        self.publisher.stop()  # publishes what is still pending

    def _write(self) -> int:
        with self._writing:
            with self._changed:
                pending, self._pending = self._pending, {}
            written = 0
            for call_id, status in pending.items():
                try:
                    office_id = call_agent_status_set(call_id=call_id, status=status)
                except Exception:  # noqa: BLE001  (a dropped database connection: the next change opens a new one)
                    log.exception("could not note that the agent is %r on call %s", status, call_id)
                    connection.close()
                    continue
                if office_id is not None:
                    written += 1
                    self.publisher.changed(office_id)
            return written

    def _serve(self) -> None:
        last = 0.0
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: self._pending or self._stopping)
                    if self._stopping:
                        return
                time.sleep(max(0.0, last + self.spacing - time.monotonic()))  # a quiet spell's first change: at once
                last = time.monotonic()
                self._write()
        finally:
            connection.close()


_board: AgentStatusBoard | None = None
_board_lock = threading.Lock()


def status_board() -> AgentStatusBoard:
    """The process's board, started on first use."""
    global _board
    with _board_lock:
        if _board is None:
            _board = AgentStatusBoard().start()
        return _board
