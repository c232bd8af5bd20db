"""What a telephone trunk does to a callee's voice before the switch forks it: the band a phone line
carries (about 300–3,400 Hz), 8 kHz sampling, and G.711 μ-law's 8-bit companding — then back to the
fork's 16 kHz, as FreeSWITCH resamples a PCMU leg for a 16 kHz fork. Phonify runs every persona's words
through it unless told the line is wideband (`Switch(telephone_line=False)`, `simulate --wideband`)."""

from __future__ import annotations

import numpy as np

from phonify.voice import RATE, resample

LINE_RATE = 8000
LOW_HZ, HIGH_HZ = 300.0, 3400.0
MU = 255.0


def through_the_line(samples: np.ndarray, rate: int = RATE) -> np.ndarray:
    """16-bit samples at `rate` as they come out of a narrowband μ-law leg, at `rate` again."""
    if not len(samples):
        return samples.astype(np.int16, copy=False)
    narrow = resample(samples, rate, LINE_RATE).astype(np.float64) / 32768.0
    narrow = _band(narrow)
    companded = _mu_law_decode(_mu_law_encode(narrow))
    line = np.clip(np.rint(companded * 32767.0), -32768, 32767).astype(np.int16)
    return resample(line, LINE_RATE, rate)


def _band(signal: np.ndarray) -> np.ndarray:
    """The voice band, 300–3,400 Hz, with the roll-off of a channel filter rather than a wall: second-order
    Butterworth magnitudes (3 dB down at each edge, 12 dB per octave beyond), applied in the frequency
    domain. (A brick wall at 300 Hz is harsher than any line's filter: G.712 masks allow a slope.)"""
    spectrum = np.fft.rfft(signal)
    frequencies = np.maximum(np.fft.rfftfreq(len(signal), d=1.0 / LINE_RATE), 1e-3)
    high_pass = 1.0 / np.sqrt(1.0 + (LOW_HZ / frequencies) ** 4)
    low_pass = 1.0 / np.sqrt(1.0 + (frequencies / HIGH_HZ) ** 4)
    return np.fft.irfft(spectrum * high_pass * low_pass, n=len(signal))


def _mu_law_encode(signal: np.ndarray) -> np.ndarray:
    """To the 256 levels of G.711 μ-law (continuous μ-law quantised to 8 bits)."""
    clipped = np.clip(signal, -1.0, 1.0)
    compressed = np.sign(clipped) * np.log1p(MU * np.abs(clipped)) / np.log1p(MU)
    return np.rint((compressed + 1.0) / 2.0 * 255.0).astype(np.uint8)


def _mu_law_decode(codes: np.ndarray) -> np.ndarray:
    compressed = codes.astype(np.float64) / 255.0 * 2.0 - 1.0
    return np.sign(compressed) * ((1.0 + MU) ** np.abs(compressed) - 1.0) / MU
