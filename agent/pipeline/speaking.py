"""Transport out: a reply's sentences, synthesised one by one (the first plays while the next is made),
streamed over the fork as binary L16 at 16 kHz in 100 ms messages (jambonz's bidirectional audio; small
messages, never a whole utterance), each sentence followed by a mark so the switch tells us when it has
played. Barge-in (`interrupt`) sends `killAudio`, which drops what has not played yet, and hands back the
sentences that never finished so they can be said again after a cough or an "mm-hm".
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np

from agent.pipeline.recording import CallRecorder
from agent.speech.audio import RATE
from agent.speech.tts import Voice, sentences_of
from calls.telephony.fork_protocol import ToSwitch, to_switch

CHUNK_SAMPLES = RATE // 10  # 100 ms per message
SPLIT_LONGER_THAN = 40  # characters: a first sentence this long is started at its first comma (Piper: "You're
# all set for Thursday," in 106 ms, the whole sentence with its date and time in 322 ms)


class Mouth:
    def __init__(
        self, socket, *, voice: Voice, executor: Executor, recorder: CallRecorder, stream_clock: Callable[[], float]
    ) -> None:
        self.socket, self.voice, self.executor, self.recorder = socket, voice, executor, recorder
        self.stream_clock = stream_clock
        self.pending: dict[str, str] = {}  # mark name → sentence not yet reported played
        self.playing_until = 0.0  # stream seconds when what was sent will have played
        self._sentences = 0
        self._stopped = False

    @property
    def playing(self) -> bool:
        return bool(self.pending) or self.playing_until > self.stream_clock()

    def begin(self) -> None:
        """A new reply starts: a barge-in before it no longer stops it."""
        self._stopped = False

    async def say(self, text: str) -> float | None:
        """Send the text's audio; returns when the last sentence has been sent (monotonic time of the first
        audio message, or None when interrupted before any)."""
        self.begin()
        first_sent = None
        for sentence in self._pieces(text):
            audio = self.voice.cached(sentence)
            if audio is None:
                audio = await asyncio.get_running_loop().run_in_executor(self.executor, self.voice.audio, sentence)
            if self._stopped:
                break
            sent = await self._send(audio, sentence)
            first_sent = first_sent or sent
        return first_sent

    @property
    def stopped(self) -> bool:
        """Interrupted since the last reply began (a barge-in)."""
        return self._stopped

    async def play(self, audio: np.ndarray, words: str) -> float:
        """Send audio made elsewhere (the speech model's), at the fork's rate, as one piece of a reply; `words`:
        what it says so far (the mark's). Returns when it was sent."""
        return await self._send(audio, words)

    def prepare(self, texts: list[str]) -> None:
        """Synthesise lines before they are needed (the greeting while the callee says hello)."""
        for text in texts:
            for sentence in self._pieces(text):
                if self.voice.cached(sentence) is None:
                    self.executor.submit(self.voice.audio, sentence)

    async def interrupt(self) -> list[str]:
        """The callee talked over us: stop now; the sentences that did not finish."""
        self._stopped = True
        unplayed = list(self.pending.values())
        self.pending.clear()
        now = self.stream_clock()
        self.recorder.agent_cut(now)
        self.playing_until = now
        await self.socket.send(to_switch(ToSwitch.KILL_AUDIO))
        return unplayed

    def played(self, mark: str) -> None:
        self.pending.pop(mark, None)

    async def _send(self, audio: np.ndarray, sentence: str) -> float:
        sent_at = time.monotonic()
        starts = max(self.stream_clock(), self.playing_until)
        self.recorder.agent_audio(audio, starts)
        self.playing_until = starts + len(audio) / RATE
        for first in range(0, len(audio), CHUNK_SAMPLES):
            await self.socket.send(audio[first : first + CHUNK_SAMPLES].tobytes())
        self._sentences += 1
        mark = f"s-{self._sentences}"
        self.pending[mark] = sentence
        await self.socket.send(to_switch(ToSwitch.MARK, name=mark))
        return sent_at

    def _pieces(self, text: str) -> list[str]:
        pieces = sentences_of(text)
        if pieces and len(pieces[0]) > SPLIT_LONGER_THAN and self.voice.cached(pieces[0]) is None:
            head, comma, tail = pieces[0].partition(", ")
            if comma and 12 <= len(head) < len(pieces[0]) - 12:
                pieces[:1] = [head + ",", tail]
        return pieces
