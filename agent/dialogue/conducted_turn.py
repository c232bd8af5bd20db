"""One turn the language model answers, as it streams: its words are read on a thread of their own and cut into
sentences; the session asks for the next part (`next_part`) and says each sentence as soon as it is there,
before the model has finished. Each sentence is checked before it is given out; the tools the model called
come last. The policy (`conducting_policy.py`) says what happens at each end of the turn — the tools' scripted
lines, a scripted line instead of words that may not be said, the scripted policy's answer when the model is
late past the turn's budget or fails — so the callee never waits longer than the budget for a first word, nor
between two sentences.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from agent.dialogue.chat_client import ChatError
from agent.dialogue.chat_stream import Called, ToolCall, Words

LONGEST_WORDS = 45  # words the model may say in one turn; the rest is not said
CLAUSE_WORDS = 12  # a sentence this long so far is said up to its last comma, not held for its end
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_ENDED = re.compile(r"[.!?][\"')\]]*$")  # a sentence's end at the end of what came so far: said without waiting
_NOT_YET = re.compile(r"(\b[A-Za-z]|\bMrs?|\bMs|\bDr|\bSt|\d)\.$")  # "p.", "Dr.", "3.": maybe more to come


class TurnEnds(Protocol):
    """What the policy does at each end of a model turn; every method returns the actions that follow."""

    def finished(self, calls: tuple[ToolCall, ...], said: list[str]) -> list: ...
    def replaced(self, reason: str, said: list[str]) -> list: ...
    def too_late(self, reason: str, said: list[str], permanent: bool = False) -> list: ...
    def problem(self, sentence: str) -> str: ...


class ConductedTurn:
    def __init__(self, *, stream: Callable[[], Iterator[Words | Called]], ends: TurnEnds, budget: float) -> None:
        self.ends, self.budget = ends, budget
        self.said: list[str] = []
        self._events: queue.Queue = queue.Queue()  # (kind, value, permanent) from the reading thread
        self._cancelled = threading.Event()
        self._deadline = time.monotonic() + budget
        threading.Thread(target=self._read, args=(stream,), daemon=True, name="model-turn").start()

    def next_part(self) -> str | list:
        """The next sentence to say, or (last) the list of actions that end the turn. Blocks at most the
        turn's budget; call it off the event loop."""
        if self._cancelled.is_set():
            return []
        try:
            kind, value, permanent = self._events.get(timeout=max(0.0, self._deadline - time.monotonic()))
        except queue.Empty:
            return self._end(self.ends.too_late(f"no words within {self.budget:g} s", self.said))
        if kind == "sentence":
            reason = self.ends.problem(value)
            if reason:
                return self._end(self.ends.replaced(reason, self.said))
            if sum(len(sentence.split()) for sentence in [*self.said, value]) > LONGEST_WORDS:
                return self._end(self.ends.replaced(f"longer than {LONGEST_WORDS} words", self.said))
            self.said.append(value)
            self._deadline = time.monotonic() + self.budget  # no longer gap between two sentences either
            return value
        if kind == "called":
            return self._end(self.ends.finished(value, self.said))
        return self._end(self.ends.too_late(value, self.said, permanent=permanent))

    def cancel(self) -> None:
        """The turn is over (or over early: the callee talked over it): stop reading the model."""
        self._cancelled.set()

    def _end(self, actions: list) -> list:
        self.cancel()
        return actions

    def _read(self, stream: Callable[[], Iterator[Words | Called]]) -> None:
        pending = ""
        events = None
        try:
            events = stream()
            for event in events:
                if self._cancelled.is_set():
                    return
                if isinstance(event, Words):
                    pending += event.text
                    *whole, pending = _SENTENCE_END.split(pending)
                    if _ENDED.search(pending) and not _NOT_YET.search(pending):
                        whole, pending = [*whole, pending], ""
                    elif len(pending.split()) >= CLAUSE_WORDS and ", " in pending:  # a long sentence: by clauses
                        clause, _, pending = pending.rpartition(", ")
                        whole = [*whole, clause + ","]
                    for sentence in whole:
                        if sentence.strip():
                            self._events.put(("sentence", sentence.strip(), False))
                else:
                    if pending.strip():
                        self._events.put(("sentence", pending.strip(), False))
                    self._events.put(("called", event.calls, False))
                    return
            self._events.put(("failed", "the model's reply ended without its last event", False))
        except ChatError as error:
            self._events.put(("failed", str(error), error.permanent))
        except Exception as error:  # noqa: BLE001 (a model must never end a call)
            self._events.put(("failed", f"{type(error).__name__}: {error}", False))
        finally:
            if events is not None and hasattr(events, "close"):
                events.close()  # the connection goes with it
