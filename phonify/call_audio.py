"""The two legs of a call's audio, on one clock that starts when the channel is created.

- `CalleeAudio`: what the callee side sends into the call (a persona's speech, a voicemail greeting and
  beep, ringback during early media), scheduled as segments; an audio fork reads the 20 ms frame due now.
- `Playout`: what the agent sent back over a fork, played into the call in real time, 20 ms at a time,
  with jambonz's marks (reported when the audio before them has played) and `killAudio`.
- `write_call_wav`: both legs as one stereo WAV (left the callee, right the agent), for `--record`.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from phonify.voice import RATE, resample


@dataclass
class Segment:
    start: float  # seconds on the call's clock
    samples: np.ndarray  # 16 kHz int16
    _by_rate: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / RATE

    def at_rate(self, rate: int) -> np.ndarray:
        if rate not in self._by_rate:
            self._by_rate[rate] = _shared_resample(self.samples, rate)
        return self._by_rate[rate]


_resampled: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _shared_resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample once per (audio, rate): two hundred calls saying the same cached "Hello?" share it."""
    key = (id(samples), rate)
    hit = _resampled.get(key)
    if hit is not None and hit[0] is samples:
        return hit[1]
    if len(_resampled) > 512:
        _resampled.clear()
    converted = resample(samples, RATE, rate)
    _resampled[key] = (samples, converted)
    return converted


class CalleeAudio:
    def __init__(self) -> None:
        self.segments: list[Segment] = []

    def schedule(self, samples: np.ndarray, at: float) -> Segment:
        """Queue audio to start at `at` (seconds on the call's clock) or after what is already queued."""
        start = max(at, self.segments[-1].end if self.segments else 0.0)
        segment = Segment(start, samples)
        self.segments.append(segment)
        return segment

    def cut(self, at: float) -> None:
        """Stop sounding at `at`: the call ended, or the person stopped mid-sentence."""
        kept = []
        for segment in self.segments:
            if segment.start >= at:
                continue
            if segment.end > at:
                segment = Segment(segment.start, segment.samples[: int((at - segment.start) * RATE)])
            kept.append(segment)
        self.segments = kept

    def frame(self, at: float, rate: int, samples: int) -> bytes | None:
        """The frame of `samples` starting at `at`, or None when the callee side is silent then."""
        first = round(at * rate)
        out = None
        for segment in self.segments:
            start = round(segment.start * rate)
            audio = segment.at_rate(rate)
            if start >= first + samples or start + len(audio) <= first:
                continue
            out = np.zeros(samples, np.int16) if out is None else out
            lo, hi = max(first, start), min(first + samples, start + len(audio))
            out[lo - first : hi - first] = audio[lo - start : hi - start]
        return None if out is None else out.tobytes()

    def render(self, seconds: float) -> np.ndarray:
        track = np.zeros(int(seconds * RATE), np.int16)
        for segment in self.segments:
            start = int(segment.start * RATE)
            piece = segment.samples[: max(0, len(track) - start)]
            track[start : start + len(piece)] = piece
        return track


class Playout:
    """The agent's audio waiting to play at the fork's rate, and the marks placed in it."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.pending = bytearray()
        self.marks: list[tuple[int, str]] = []  # (bytes still to play before it, name)

    def queue(self, audio: bytes) -> None:
        self.pending.extend(audio[: len(audio) - len(audio) % 2])

    def mark(self, name: str) -> None:
        self.marks.append((len(self.pending), name))

    def take(self, size: int) -> tuple[bytes | None, list[str]]:
        """The next frame to play (None when nothing is queued) and the marks whose audio has now played."""
        if not self.pending:
            reached, self.marks = [name for _, name in self.marks], []
            return None, reached
        frame = bytes(self.pending[:size]).ljust(size, b"\0")
        del self.pending[:size]
        reached = [name for left, name in self.marks if left <= size]
        self.marks = [(left - size, name) for left, name in self.marks if left > size]
        return frame, reached

    def kill(self) -> list[str]:
        """killAudio: drop what has not played; the marks in it are cleared."""
        self.pending.clear()
        return self.clear_marks()

    def clear_marks(self) -> list[str]:
        cleared, self.marks = [name for _, name in self.marks], []
        return cleared


def agent_track(frames: list[tuple[float, bytes, int]], seconds: float, since: float = 0.0) -> np.ndarray:
    """The agent's played frames [(call-clock seconds, L16 bytes, rate)] laid on a 16 kHz track."""
    track = np.zeros(int(max(0.0, seconds - since) * RATE), np.int16)
    for at, frame, rate in frames:
        if at < since:
            continue
        piece = resample(np.frombuffer(frame, np.int16), rate, RATE)
        start = int((at - since) * RATE)
        piece = piece[: max(0, len(track) - start)]
        track[start : start + len(piece)] = piece
    return track


def write_call_wav(path: Path, callee: np.ndarray, agent: np.ndarray) -> None:
    length = max(len(callee), len(agent))
    stereo = np.zeros((length, 2), np.int16)
    stereo[: len(callee), 0] = callee
    stereo[: len(agent), 1] = agent
    with wave.open(str(path), "wb") as recording:
        recording.setnchannels(2)
        recording.setsampwidth(2)
        recording.setframerate(RATE)
        recording.writeframes(stereo.tobytes())
