"""The agent's own speech parts as Pipecat services, for bench/pipecat_agent.py: its recogniser (pocketsphinx in its
worker processes, with the grammar of the dialogue's state, asked for the agent's way) as segmented speech-to-text,
and its Piper voice with its sentence cache as text-to-speech. Import after Django is set up."""

from __future__ import annotations

import asyncio
import types

import numpy as np
from pipecat.frames.frames import TranscriptionFrame, TTSAudioRawFrame
from pipecat.services.settings import STTSettings, TTSSettings
from pipecat.services.stt_service import SegmentedSTTService
from pipecat.services.tts_service import TTSService
from pipecat.utils.time import time_now_iso8601
from pipecat_fork import RATE

from agent.session_hearing import AudioTurns, speaking_work
from agent.speech.backend import speech_backend


class OurEars(SegmentedSTTService):
    """The agent's recogniser as a segmented speech-to-text service: each utterance Pipecat's VAD cut, heard with
    the grammar of the dialogue's state now. The recognition rides on the transcription (`result`)."""

    def __init__(self, grammar, **kwargs) -> None:
        super().__init__(settings=STTSettings(model=None, language=None), ttfs_p99_latency=0.5, **kwargs)
        self._grammar = grammar

    @property
    def wants_wav_segments(self) -> bool:
        return False

    async def run_stt(self, audio: bytes):
        samples = np.frombuffer(audio, dtype=np.int16)
        ears = speech_backend().ears()
        recognition = await asyncio.wrap_future(ears.recognize_later(samples, self._grammar()))
        # a transcript Pipecat's turn strategy can finish on, also when nothing was understood
        yield TranscriptionFrame(
            text=recognition.text or "…", user_id="", timestamp=time_now_iso8601(), result=recognition
        )


class OurVoice(TTSService):
    """The agent's Piper voice (and its sentence cache) as a Pipecat text-to-speech service."""

    def __init__(self, voice, **kwargs) -> None:
        super().__init__(
            push_start_frame=True, push_stop_frames=True, sample_rate=RATE,
            settings=TTSSettings(model=None, voice=None, language=None), **kwargs,
        )  # fmt: skip
        self._voice = voice

    async def run_tts(self, text: str, context_id: str):
        audio = await asyncio.get_running_loop().run_in_executor(speaking_work, self._voice.audio, text)
        yield TTSAudioRawFrame(audio=audio.tobytes(), sample_rate=RATE, num_channels=1, context_id=context_id)


def grammar_of(policy):
    """The grammar the agent's recogniser gets in the policy's state — the agent's own way of asking for it."""
    shim = types.SimpleNamespace(policy=policy, speech=speech_backend())
    return lambda: AudioTurns._grammar(shim)
