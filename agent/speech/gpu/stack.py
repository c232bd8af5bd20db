"""The GPU speech stack as the session sees it (`SpeechBackend`, agent/speech/backend.py): ears — Whisper, or
mini-omni's speech-to-text — the script's Piper voice for every scripted line, and, when a mini-omni folder is
given, mini-omni's speech to speech for the replies the policy lets it give.

The GPU holds as many calls as its memory budget allows once the models' weights are in: each call costs its
share of Whisper's batch (its decoder's caches) and, with mini-omni, two rows of the KV cache. A call past that
is refused here (`take_call` is False) and the session gives it the CPU stack and flags it."""

from __future__ import annotations

import math
import threading
from concurrent.futures import Future

import numpy as np

from agent.speech.gpu.device import device_and_dtype
from agent.speech.recognition import Recognition

WHISPER_BYTES_PER_CALL = 70_000_000  # a batch row: self- and cross-attention caches of a small model, fp16
MOST_CALLS = 200
FRAME_SECONDS = 2048 / 24000  # one SNAC frame


class GpuSpeech:
    name = "gpu"
    ends_turns_early = True  # Whisper punctuates: a sentence finished at a pause ends the turn there

    def __init__(
        self, *, whisper_dir: str = "", mini_omni_dir: str = "", ears: str = "whisper", device: str = "",
        memory_gb: float = 0.0, most_calls: int = MOST_CALLS, reply_seconds: float = 20.0,
    ) -> None:  # fmt: skip
        if ears not in ("whisper", "mini-omni"):
            raise ValueError(f"AGENT_GPU_EARS={ears!r}: choose whisper or mini-omni.")
        if ears == "whisper" and not whisper_dir:
            raise ValueError("AGENT_SPEECH=gpu needs AGENT_WHISPER_DIR, a Whisper checkpoint's folder (docs/gpu.md).")
        if ears == "mini-omni" and not mini_omni_dir:
            raise ValueError("AGENT_GPU_EARS=mini-omni needs AGENT_MINI_OMNI_DIR, the mini-omni folder (docs/gpu.md).")
        self.whisper_dir, self.mini_omni_dir, self.ears_kind = whisper_dir, mini_omni_dir, ears
        self.device, self.memory_gb, self.most_calls = device, memory_gb, most_calls
        self.reply_seconds = reply_seconds
        self._lock = threading.RLock()
        self._ears = None
        self._engine = None
        self._capacity: int | None = None
        self._calls = 0

    # SpeechBackend
    @property
    def speech_to_speech(self):
        return MiniOmniSpeaker(self.engine()) if self.mini_omni_dir else None

    def ears(self):
        with self._lock:
            if self._ears is None:
                if self.ears_kind == "mini-omni":
                    self._ears = MiniOmniEars(self.engine())
                else:
                    from agent.speech.gpu.whisper_ears import WhisperEars

                    self._ears = WhisperEars.from_folder(self.whisper_dir, device=self.device)
            return self._ears

    def voice(self, name: str = ""):
        from agent.speech.tts import voice_named

        return voice_named(name)

    def grammar(self, listening) -> str:
        return ""  # open ears: no grammar

    def warm_up(self) -> None:
        self.voice("")
        self.ears().warm_up()
        if self.mini_omni_dir:
            self.engine()

    def take_call(self) -> bool:
        """Room on the GPU for one more call (then hold it until `release_call`)."""
        with self._lock:
            if self._calls >= self.capacity():
                return False
            self._calls += 1
            return True

    def release_call(self) -> None:
        with self._lock:
            self._calls = max(0, self._calls - 1)

    # the GPU's share
    def capacity(self) -> int:
        with self._lock:
            if self._capacity is None:
                self.ears()
                if self.mini_omni_dir:
                    self._capacity = self.engine().cache.slots // 2  # its cache was sized by the same budget
                else:
                    self._capacity = self._calls_within_budget()
            return self._capacity

    def engine(self):
        """mini-omni's engine, its KV cache sized for the calls the budget allows."""
        with self._lock:
            if self._engine is None:
                from agent.speech.gpu.mini_omni.engine import MiniOmniEngine
                from agent.speech.gpu.mini_omni.loader import load_mini_omni

                device, dtype = device_and_dtype(self.device)
                parts = load_mini_omni(self.mini_omni_dir, device, dtype)
                frames = max(1, round(self.reply_seconds / FRAME_SECONDS))
                self._engine = MiniOmniEngine(parts, calls=self._calls_within_budget(parts), longest_frames=frames)
            return self._engine

    def _calls_within_budget(self, parts=None) -> int:
        from agent.speech.gpu.mini_omni.model import SlotCache

        budget = self.memory_gb * 1e9 or _device_memory(self.device)
        if not budget:
            return self.most_calls
        models = [self._ears.model if getattr(self._ears, "model", None) is not None else None]
        per_call = WHISPER_BYTES_PER_CALL if self.ears_kind == "whisper" else 0
        engine_parts = parts or (self._engine.parts if self._engine is not None else None)
        if engine_parts is not None:
            models += [engine_parts.model, engine_parts.whisper, engine_parts.snac]
            config = engine_parts.model.config
            per_call += 2 * SlotCache.bytes_per_slot(config, config.block_size, engine_parts.dtype)
        weights = sum(p.numel() * p.element_size() for m in models if m is not None for p in m.parameters())
        calls = math.floor((budget - weights) / max(1, per_call))
        if calls < 1:
            raise ValueError(f"AGENT_GPU_MEMORY_GB={budget / 1e9:.1f}: the models alone need {weights / 1e9:.1f} GB")
        return min(self.most_calls, calls)


def _device_memory(device: str) -> float:
    import torch

    device, _ = device_and_dtype(device)
    if not device.startswith("cuda"):
        return 0.0
    free, _total = torch.cuda.mem_get_info(device)
    return free * 0.9


class MiniOmniEars:
    """mini-omni's speech-to-text mode as the session's ears (A1T1): open words, a confidence from the text
    tokens' probabilities."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def recognize_later(self, samples: np.ndarray, grammar: str = "") -> Future[Recognition]:
        heard: Future[Recognition] = Future()
        reply = self.engine.transcribe(samples)
        if reply is None:
            heard.set_result(Recognition("", 0.0))  # no room: nothing heard, the policy asks again
            return heard

        def wait() -> None:
            try:
                _, words = reply.collect()
            except Exception as error:  # noqa: BLE001 - the session hears of it through the future
                heard.set_exception(error)
                return
            heard.set_result(Recognition(words, reply.confidence) if words else Recognition("", 0.0))

        threading.Thread(target=wait, daemon=True).start()
        return heard

    def spot_later(self, samples: np.ndarray, phrases: tuple[str, ...]) -> Future[set[str]]:
        from agent.speech.gpu.whisper_ears import spotted_later

        return spotted_later(self.recognize_later(samples), phrases)

    def warm_up(self) -> None:
        reply = self.engine.transcribe(np.zeros(16000, np.int16))
        if reply is not None:
            reply.collect()


class MiniOmniSpeaker:
    """mini-omni answering the callee in its own voice: a `Reply` that streams audio at the fork's rate and
    the words it is saying, or None when the GPU has no room."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def reply(self, samples: np.ndarray):
        return self.engine.answer(samples)
