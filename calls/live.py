"""What the Queue page shows live: the office's calls in progress and just ended, and the figures of its
latest run, pushed over the office's websocket group as one out-of-band HTMX fragment per change."""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from calls.models import Call
from calls.selectors import dial_run_latest_with_figures, live_calls, queue_counts
from issetter.consumers import office_publish

log = logging.getLogger(__name__)


def live_context(*, office_id: int) -> dict:
    run, figures = dial_run_latest_with_figures(office_id=office_id)
    now = timezone.now()
    return {
        "counts": queue_counts(office_id=office_id, now=now),
        "live_calls": live_calls(office_id=office_id, now=now, run_id=run.pk if run else None),  # the current run's
        "run": run,
        "figures": figures,
    }


def call_publish(*, call: Call, event_at: str = "") -> None:
    """Tell the office's open pages that `call` changed."""
    office_live_publish(office_id=call.office_id, event_at=event_at)


def office_live_publish(*, office_id: int, event_at: str = "") -> None:
    """Send the office's live block as it stands now (never lets a publishing failure stop calls).
    `event_at` (the oldest switch event it reflects, µs) rides along so the delay to the browser can be
    measured."""
    try:
        context = {**live_context(office_id=office_id), "oob": True, "event_at": event_at}
        office_publish(office_id, render_to_string("calls/_live.html", context))
    except Exception:  # noqa: BLE001  (the channel layer being down must not break event handling)
        log.exception("could not publish the live block of office %s", office_id)


class SpacedWork:
    """Changes noted by key from any thread, handed to `_work` on a daemon thread of the object's own: the
    first change after a quiet spell at once, then at most every `spacing` seconds, carrying every change
    since the last round. With `spaced_by_key` the spacing is kept per key instead (one office's changes
    never wait on another's round). `flush` does all that is pending now on the caller's thread; `stop`
    ends the thread after a last flush (changes noted after that are ignored)."""

    thread_name = "spaced-work"
    spaced_by_key = False

    def __init__(self, spacing: float) -> None:
        self.spacing = spacing
        self._pending: dict = {}
        self._changed = threading.Condition()
        self._stopping = False
        self._last_round = -math.inf
        self._last_taken: dict = {}  # key → when its changes were last taken (spaced_by_key)
        self._thread = threading.Thread(target=self._serve, name=self.thread_name, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def flush(self) -> int:
        with self._changed:
            self._last_taken.clear()  # everything is due now
        return self._work()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.flush()

    def _note(self, key, value, *, first_wins: bool) -> None:
        with self._changed:
            if self._stopping:
                return
            if first_wins:
                self._pending.setdefault(key, value)
            else:
                self._pending[key] = value
            self._changed.notify()

    def _take(self) -> dict:
        """What is due: everything pending, or (spaced_by_key) the keys whose spacing has passed."""
        with self._changed:
            if not self.spaced_by_key:
                pending, self._pending = self._pending, {}
                return pending
            now = time.monotonic()
            due = {key: value for key, value in self._pending.items() if self._due(key) <= now}
            for key in due:
                del self._pending[key]
                self._last_taken[key] = now
            return due

    def _due(self, key) -> float:
        return self._last_taken.get(key, -math.inf) + self.spacing

    def _next_due(self) -> float:
        """When the next round may run (called holding the lock, with something pending)."""
        if not self.spaced_by_key:
            return self._last_round + self.spacing
        return min(self._due(key) for key in self._pending)

    def _work(self) -> int:
        raise NotImplementedError

    def _serve(self) -> None:
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: self._pending or self._stopping)
                    if self._stopping:
                        return
                    wait = self._next_due() - time.monotonic()
                    if wait > 0:
                        self._changed.wait(timeout=wait)  # a new change wakes it early: due times are looked at again
                        continue
                self._last_round = time.monotonic()
                try:
                    self._work()
                except Exception:  # noqa: BLE001  (a dropped database connection: the next round opens a new one)
                    log.exception("%s: could not do its work", self.thread_name)
                    connection.close()
        finally:
            connection.close()


class LivePublisher(SpacedWork):
    """Publishes the live block of each office whose calls changed, on a thread of its own (rendering reads
    the database; the thread reading the switch must not wait for that). The first change after a quiet
    spell goes out at once; while changes keep coming, an office's block goes out at most every `spacing`
    seconds and carries every change since the last one (`event_at`: its oldest event). When several
    offices changed, their blocks are made on up to `threads` threads at once (each block is five queries:
    one office after another, the tenth of a burst waited for nine; bench/live_sockets.py)."""

    thread_name = "live-publisher"
    spaced_by_key = True  # an office's block never waits on another office's round

    def __init__(self, spacing: float, publish=office_live_publish, threads: int = 4) -> None:
        super().__init__(spacing)
        self._publish = publish
        self._threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix=self.thread_name)  # threads start when used
        self._pool_used = False

    def changed(self, office_id: int, event_at: str = "") -> None:
        self._note(office_id, event_at, first_wins=True)

    def stop(self) -> None:
        super().stop()
        if self._pool_used:  # each of the pool's threads closes its own database connection
            everyone = threading.Barrier(self._threads)  # one task per thread: they wait for each other
            list(self._pool.map(lambda _: (everyone.wait(timeout=10), connection.close()), range(self._threads)))
            self._pool_used = False
        self._pool.shutdown(wait=True)

    def _work(self) -> int:
        """Publish what is pending; returns how many offices were published."""
        pending = list(self._take().items())
        if len(pending) < 2 or self._threads < 2:
            for office in pending:
                self._publish_one(office)
        else:
            self._pool_used = True
            list(self._pool.map(self._publish_one, pending))
        return len(pending)

    def _publish_one(self, office: tuple[int, str]) -> None:
        office_id, event_at = office
        try:
            self._publish(office_id=office_id, event_at=event_at)
        finally:
            if connection.errors_occurred:  # e.g. the database restarted: the next block opens a new connection
                connection.close()
