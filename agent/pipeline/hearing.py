"""Transport in: the fork's binary L16 messages → 20 ms frames → voice activity and end of turn, plus the
beep detector. `push` returns what happened in those frames, on the stream clock (seconds of audio in)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from agent.speech.audio import FRAME_SECONDS, RATE, Rechunker
from agent.speech.endpointing import Endpointer, Utterance
from agent.speech.tones import ToneDetector

EARLY_AFTER = 0.12  # seconds of silence after which the words so far are recognised, before the turn ends


class HeardKind(StrEnum):
    STARTED = "started"  # speech began
    PAUSE = "pause"  # a short silence: the words so far are recognised early
    ENDED = "ended"  # the turn ended (with its utterance)
    BEEP = "beep"  # a voicemail beep


@dataclass(frozen=True)
class Heard:
    kind: HeardKind
    at: float
    utterance: Utterance | None = None


class Hearing:
    def __init__(self, *, rate: int = RATE, end_silence: float = 0.35) -> None:
        self.rechunker = Rechunker(rate)
        self.endpointer = Endpointer(end_silence=end_silence)
        self.tones = ToneDetector()
        self.seconds = 0.0  # audio received so far
        self.frames = []  # every frame, for the recording (16 kHz int16 arrays)

    def push(self, message: bytes) -> list[Heard]:
        events = []
        for frame in self.rechunker.frames(message):
            at = self.seconds
            self.seconds += FRAME_SECONDS
            self.frames.append(frame)
            if self.tones.push(frame):
                events.append(Heard(HeardKind.BEEP, at))
            state, utterance = self.endpointer.push(frame, at)
            if state == "started":
                events.append(Heard(HeardKind.STARTED, at))
            elif state == "ended":
                events.append(Heard(HeardKind.ENDED, at, utterance))
            elif state == "speaking" and abs(self.endpointer.silent_for() - EARLY_AFTER) < FRAME_SECONDS / 2:
                events.append(Heard(HeardKind.PAUSE, at, self.endpointer.so_far()))
        return events

    def end_now(self) -> Heard | None:
        """End the turn in progress at its last voiced frame without waiting out the end-of-turn silence (its
        words, recognised at the pause, were a whole answer); None when nobody is speaking."""
        if not self.endpointer.speaking:
            return None
        return Heard(HeardKind.ENDED, self.seconds, self.endpointer.cut())
