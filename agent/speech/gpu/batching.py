"""Many calls' requests run as one batch: a thread takes what is queued — waiting a moment after the first
request for others to join, up to a batch's size — runs the batch function once, and settles each request's
future. A GPU does a batch of eight in about the time of one, so calls that end their turns together do not
queue behind each other."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Request = TypeVar("Request")
Result = TypeVar("Result")


class BatchRunner(Generic[Request, Result]):
    def __init__(
        self,
        run: Callable[[Sequence[Request]], Sequence[Result]],
        *,
        most: int = 16,
        gather_seconds: float = 0.004,
        name: str = "batch",
    ) -> None:
        self.run, self.most, self.gather_seconds = run, most, gather_seconds
        self.batch_sizes: list[int] = []  # what each run took, for the bench and the tests
        self._queue: queue.SimpleQueue[tuple[Request, Future] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def submit(self, request: Request) -> Future[Result]:
        future: Future[Result] = Future()
        self._queue.put((request, future))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(5)

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + self.gather_seconds
            while len(batch) < self.most:
                try:
                    more = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # close after this batch
                    break
                batch.append(more)
            self._settle(batch)

    def _settle(self, batch: list[tuple[Request, Future]]) -> None:
        live = [(request, future) for request, future in batch if future.set_running_or_notify_cancel()]
        if not live:
            return
        self.batch_sizes.append(len(live))
        try:
            results = self.run([request for request, _ in live])
        except Exception as error:  # every caller hears of it; the thread goes on with the next batch
            log.exception("a batch of %d failed", len(live))
            for _, future in live:
                future.set_exception(error)
            return
        for (_, future), result in zip(live, results, strict=True):
            future.set_result(result)
