"""Audio on the agent's side: 16 kHz mono signed 16-bit little-endian (L16) everywhere inside, resampled
once at the edges (Piper's 22,050 Hz in; whatever rate the fork was started with)."""

from __future__ import annotations

import io
import wave

import numpy as np

RATE = 16000
FRAME_SECONDS = 0.02
FRAME_SAMPLES = int(RATE * FRAME_SECONDS)  # 320 samples, 640 bytes


def resample(samples: np.ndarray, rate_from: int, rate_to: int) -> np.ndarray:
    if rate_from == rate_to or not len(samples):
        return samples.astype(np.int16, copy=False)
    import soxr  # here, not above: the GPU stack's bench imports this module on hosts without it

    converted = soxr.resample(samples.astype(np.float32) / 32768, rate_from, rate_to)
    return np.clip(np.rint(converted * 32768), -32768, 32767).astype(np.int16)


def wav_bytes(samples: np.ndarray, rate: int = RATE, channels: int = 1) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(channels)
        recording.setsampwidth(2)
        recording.setframerate(rate)
        recording.writeframes(samples.astype(np.int16, copy=False).tobytes())
    return out.getvalue()


class Rechunker:
    """The fork's binary messages (any length: mod_audio_fork sends whatever its buffer holds) as whole
    20 ms frames at 16 kHz."""

    def __init__(self, rate: int = RATE) -> None:
        self.rate = rate
        self._pending = bytearray()

    def frames(self, message: bytes) -> list[np.ndarray]:
        samples = np.frombuffer(message[: len(message) - len(message) % 2], dtype=np.int16)
        if self.rate != RATE:
            samples = resample(samples, self.rate, RATE)
        self._pending.extend(samples.tobytes())
        size = FRAME_SAMPLES * 2
        whole = len(self._pending) // size
        out = [np.frombuffer(bytes(self._pending[i * size : (i + 1) * size]), np.int16) for i in range(whole)]
        del self._pending[: whole * size]
        return out
