"""The speech stack a call session is given, behind one small interface — ears (an utterance's samples →
words with a confidence, and phrases spotted in free speech), a voice (text → audio, a sentence at a time),
what the ears may hear in a dialogue state and, optionally, a speech-to-speech model — so another stack
(the GPU one: Whisper and a streaming voice, or mini-omni) plugs in without the session changing.
`speech_backend()` gives the process's, chosen by AGENT_SPEECH; `cpu` (pocketsphinx with a grammar per
state, Piper) is the first and the embedded default."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Protocol

import numpy as np

from agent.speech.grammars import Listening, grammar_for
from agent.speech.recognition import Recognition
from agent.speech.recognizers import recognizer_default
from agent.speech.tts import Voice, voice_named


class Ears(Protocol):
    def recognize_later(self, samples: np.ndarray, grammar: str) -> Future[Recognition]: ...

    def spot_later(self, samples: np.ndarray, phrases: tuple[str, ...]) -> Future[set[str]]: ...


class SpeechToSpeech(Protocol):
    """A model that hears the callee and answers in speech itself (mini-omni): given an utterance and the words
    the policy decided on, it speaks them in its own voice. The policy still decides what is said."""

    def answer_later(self, samples: np.ndarray, words: str) -> Future[np.ndarray]: ...


class SpeechBackend(Protocol):
    name: str
    speech_to_speech: SpeechToSpeech | None  # None: the ears and the voice are separate (the CPU stack)

    def ears(self) -> Ears: ...

    def voice(self, name: str = "") -> Voice:
        """The named voice (a script's): raises VoiceError when it cannot be loaded."""
        ...

    def grammar(self, listening: Listening) -> str:
        """What the ears may hear now ("" for ears that hear anything)."""
        ...

    def warm_up(self) -> None:
        """Load what the first call would otherwise wait for."""
        ...


class CpuSpeech:
    """pocketsphinx (in worker processes when AGENT_RECOGNITION_PROCESSES asks) with a JSGF grammar per
    dialogue state, and Piper with the bundled voice or an office's own."""

    name = "cpu"
    speech_to_speech = None

    def ears(self) -> Ears:
        return recognizer_default()

    def voice(self, name: str = "") -> Voice:
        return voice_named(name)

    def grammar(self, listening: Listening) -> str:
        return grammar_for(listening, known=recognizer_default().knows)

    def warm_up(self) -> None:
        voice_named("")
        recognizer_default().warm_up()


class GpuSpeech:
    """Whisper's ears (transformers, from the checkpoint folder AGENT_WHISPER_DIR; batched across calls), open
    to any words, so no grammar. The voice stays Piper's: mini-omni cannot read a given text aloud, so every
    scripted and mandated line is the script's voice in both stacks (docs/gpu.md)."""

    name = "gpu"
    speech_to_speech = None

    def __init__(self, whisper_dir: str, device: str = "") -> None:
        if not whisper_dir:
            raise ValueError("AGENT_SPEECH=gpu needs AGENT_WHISPER_DIR, a Whisper checkpoint's folder (docs/gpu.md).")
        self.whisper_dir, self.device = whisper_dir, device
        self._ears = None
        self._lock = threading.Lock()

    def ears(self) -> Ears:
        with self._lock:
            if self._ears is None:
                try:
                    from agent.speech.gpu.whisper_ears import WhisperEars
                except ImportError as error:
                    raise ImportError(f"AGENT_SPEECH=gpu needs requirements-gpu.txt installed ({error}).") from error
                self._ears = WhisperEars.from_folder(self.whisper_dir, device=self.device)
            return self._ears

    def voice(self, name: str = "") -> Voice:
        return voice_named(name)

    def grammar(self, listening: Listening) -> str:
        return ""

    def warm_up(self) -> None:
        voice_named("")
        self.ears().warm_up()


_chosen: SpeechBackend | None = None


def speech_backend() -> SpeechBackend:
    """The process's speech stack (AGENT_SPEECH, "cpu" by default)."""
    global _chosen
    if _chosen is None:
        from django.conf import settings

        name = getattr(settings, "AGENT_SPEECH", "cpu") if settings.configured else "cpu"
        if name == "cpu":
            _chosen = CpuSpeech()
        elif name == "gpu":
            _chosen = GpuSpeech(settings.AGENT_WHISPER_DIR, device=settings.AGENT_GPU_DEVICE)
        else:
            raise ValueError(f"AGENT_SPEECH={name!r}: choose cpu or gpu.")
    return _chosen
