"""The speech stack a call session is given, behind one small interface — ears (an utterance's samples →
words with a confidence, and phrases spotted in free speech), a voice (text → audio, a sentence at a time),
what the ears may hear in a dialogue state and, optionally, a speech-to-speech model — so another stack
(the GPU one: Whisper and a streaming voice, or mini-omni) plugs in without the session changing.
`speech_backend()` gives the process's, chosen by AGENT_SPEECH: `cpu` (pocketsphinx with a grammar per state,
Piper), the embedded default, or `gpu` (agent/speech/gpu/stack.py: Whisper or mini-omni's ears, Piper's voice,
mini-omni's speech to speech). A call the GPU has no room for gets `cpu_speech()`."""

from __future__ import annotations

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
    """A model that hears the callee and answers in speech itself (mini-omni). It cannot read a given text
    aloud, so it speaks only where the policy lets it answer freely; what it says streams as it is made."""

    def reply(self, samples: np.ndarray):
        """A reply streaming ("audio", samples at the fork's rate), ("text", the words so far), ("end", all
        the words); None when the model has no room now."""
        ...


class SpeechBackend(Protocol):
    name: str
    ends_turns_early: bool  # the ears say when a sentence is finished: a turn may end at a short pause
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

    def take_call(self) -> bool:
        """Room for one more call (held until `release_call`); False: give the call another stack."""
        ...

    def release_call(self) -> None: ...


class CpuSpeech:
    """pocketsphinx (in worker processes when AGENT_RECOGNITION_PROCESSES asks) with a JSGF grammar per
    dialogue state, and Piper with the bundled voice or an office's own."""

    name = "cpu"
    speech_to_speech = None
    ends_turns_early = False  # a grammar's words at a pause may be the start of a longer answer

    def ears(self) -> Ears:
        return recognizer_default()

    def voice(self, name: str = "") -> Voice:
        return voice_named(name)

    def grammar(self, listening: Listening) -> str:
        return grammar_for(listening, known=recognizer_default().knows)

    def warm_up(self) -> None:
        voice_named("")
        recognizer_default().warm_up()

    def take_call(self) -> bool:
        return True  # the CPU stack takes every call (the office's concurrency bounds them)

    def release_call(self) -> None:
        pass


_chosen: SpeechBackend | None = None
_cpu: CpuSpeech | None = None


def speech_backend() -> SpeechBackend:
    """The process's speech stack (AGENT_SPEECH, "cpu" by default)."""
    global _chosen
    if _chosen is None:
        from django.conf import settings

        name = getattr(settings, "AGENT_SPEECH", "cpu") if settings.configured else "cpu"
        if name == "cpu":
            _chosen = CpuSpeech()
        elif name == "gpu":
            from agent.speech.gpu.stack import GpuSpeech

            _chosen = GpuSpeech(
                whisper_dir=settings.AGENT_WHISPER_DIR, mini_omni_dir=settings.AGENT_MINI_OMNI_DIR,
                ears=settings.AGENT_GPU_EARS, device=settings.AGENT_GPU_DEVICE,
                memory_gb=settings.AGENT_GPU_MEMORY_GB, most_calls=settings.AGENT_GPU_CALLS,
                reply_seconds=settings.AGENT_GPU_REPLY_SECONDS,
            )  # fmt: skip
        else:
            raise ValueError(f"AGENT_SPEECH={name!r}: choose cpu or gpu.")
    return _chosen


def cpu_speech() -> CpuSpeech:
    """The CPU stack, for a call the GPU has no room for."""
    global _cpu
    if _cpu is None:
        _cpu = CpuSpeech()
    return _cpu
