"""A resampler for audio that arrives in chunks (mini-omni's SNAC decodes, 24 kHz): it keeps its filter's
state from one chunk to the next, so the joins make no clicks and no samples are lost where a chunk's length
is not a whole number of output samples (8,192 at 24 kHz is 5,461⅓ at 16 kHz)."""

from __future__ import annotations

import numpy as np


class StreamResampler:
    def __init__(self, rate_from: int, rate_to: int) -> None:
        self.rate_from, self.rate_to = rate_from, rate_to
        self._stream = None
        if rate_from != rate_to:
            import soxr

            self._stream = soxr.ResampleStream(rate_from, rate_to, 1, dtype="float32")

    def feed(self, chunk: np.ndarray, last: bool = False) -> np.ndarray:
        """A chunk in (float in −1…1, or int16), int16 out at the new rate; `last` flushes what the filter holds."""
        samples = chunk.astype(np.float32) / 32768 if chunk.dtype == np.int16 else chunk.astype(np.float32, copy=False)
        out = samples if self._stream is None else self._stream.resample_chunk(samples, last=last)
        return np.clip(np.rint(out * 32768), -32768, 32767).astype(np.int16)
