"""A call session's work alongside the conversation: tasks it started (cancelled when the call ends, their
failures logged, never raised into another call) and the one wait that is running — for a hello, an answer,
a beep — which anything the callee does cancels."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine

log = logging.getLogger("agent.session")


class TurnTimer:
    def __init__(self, call_id) -> None:
        self.call_id = call_id
        self._tasks: set[asyncio.Task] = set()
        self._waiting: asyncio.TimerHandle | None = None

    def spawn(self, work: Coroutine) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def after(self, seconds: float, then: Callable[[], Coroutine]) -> None:
        """Run `then` in `seconds`, unless something cancels the wait first (one wait at a time)."""
        self.cancel()
        self._waiting = asyncio.get_running_loop().call_later(seconds, lambda: self.spawn(then()))

    def after_unless(self, seconds: float, then: Callable[[], Coroutine], busy: Callable[[], bool]) -> None:
        """Like `after`, but only if `busy()` is false by then (the callee may have started talking while the
        decision to wait was being made, after the start of their words cancelled the waits)."""

        async def unless_busy() -> None:
            if not busy():
                await then()

        self.after(seconds, unless_busy)

    def cancel(self) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
            self._waiting = None

    def stop(self) -> None:
        """The call is over: no wait fires and no task of it goes on."""
        self.cancel()
        for task in list(self._tasks):
            task.cancel()

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("agent: call %s: %r", self.call_id, task.exception())
