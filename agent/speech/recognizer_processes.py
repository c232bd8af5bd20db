"""Recognition in worker processes, behind the same `Recognizer` interface.

pocketsphinx holds Python's GIL while it decodes: measured on this machine, two threads recognising a
3.5 s utterance ten times each stalled an asyncio loop in the same process by up to 1.2 s (0.3 s on
average), so every call's audio, barge-in and playback waited on every other call's recognition. Here
each decoder lives in a process of its own (one per core by default), and the agent's threads only wait
on a result, with the GIL free.

A worker that dies (a crash inside the decoder) breaks the pool: the pool is built again and the request
tried once more, so one bad utterance costs its own call a re-ask at most. An agent that dies without closing
its pool (SIGKILL, the OOM killer) leaves its workers orphaned: each notices within a second and exits, rather
than hold its decoders' ~190 MB until the machine restarts.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from agent.speech.recognizer import (
    WARM_GRAMMAR,
    Recognition,
    SphinxRecognizer,
    dictionary_words,
    open_recognition,
    recognition_of,
)

log = logging.getLogger(__name__)

TIMEOUT = 20.0  # seconds one request may take, queueing included, before it counts as failed

PARENT_CHECK = 1.0  # seconds between a worker's looks at whether the agent that started it is still there

_worker: SphinxRecognizer | None = None


def _worker_load() -> None:
    """In each worker as it starts: the decoders (seconds), so no request waits for them. Ctrl-C reaches
    the whole process group; the agent, not the terminal, stops its workers."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="agent-asr-parent", daemon=True).start()
    _worker = SphinxRecognizer()
    _worker.recognize(np.zeros(8000, np.int16), WARM_GRAMMAR)
    _worker.spot(np.zeros(8000, np.int16), ("leave a message",))
    _worker.open_pass(np.zeros(8000, np.int16))


def _exit_with(parent: int) -> None:
    """Exit once the agent is gone (this worker was handed to another parent)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK)
    os._exit(0)


def _open_pass(samples: np.ndarray) -> str:
    return _worker.open_pass(samples)


def _grammar_pass(samples: np.ndarray, grammar: str) -> tuple[str, float]:
    return _worker.grammar_pass(samples, grammar)


def _phone_pass(samples: np.ndarray) -> float:
    return _worker.phone_pass(samples)


def _spot(samples: np.ndarray, phrases: tuple[str, ...]) -> set[str]:
    return _worker.spot(samples, phrases)


def _ready() -> int:
    return os.getpid()


class RecognizerProcesses:
    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        self._words: frozenset[str] | None = None
        atexit.register(self.close)  # before the interpreter takes apart what the pool's thread needs

    def recognize(self, samples: np.ndarray, grammar: str) -> Recognition:
        return self.recognize_later(samples, grammar).result(timeout=TIMEOUT)

    def spot(self, samples: np.ndarray, phrases: tuple[str, ...]) -> set[str]:
        return self.spot_later(samples, phrases).result(timeout=TIMEOUT)

    def recognize_later(self, samples: np.ndarray, grammar: str) -> Future:
        """The recognition as a future (for `asyncio.wrap_future`; cancelling it before the workers take
        it up drops it). The grammar's search and the phone loop run at once, in two workers when both are
        free: a lone call's answer waits for the longer of the two, not their sum. When the grammar
        understood nothing, the open search's reading is taken (or the grammar's, if it heard nothing).
        The open search starts as soon as the (shorter) phone loop has freed a worker while the grammar is
        still searching, so a turn the grammar does not hold waits for the longer search, not for both one
        after the other; when the grammar understood, it is dropped (or its words left unread)."""
        found, yardstick = self._submit(_grammar_pass, samples, grammar), self._submit(_phone_pass, samples)
        outcome: Future = Future()
        settling = threading.Lock()  # the callbacks may run on different threads
        spare: list[Future] = []  # the open search, started early

        def either_done(_: Future) -> None:
            with settling:
                if not found.done() and yardstick.done() and not spare and not outcome.done():
                    spare.append(self._submit(_open_pass, samples))  # a worker is free: search openly meanwhile
                if not (found.done() and yardstick.done()) or outcome.done() or outcome.running():
                    return
                if outcome.set_running_or_notify_cancel():
                    settle()

        def settle() -> None:
            if found.cancelled() or yardstick.cancelled():
                outcome.set_exception(CancelledError())
            elif found.exception() or yardstick.exception():
                outcome.set_exception(found.exception() or yardstick.exception())
            else:
                recognition = recognition_of(found.result(), yardstick.result())
                if recognition.understood:
                    for early in spare:
                        early.cancel()
                    outcome.set_result(recognition)
                    return
                opened = spare[0] if spare else self._submit(_open_pass, samples)
                opened.add_done_callback(lambda job: _settle_open(outcome, job, recognition))

        found.add_done_callback(either_done)
        yardstick.add_done_callback(either_done)
        outcome.add_done_callback(
            lambda mine: [job.cancel() for job in (found, yardstick, *spare)] if mine.cancelled() else None
        )
        return outcome

    def spot_later(self, samples: np.ndarray, phrases: tuple[str, ...]) -> Future:
        return self._submit(_spot, samples, phrases)

    def knows(self, word: str) -> bool:
        if self._words is None:
            self._words = dictionary_words()
        return word in self._words

    def warm_up(self) -> None:
        """Start every worker now (each loads its decoders as it starts)."""
        jobs = [self._pool.submit(_ready) for _ in range(self.processes * 2)]
        for job in jobs:
            job.result(timeout=120)

    def workers(self) -> list[int]:
        """The worker processes' ids (those started so far)."""
        return sorted(process.pid for process in (self._pool._processes or {}).values())

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, function, *args) -> Future:
        """Submit to the workers; if the pool broke (a worker died), build it again and submit once more."""
        outcome: Future = Future()
        pool = self._pool

        def settle(job: Future, retried: bool) -> None:
            if job.cancelled():
                outcome.cancel()
                return
            problem = job.exception()
            if isinstance(problem, BrokenProcessPool) and not retried:
                log.warning("agent: a recognition worker died; starting the workers again")
                again = self._fresh_pool(pool).submit(function, *args)
                again.add_done_callback(lambda job: settle(job, True))
            elif outcome.set_running_or_notify_cancel():
                if problem is not None:
                    outcome.set_exception(problem)
                else:
                    outcome.set_result(job.result())

        try:
            job = pool.submit(function, *args)
        except BrokenProcessPool:
            job = self._fresh_pool(pool).submit(function, *args)
        outcome.add_done_callback(lambda mine: job.cancel() if mine.cancelled() else None)
        job.add_done_callback(lambda job: settle(job, False))
        return outcome

    def _fresh_pool(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is broken:
                self._pool = self._new_pool()
            return self._pool

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),  # never fork a process that runs threads
            initializer=_worker_load,
        )


def _settle_open(outcome: Future, job: Future, grammar: Recognition) -> None:
    if job.cancelled() or job.exception() is not None:
        outcome.set_result(grammar)  # the grammar's reading stands (nothing understood): the agent asks again
    else:
        outcome.set_result(open_recognition(job.result(), grammar))
