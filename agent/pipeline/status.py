"""What the agent is doing on each call right now (listening, thinking, speaking, leaving voicemail), for the
Queue page's live block.

The session tells the board from the event loop (`status_board().changed(call_id, "speaking")`), which only
notes the change and returns. A thread of the board's own writes the changes — only the latest per call counts,
so a burst of them is one UPDATE per call — at most every `spacing` seconds, and hands the offices whose calls
changed to a `calls.live.LivePublisher`, which sends each office's block with the same spacing."""

from __future__ import annotations

import logging
import threading

from django.db import connection

from calls.live import LivePublisher, SpacedWork, office_live_publish
from calls.models import Call
from calls.services import call_agent_status_set

log = logging.getLogger(__name__)

SPACING = 0.3  # seconds: while statuses keep changing, writes (and each office's block) go out at most this often
STATUSES = frozenset(Call.AgentStatus.values) | {""}  # "": the agent is off the call


class AgentStatusBoard(SpacedWork):
    """Collects status changes from the event loop and writes them on a daemon thread, handing the offices
    they changed to a `LivePublisher` of its own. `changed` never touches the database; `flush` writes and
    publishes what is pending on the caller's thread (tests, shutdown); `stop` ends both threads after
    writing and publishing what is pending (a stopped board ignores further changes)."""

    thread_name = "agent-status-board"

    def __init__(self, spacing: float = SPACING, publish=office_live_publish) -> None:
        super().__init__(spacing)
        self.publisher = LivePublisher(spacing, publish=publish)
        self._writing = threading.Lock()  # one writer at a time, so a call's statuses are written in order

    def start(self) -> AgentStatusBoard:
        self.publisher.start()
        return super().start()

    def changed(self, call_id: str, status: str) -> None:
        """The agent on `call_id` is now `status` (a `Call.AgentStatus` value, "" when it left the call)."""
        if status not in STATUSES:
            raise ValueError(f"Unknown agent status {status!r}.")
        self._note(str(call_id), status, first_wins=False)  # only the latest status of a call matters

    def flush(self) -> int:
        """Write what is pending now and publish the offices it changed; returns how many calls changed."""
        written = self._work()
        self.publisher.flush()
        return written

    def stop(self) -> None:
        super().stop()
        self.publisher.stop()

    def _work(self) -> int:
        """Write what is pending (the thread's round: the publisher's own thread publishes)."""
        with self._writing:
            written = 0
            for call_id, status in self._take().items():
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


_board: AgentStatusBoard | None = None
_board_lock = threading.Lock()


def status_board() -> AgentStatusBoard:
    """The process's board, started on first use."""
    global _board
    with _board_lock:
        if _board is None:
            _board = AgentStatusBoard().start()
        return _board
