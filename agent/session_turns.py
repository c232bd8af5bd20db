"""A call session's turn log: each thing said is numbered when it happens (so the transcript keeps the order
of the call even when the callee's words are recognised after the agent answered) and saved through `calls`
(calls/call_record.py) off the event loop — at once, or alongside what comes next; its words and how the
agent understood it are filled in when known."""

from __future__ import annotations

import asyncio
import time

from agent.session_records import in_thread
from agent.session_timer import TurnTimer
from agent.speech.recognition import Recognition
from calls.call_record import call_turn_add, call_turn_heard_set, call_turn_last_index, call_turn_understood_set

NOT_UNDERSTOOD = "(not understood)"


class TurnLog:
    def __init__(self, call_id, timer: TurnTimer, *, last_index: int = 0) -> None:
        self.call_id, self.timer = call_id, timer
        self.began = time.monotonic()
        self.count = last_index  # a fork that reconnects goes on numbering from the last turn saved
        self._writes: dict[int, asyncio.Task] = {}  # turns being saved, by index

    @classmethod
    async def resumed(cls, call_id, timer: TurnTimer) -> TurnLog:
        return cls(call_id, timer, last_index=await in_thread(call_turn_last_index, call_id=call_id))

    def now_ms(self) -> int:
        """Milliseconds since the session began (the turns' clock)."""
        return round((time.monotonic() - self.began) * 1000)

    async def add(
        self, speaker: str, text: str, started_ms: int | None = None, ended_ms: int | None = None,
        recognition: Recognition | None = None, wait: bool = True,
    ) -> int:  # fmt: skip
        """Save a turn; `wait=False` saves it alongside whatever comes next (the callee's words need not be in
        the database before the agent answers). Words the agent did not act on are kept marked as a guess."""
        self.count += 1
        index = self.count
        at = self.now_ms()
        started_ms = at if started_ms is None else started_ms
        ended_ms = at if ended_ms is None else ended_ms
        confidence = recognition.confidence if recognition is not None else None
        if recognition is not None and not recognition.text:
            text = NOT_UNDERSTOOD
        elif recognition is not None and not recognition.understood:
            text = f"({text}?)"  # kept for review, marked as a guess the agent did not act on
        write = in_thread(
            call_turn_add, call_id=self.call_id, index=index, speaker=speaker, text=text, started_ms=started_ms,
            ended_ms=ended_ms, confidence=confidence,
        )  # fmt: skip
        if wait:
            await write
        else:
            self._writes[index] = self.timer.spawn(write)
            self._writes[index].add_done_callback(lambda _: self._writes.pop(index, None))
        return index

    async def fill(self, index: int, recognise: asyncio.Future, unheard: str) -> None:
        """The words of a turn saved before they were recognised."""
        recognition = await recognise
        await self._saved(index)
        await in_thread(
            call_turn_heard_set, call_id=self.call_id, index=index, text=recognition.text or unheard,
            confidence=recognition.confidence,
        )  # fmt: skip

    async def understood(self, index: int, label: str) -> None:
        """How the agent understood a callee's turn (the call page shows it beside the words)."""
        await self._saved(index)
        await in_thread(call_turn_understood_set, call_id=self.call_id, index=index, understood=label)

    async def _saved(self, index: int) -> None:
        written = self._writes.get(index)
        if written is not None:
            await asyncio.wait({written})
