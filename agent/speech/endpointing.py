"""When the callee is speaking, and when they have finished: webrtcvad decides voice per 20 ms frame;
speech starts after a few voiced frames in a row (a click is not speech) and an utterance ends after a
stretch of unvoiced frames (the end-of-turn wait). The wait is set per moment by the session: short for
the first "Hello?", longer in the middle of the conversation.

Frames carry their time on the call's stream clock (seconds of audio received), so every decision is
made on the audio itself, not on when a frame happened to arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import webrtcvad

from agent.speech.audio import FRAME_SECONDS, RATE

START_FRAMES = 3  # 60 ms of voice before it counts as speech
ONSET_KEEP = 10  # frames kept from before the start, so the first syllable is not lost
QUIETEST_VOICE = 100.0  # mean absolute amplitude under which a frame is silence whatever the VAD says (its
# hangover keeps calling frames voiced after a click)


@dataclass(frozen=True)
class Utterance:
    samples: np.ndarray
    started: float  # stream seconds
    ended: float  # stream seconds: the end of the last voiced frame
    voiced_seconds: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class Endpointer:
    def __init__(self, *, end_silence: float = 0.4, aggressiveness: int = 2) -> None:
        self.vad = webrtcvad.Vad(aggressiveness)
        self.end_silence = end_silence
        self.speaking = False
        self.voiced_run = 0  # voiced frames in a row (while not yet speaking) — barge-in watches this too
        self.quiet_run = 0
        self._frames: list[np.ndarray] = []
        self._started = 0.0
        self._last_voice = 0.0
        self._voiced = 0

    def voiced(self, frame: np.ndarray) -> bool:
        loud = float(np.abs(frame.astype(np.int32)).mean()) >= QUIETEST_VOICE
        return self.vad.is_speech(frame.tobytes(), RATE) and loud

    def push(self, frame: np.ndarray, at: float) -> tuple[str, Utterance | None]:
        """One 20 ms frame starting at `at`: ("started", None) when speech begins, ("ended", utterance) when
        it ends, ("speaking"|"quiet", None) otherwise."""
        voiced = self.voiced(frame)
        if not self.speaking:
            self._frames = (self._frames + [frame])[-ONSET_KEEP:]
            self.voiced_run = self.voiced_run + 1 if voiced else 0
            if self.voiced_run < START_FRAMES:
                return "quiet", None
            self.speaking, self.quiet_run, self._voiced = True, 0, self.voiced_run
            self._started = at - FRAME_SECONDS * (START_FRAMES - 1)
            self._last_voice = at + FRAME_SECONDS
            return "started", None
        self._frames.append(frame)
        if voiced:
            self.quiet_run, self._last_voice = 0, at + FRAME_SECONDS
            self._voiced += 1
            return "speaking", None
        self.quiet_run += 1
        if self.quiet_run * FRAME_SECONDS < self.end_silence:
            return "speaking", None
        return "ended", self.cut()

    def silent_for(self) -> float:
        """Seconds of silence at the end of the speech in progress."""
        return self.quiet_run * FRAME_SECONDS if self.speaking else 0.0

    def so_far(self) -> Utterance | None:
        """The speech in progress up to its last voiced frame (for recognising before the turn is over)."""
        if not self.speaking:
            return None
        keep = len(self._frames) - self.quiet_run
        return Utterance(np.concatenate(self._frames[:keep]), self._started, self._last_voice, self._voiced * 0.02)

    def cut(self) -> Utterance:
        """End the speech in progress here: its utterance, and quiet again."""
        utterance = self.so_far()
        self.speaking, self.voiced_run, self.quiet_run, self._frames = False, 0, 0, []
        return utterance
