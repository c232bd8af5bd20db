"""Both legs of a call as one stereo WAV for the call page: the callee on the left (every frame the fork
sent), the agent on the right (its audio laid where it played, cut where a barge-in stopped it)."""

from __future__ import annotations

import numpy as np

from agent.speech.audio import RATE, resample, wav_bytes

STORED_RATE = 8000  # a phone call's own bandwidth; half the size of 16 kHz


class CallRecorder:
    def __init__(self) -> None:
        self.agent: list[tuple[float, np.ndarray]] = []  # (stream seconds it starts playing, 16 kHz samples)

    def agent_audio(self, samples: np.ndarray, at: float) -> None:
        self.agent.append((at, samples))

    def agent_cut(self, at: float) -> None:
        kept = []
        for start, samples in self.agent:
            if start >= at:
                continue
            kept.append((start, samples[: int((at - start) * RATE)]))
        self.agent = kept

    def wav(self, callee_frames: list[np.ndarray]) -> bytes:
        callee = np.concatenate(callee_frames) if callee_frames else np.zeros(0, np.int16)
        end = max([len(callee)] + [int(start * RATE) + len(samples) for start, samples in self.agent])
        agent = np.zeros(end, np.int16)
        for start, samples in self.agent:
            first = int(start * RATE)
            agent[first : first + len(samples)] = samples
        stereo = np.zeros((end, 2), np.int16)
        stereo[: len(callee), 0] = callee
        stereo[:, 1] = agent
        left, right = (resample(stereo[:, side].copy(), RATE, STORED_RATE) for side in (0, 1))
        both = np.stack([left, right[: len(left)]], axis=1) if len(left) <= len(right) else None
        if both is None:
            both = np.stack([left[: len(right)], right], axis=1)
        return wav_bytes(both.reshape(-1), rate=STORED_RATE, channels=2)
