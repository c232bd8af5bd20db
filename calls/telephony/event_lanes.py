"""Switch events handled on a few threads ("lanes"), each with its own database connection: every event
of one call goes down the same lane, so a call's events stay in order, while a database round trip for
one call no longer holds up every other call (and never blocks the gevent hub that reads the socket)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from django.db import connection

log = logging.getLogger(__name__)


class EventLanes:
    def __init__(self, count: int, work: Callable[..., None]) -> None:
        self.work = work
        self.queues: list[queue.Queue] = [queue.Queue() for _ in range(count)]
        self.threads = [
            threading.Thread(target=self._serve, args=(lane,), name=f"event-lane-{n}", daemon=True)
            for n, lane in enumerate(self.queues)
        ]
        for thread in self.threads:
            thread.start()

    def put(self, key: str, *item) -> None:
        self.queues[hash(key) % len(self.queues)].put(item)

    def drain(self) -> None:
        """Wait until every event handed over so far has been handled."""
        for lane in self.queues:
            lane.join()

    def stop(self) -> None:
        self.drain()
        for lane in self.queues:
            lane.put(None)
        for thread in self.threads:
            thread.join(timeout=10)

    def _serve(self, lane: queue.Queue) -> None:
        try:
            while (item := lane.get()) is not None:
                try:
                    self.work(*item)
                except Exception:  # noqa: BLE001  (one bad event must not stop the lane)
                    log.exception("telephony events: could not handle an event")
                finally:
                    lane.task_done()
            lane.task_done()
        finally:
            connection.close()
