"""mini-omni serving many calls on one model: a thread that prefills each new request on its own and then
decodes one step for every active call in one batch, each call's rows in slots of one shared KV cache, at its
own position.

Speech to speech is upstream's "batch parallel decoding": a call holds two rows, one that speaks (A1A2) and one
that only writes (A1T2); each step the text comes from the writing row and the audio from the speaking row, and
both rows are fed that text, so the voice follows the words. Audio layer j of frame k is sampled at step
k + j + 1 (each SNAC layer one step later than the one before); a frame is complete once its seventh layer
is in, and complete frames are decoded by SNAC a few at a time — with a little of the audio before them as
context, so chunks join without clicks — and resampled with state to the fork's rate. The reply ends when the
seventh layer says end-of-audio; the frames not yet decoded are then flushed (upstream drops them).
Speech to text (ASR, A1T1) and speech to written answer (A1T2) hold one row and end at end-of-text.

When every slot is taken, `answer` and `transcribe` give None at once: the caller uses the CPU stack for that
call and flags it."""

from __future__ import annotations

import logging
import math
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from agent.speech.gpu.mini_omni.loader import MiniOmniParts
from agent.speech.gpu.mini_omni.model import SlotCache
from agent.speech.gpu.mini_omni.tokens import (
    AUDIO_CODES,
    AUDIO_ROWS,
    EOA,
    EOT,
    PAD_A,
    PAD_T,
    TEXT_IDS,
    audio_prompt,
    frame_codes,
    layershift,
    whisper_frames,
)  # fmt: skip
from agent.speech.gpu.stream_resampler import StreamResampler

log = logging.getLogger(__name__)

RATE = 16000  # the fork's rate (agent.speech.audio.RATE), which replies come at unless asked otherwise
SNAC_RATE = 24000
SAMPLES_PER_FRAME = 2048  # SNAC 24 kHz: one frame of seven codes is 85⅓ ms
FIRST_FRAMES = 2  # the first chunk as soon as two frames are complete (upstream: four) …
STRIDE = 4  # … then four at a time
LEFT_CONTEXT = 2  # frames decoded again before each chunk and cut off, so the joins are smooth
LONGEST_REPLY_FRAMES = 240  # 20 s of speech
LONGEST_TEXT = 200  # tokens of a text-only reply


def greedy(logits: torch.Tensor) -> torch.Tensor:
    """Upstream's defaults (top-k 1) are greedy."""
    return logits.argmax(-1)


@dataclass
class Reply:
    """What one request gives, as it comes: ("audio", int16 samples at the reply's rate), ("text", the words
    so far), then ("end", all the words) — or ("error", the exception)."""

    rate: int
    events: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    text_tokens: list[int] = field(default_factory=list)  # once it has ended: what was sampled, for diagnosis
    audio_codes: list[list[int]] = field(default_factory=list)  # per audio layer, from step 0
    confidence: float = 0.0  # once it has ended: exp(mean log-probability) of the words' tokens
    cancelled: bool = False

    def cancel(self) -> None:
        """Stop making it (its words were refused, the callee talked over it): it ends at the next step."""
        self.cancelled = True

    def __iter__(self) -> Iterator[tuple[str, object]]:
        while True:
            kind, value = self.events.get()
            yield kind, value
            if kind in ("end", "error"):
                return

    def collect(self) -> tuple[np.ndarray, str]:
        """All the audio and the words (for tests and the bench)."""
        audio, words = [], ""
        for kind, value in self:
            if kind == "audio":
                audio.append(value)
            elif kind == "end":
                words = value
            elif kind == "error":
                raise value
        return (np.concatenate(audio) if audio else np.zeros(0, np.int16)), words


@dataclass
class _Generation:
    task: str
    slots: list[int]  # speaking row first (A1A2), then the writing row; one row for text-only tasks
    position: int
    reply: Reply
    speaks: bool
    audio: list[list[int]] = field(default_factory=lambda: [[] for _ in range(AUDIO_ROWS)])
    text: list[int] = field(default_factory=list)
    text_ended: bool = False
    frames_sent: int = 0
    words_sent: str = ""
    text_logprobs: list[float] = field(default_factory=list)
    steps: int = 0
    resampler: StreamResampler | None = None


class MiniOmniEngine:
    def __init__(
        self, parts: MiniOmniParts, *, calls: int = 4, rate: int = RATE, sampler: Callable = greedy,
        longest_frames: int = LONGEST_REPLY_FRAMES,
    ) -> None:  # fmt: skip
        self.parts, self.rate, self.sampler, self.longest_frames = parts, rate, sampler, longest_frames
        config = parts.model.config
        self.cache = SlotCache(
            config, slots=2 * calls, length=config.block_size, device=parts.device, dtype=parts.dtype
        )
        self._free = list(range(2 * calls))
        self._lock = threading.Lock()
        self._incoming: queue.SimpleQueue = queue.SimpleQueue()
        self._active: list[_Generation] = []
        self.steps_batched: list[int] = []  # calls decoded in each batched step (the bench and tests read it)
        self._thread = threading.Thread(target=self._serve, name="mini-omni", daemon=True)
        self._thread.start()

    # requests
    def answer(self, samples: np.ndarray, rate: int = RATE) -> Reply | None:
        """Speech in, a spoken and written answer out (A1A2 with its A1T2 twin); None when the GPU is full."""
        return self._request(samples, rate, "A1A2", rows=2)

    def transcribe(self, samples: np.ndarray, rate: int = RATE) -> Reply | None:
        """Speech in, what was said as text out (mini-omni's ASR mode)."""
        return self._request(samples, rate, "A1T1", rows=1)

    def free_calls(self) -> int:
        with self._lock:
            return len(self._free) // 2

    def close(self) -> None:
        self._incoming.put(None)
        self._thread.join(10)

    def _request(self, samples, rate, task, rows) -> Reply | None:
        with self._lock:
            if len(self._free) < rows:
                return None
            slots = [self._free.pop() for _ in range(rows)]
        reply = Reply(rate=self.rate)
        self._incoming.put((samples, rate, task, slots, reply))
        return reply

    # the thread
    def _serve(self) -> None:
        with torch.inference_mode():
            while True:
                try:
                    request = self._incoming.get(block=not self._active)
                except queue.Empty:
                    request = ...
                if request is None:
                    return
                if request is not ...:
                    self._start(*request)
                    continue  # take every waiting request before the next step
                self._step()

    def _start(self, samples, rate, task, slots, reply) -> None:
        try:
            generation = self._prefill(samples, rate, task, slots, reply)
        except Exception as error:
            log.exception("mini-omni could not start a reply")
            self._release(slots)
            reply.events.put(("error", error))
            return
        self._active.append(generation)

    def _prefill(self, samples, rate, task, slots, reply) -> _Generation:
        parts = self.parts
        frames = min(whisper_frames(len(samples), rate), 1500)
        features = self._whisper(samples, rate)[:, :frames]
        tasks = ["A1A2", "A1T2"] if task == "A1A2" else [task]
        prompts = torch.tensor([audio_prompt(frames, name) for name in tasks], device=parts.device)
        x = parts.model.embed(prompts, features.expand(len(tasks), -1, -1), [frames] * len(tasks))
        steps = prompts.shape[-1]
        positions = torch.arange(steps, device=parts.device).expand(len(tasks), steps)
        hidden = parts.model(x, self.cache, torch.tensor(slots, device=parts.device), positions)
        generation = _Generation(task, slots, steps, reply, speaks=task == "A1A2")
        if generation.speaks:
            generation.resampler = StreamResampler(SNAC_RATE, self.rate)
        self._take(generation, hidden[:1], hidden[-1:])
        return generation

    def _whisper(self, samples: np.ndarray, rate: int) -> torch.Tensor:
        parts = self.parts
        audio = samples.astype(np.float32) / 32768 if samples.dtype == np.int16 else samples.astype(np.float32)
        mel = parts.features(audio, sampling_rate=rate, return_tensors="pt").input_features
        return parts.whisper(mel.to(parts.device, parts.dtype)).last_hidden_state

    def _step(self) -> None:
        parts, active = self.parts, self._active
        rows, slots, positions = [], [], []
        for generation in active:
            for index, slot in enumerate(generation.slots):
                rows.append(self._next_input(generation, speaking=generation.speaks and index == 0))
                slots.append(slot)
                positions.append(generation.position)
        ids = torch.tensor(rows, device=parts.device)[:, :, None]
        hidden = parts.model(
            parts.model.embed(ids), self.cache, torch.tensor(slots, device=parts.device),
            torch.tensor(positions, device=parts.device)[:, None],
        )  # fmt: skip
        self.steps_batched.append(len(active))
        row = 0
        for generation in list(active):
            count = len(generation.slots)
            generation.position += 1
            if generation.reply.cancelled:
                self._end(generation)
                row += count
                continue
            try:
                self._take(generation, hidden[row : row + 1], hidden[row + count - 1 : row + count])
            except Exception as error:
                log.exception("a mini-omni reply failed")
                self._end(generation, error)
            row += count

    def _next_input(self, generation: _Generation, speaking: bool) -> list[int]:
        text = generation.text[-1]
        if speaking:
            return [layershift(generation.audio[layer][-1], layer) for layer in range(AUDIO_ROWS)] + [text]
        return [layershift(PAD_A, layer) for layer in range(AUDIO_ROWS)] + [text]

    def _take(self, generation: _Generation, speaking_hidden, writing_hidden) -> None:
        """Sample this step's tokens, keep them, send what is complete; end the reply where it ends."""
        model = self.parts.model
        text_logits = model.text_logits(writing_hidden)
        text_logits[:, EOT + 1 :] = -torch.inf  # only words and end-of-text are answers
        token = int(self.sampler(text_logits)[0])
        if generation.text_ended:
            token = PAD_T
        else:
            generation.text_logprobs.append(float(text_logits[0].log_softmax(-1)[token]))
        if generation.speaks:
            audio_logits = model.audio_logits(speaking_hidden)[0]
            audio_logits[:, EOA + 1 :] = -torch.inf  # codes and end-of-audio only
            codes = [int(code) for code in self.sampler(audio_logits)]
            if codes[-1] == EOA or len(generation.audio[0]) >= self.longest_frames + AUDIO_ROWS:
                self._end(generation)
                return
            for layer, code in enumerate(codes):
                generation.audio[layer].append(code)
        generation.text.append(token)
        generation.steps += 1
        if token == EOT:
            generation.text_ended = True
        self._send_words(generation)
        if generation.speaks:
            self._send_audio(generation)
        elif generation.text_ended or len(generation.text) >= LONGEST_TEXT:
            self._end(generation)
            return
        if generation.position >= self.cache.length - 1:
            self._end(generation)

    def _complete_frames(self, generation: _Generation) -> int:
        return max(0, len(generation.audio[0]) - AUDIO_ROWS)

    def _frame(self, generation: _Generation, index: int) -> list[int]:
        return [generation.audio[layer][index + layer + 1] for layer in range(AUDIO_ROWS)]

    def _send_audio(self, generation: _Generation, flush: bool = False) -> None:
        complete = self._complete_frames(generation)
        due = FIRST_FRAMES if generation.frames_sent == 0 else STRIDE
        if complete - generation.frames_sent < (1 if flush else due):
            if flush:
                generation.reply.events.put(("audio", generation.resampler.feed(np.zeros(0, np.float32), last=True)))
            return
        start = max(0, generation.frames_sent - LEFT_CONTEXT)
        frames = [self._frame(generation, index) for index in range(start, complete)]
        audio = self._decode(frames)[(generation.frames_sent - start) * SAMPLES_PER_FRAME :]
        generation.frames_sent = complete
        generation.reply.events.put(("audio", generation.resampler.feed(audio, last=flush)))

    def _decode(self, frames: list[list[int]]) -> np.ndarray:
        """SNAC's audio for whole frames (a frame with any id past the codebook — only random weights make one —
        is silence)."""
        valid = [frame if max(frame) < AUDIO_CODES else None for frame in frames]
        levels: tuple[list[int], list[int], list[int]] = ([], [], [])
        for frame in valid:
            for level, codes in zip(levels, frame_codes(frame or [0] * AUDIO_ROWS), strict=True):
                level.extend(codes)
        device = self.parts.device
        codes = [torch.tensor([level], device=device) for level in levels]
        audio = self.parts.snac.decode(codes)[0, 0].float().cpu().numpy()
        for index, frame in enumerate(valid):
            if frame is None:
                audio[index * SAMPLES_PER_FRAME : (index + 1) * SAMPLES_PER_FRAME] = 0
        return audio

    def _send_words(self, generation: _Generation) -> None:
        words = self._words(generation)
        if words != generation.words_sent:
            generation.words_sent = words
            generation.reply.events.put(("text", words))

    def _words(self, generation: _Generation) -> str:
        return self.parts.tokenizer.decode([token for token in generation.text if token < TEXT_IDS]).strip()

    def _end(self, generation: _Generation, error: Exception | None = None) -> None:
        if generation in self._active:
            self._active.remove(generation)
        self._release(generation.slots)
        generation.reply.text_tokens, generation.reply.audio_codes = generation.text, generation.audio
        logprobs = generation.text_logprobs
        generation.reply.confidence = round(math.exp(sum(logprobs) / len(logprobs)), 3) if logprobs else 0.0
        if error is not None:
            generation.reply.events.put(("error", error))
            return
        if generation.speaks:
            self._send_audio(generation, flush=True)
        generation.reply.events.put(("end", self._words(generation)))

    def _release(self, slots: list[int]) -> None:
        with self._lock:
            self._free.extend(slots)
