"""An answering machine's beep heard in the fork's audio: one steady tone between 440 and 2,000 Hz holding
most of the frame's energy for a fifth of a second (what FreeSWITCH's mod_avmd looks for; the switch's own
`avmd::beep`, when it has the module, reaches the agent too and whichever comes first wins)."""

from __future__ import annotations

import numpy as np

from agent.speech.audio import FRAME_SECONDS, RATE

LOWEST, HIGHEST = 440.0, 2000.0
PURITY = 0.7  # share of the frame's energy in the strongest frequency (±1 bin)
LOUD_ENOUGH = 300.0  # mean absolute amplitude
STEADY_HZ = 40.0
HOLD_SECONDS = 0.2


class ToneDetector:
    def __init__(self) -> None:
        self._window = np.hanning(int(RATE * FRAME_SECONDS))
        self._run = 0
        self._frequency = 0.0

    def push(self, frame: np.ndarray) -> bool:
        """True on the frame where a beep has lasted long enough."""
        frequency = self._tone(frame)
        if frequency is None or (self._run and abs(frequency - self._frequency) > STEADY_HZ):
            self._run = 1 if frequency is not None else 0
            self._frequency = frequency or 0.0
            return False
        self._run += 1
        self._frequency = frequency
        return self._run * FRAME_SECONDS >= HOLD_SECONDS and self._run * FRAME_SECONDS < HOLD_SECONDS + FRAME_SECONDS

    def _tone(self, frame: np.ndarray) -> float | None:
        samples = frame.astype(np.float32)
        if np.abs(samples).mean() < LOUD_ENOUGH:
            return None
        power = np.abs(np.fft.rfft(samples * self._window)) ** 2
        total = power[1:].sum()
        peak = int(np.argmax(power[1:])) + 1
        share = power[max(1, peak - 1) : peak + 2].sum() / total if total else 0.0
        frequency = peak * RATE / len(samples)
        if share < PURITY or not LOWEST <= frequency <= HIGHEST:
            return None
        return frequency
