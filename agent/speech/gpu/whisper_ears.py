"""Whisper's ears: transformers' `WhisperForConditionalGeneration` from a local checkpoint folder (any size,
small.en to large-v3-turbo; never fetched from a hub), the utterances of every call that ends a turn within a
few milliseconds of another decoded as one batch (`BatchRunner`), greedily, with our own loop so each row
stops at its own end and carries its own confidence.

Whisper hears open speech, so there is no grammar: the words go to the policy as they were heard, with
`exp(mean log-probability)` of the tokens as the confidence — what the policy uses to book a named time at
once (≥ SURE) or read it back first. Two guards keep it from inventing words, a known Whisper failing on
noise: a turn Whisper itself scores as "no speech" and decodes with little confidence is nothing heard, and
no turn may decode more tokens than its length allows (a long run of repeated words is a hallucination)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from agent.speech.audio import RATE
from agent.speech.gpu.batching import BatchRunner
from agent.speech.gpu.device import device_and_dtype
from agent.speech.recognition import Recognition

NO_SPEECH = 0.6  # Whisper's own thresholds (its transcribe's defaults): no-speech probability …
LOW_LOGPROB = -1.0  # … together with a mean log-probability under this: nothing was said
TOKENS_PER_SECOND = 8  # people say about 3 words (4 tokens) a second; twice that is the most a turn may decode
TOKENS_LEAST = 12
REMEMBERED = 16  # recent utterances' results, by their samples: a greeting is recognised and spotted in once


class WhisperEars:
    def __init__(
        self, model, processor, *, multilingual: bool, most: int = 16, gather_seconds: float = 0.004,
        most_tokens: int | None = None,
    ) -> None:  # fmt: skip
        """`model` (on its device, in its precision) and `processor` as transformers gives them; `most`: the
        largest batch; `most_tokens`: a cap below the length rule (the bench's typical answer)."""
        self.model, self.processor = model.eval(), processor
        self.device, self.dtype = model.device, model.dtype
        tokenizer, generation = processor.tokenizer, model.generation_config
        self.end = generation.eos_token_id if isinstance(generation.eos_token_id, int) else tokenizer.eos_token_id
        self.prompt = _prompt(tokenizer, multilingual=multilingual)
        self.no_speech = _no_speech_id(tokenizer)
        self.suppress = list(getattr(generation, "suppress_tokens", None) or ())
        self.suppress_first = list(getattr(generation, "begin_suppress_tokens", None) or ()) + [self.end]
        self.longest = min(model.config.max_target_positions - len(self.prompt), most_tokens or 10**6)
        self.runner: BatchRunner[np.ndarray, Recognition] = BatchRunner(
            self.transcribe, most=most, gather_seconds=gather_seconds, name="whisper"
        )
        self._remembered: OrderedDict[bytes, Future] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_folder(cls, folder: str | Path, *, device: str = "", **options) -> WhisperEars:
        """A checkpoint folder as transformers saves one (config, weights, generation config, processor)."""
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        folder = Path(folder)
        if not (folder / "config.json").is_file():
            raise FileNotFoundError(f"No Whisper checkpoint in {folder} (config.json, the weights, the processor).")
        device, dtype = device_and_dtype(device)
        model = WhisperForConditionalGeneration.from_pretrained(folder, local_files_only=True, dtype=dtype)
        processor = WhisperProcessor.from_pretrained(folder, local_files_only=True)
        return cls(model.to(device), processor, multilingual=_multilingual(folder), **options)

    # the Ears interface (agent/speech/backend.py)
    def recognize_later(self, samples: np.ndarray, grammar: str = "") -> Future[Recognition]:
        key = hashlib.blake2b(samples.tobytes(), digest_size=16).digest()
        with self._lock:
            if key in self._remembered:
                self._remembered.move_to_end(key)
                return self._remembered[key]
            future = self._remembered[key] = self.runner.submit(samples)
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return future

    def spot_later(self, samples: np.ndarray, phrases: tuple[str, ...]) -> Future[set[str]]:
        return spotted_later(self.recognize_later(samples), phrases)

    def recognize(self, samples: np.ndarray, grammar: str = "") -> Recognition:
        return self.recognize_later(samples, grammar).result()

    def knows(self, word: str) -> bool:
        return True  # open vocabulary

    def warm_up(self) -> None:
        self.transcribe([np.zeros(RATE, np.int16)])

    def close(self) -> None:
        self.runner.close()

    # the batch
    def transcribe(self, batch: Sequence[np.ndarray]) -> list[Recognition]:
        import torch

        with torch.inference_mode():
            return self._transcribe(batch, torch)

    def _transcribe(self, batch: Sequence[np.ndarray], torch) -> list[Recognition]:
        audio = [samples.astype(np.float32) / 32768 for samples in batch]
        features = self.processor.feature_extractor(audio, sampling_rate=RATE, return_tensors="pt").input_features
        encoded = self.model.model.encoder(features.to(self.device, self.dtype)).last_hidden_state
        rows = len(batch)
        allowed = torch.tensor([_tokens_allowed(len(samples), self.longest) for samples in batch], device=self.device)
        step_input = torch.tensor([self.prompt] * rows, device=self.device)
        said = torch.full((rows, int(allowed.max())), self.end, device=self.device)
        logprob_sum = torch.zeros(rows, device=self.device)
        counted = torch.zeros(rows, device=self.device)
        done = torch.zeros(rows, dtype=torch.bool, device=self.device)
        no_speech = torch.zeros(rows, device=self.device)
        past = None
        for step in range(int(allowed.max())):
            out = self.model(encoder_outputs=(encoded,), decoder_input_ids=step_input, cache=past, use_cache=True)
            past = out.cache
            if step == 0 and self.no_speech is not None:
                no_speech = out.logits[:, 0].float().softmax(-1)[:, self.no_speech]
            logits = out.logits[:, -1].float()
            if self.suppress:
                logits[:, self.suppress] = -math.inf
            if step == 0:
                logits[:, self.suppress_first] = -math.inf
            logprobs = logits.log_softmax(-1)
            chosen = logprobs.argmax(-1)
            chosen = torch.where(done | (step >= allowed), torch.full_like(chosen, self.end), chosen)
            live = ~done
            logprob_sum += torch.where(live, logprobs.gather(1, chosen[:, None])[:, 0], 0.0)
            counted += live.float()
            said[:, step] = chosen
            done |= chosen == self.end
            if bool(done.all()):
                break
            step_input = chosen[:, None]
        mean_logprob = (logprob_sum / counted.clamp(min=1)).tolist()
        return [self._recognition(said[row].tolist(), mean_logprob[row], float(no_speech[row])) for row in range(rows)]

    def _recognition(self, tokens: list[int], mean_logprob: float, no_speech: float) -> Recognition:
        if self.end in tokens:
            tokens = tokens[: tokens.index(self.end)]
        text = self.processor.tokenizer.decode(tokens, skip_special_tokens=True).strip()
        if not text or (no_speech > NO_SPEECH and mean_logprob < LOW_LOGPROB):
            return Recognition("", 0.0)
        return Recognition(text, round(math.exp(mean_logprob), 3))


def _tokens_allowed(samples: int, longest: int) -> int:
    return max(1, min(longest, TOKENS_LEAST + int(samples / RATE * TOKENS_PER_SECOND)))


def _prompt(tokenizer, multilingual: bool) -> list[int]:
    """<|startoftranscript|>, English and transcribe for a multilingual model, no timestamps."""
    names = ["<|startoftranscript|>", *(("<|en|>", "<|transcribe|>") if multilingual else ()), "<|notimestamps|>"]
    return tokenizer.convert_tokens_to_ids(names)


def _multilingual(folder: Path) -> bool:
    """As the checkpoint's generation_config.json says (transformers no longer keeps these keys)."""
    path = folder / "generation_config.json"
    written = json.loads(path.read_text()) if path.is_file() else {}
    return bool(written.get("is_multilingual") or written.get("lang_to_id"))


def _no_speech_id(tokenizer) -> int | None:
    vocabulary = tokenizer.get_vocab()
    return next((vocabulary[name] for name in ("<|nospeech|>", "<|nocaptions|>") if name in vocabulary), None)


def spotted_later(heard: Future[Recognition], phrases: tuple[str, ...]) -> Future[set[str]]:
    """The phrases in the words an open-vocabulary recognition will give (its error passed on)."""
    spotted: Future[set[str]] = Future()

    def found(recognition: Future[Recognition]) -> None:
        if recognition.exception() is not None:
            spotted.set_exception(recognition.exception())
        else:
            spotted.set_result(spotted_in(recognition.result().text, phrases))

    heard.add_done_callback(found)
    return spotted


def spotted_in(text: str, phrases: tuple[str, ...]) -> set[str]:
    """The phrases said in the words, whole words only, whatever the case and punctuation."""
    words = f" {_plain(text)} "
    return {phrase for phrase in phrases if f" {_plain(phrase)} " in words}


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())
