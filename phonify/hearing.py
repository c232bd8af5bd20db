"""How a persona hears the agent: voice activity on the audio that plays into the call (webrtcvad), cut
into utterances, then recognised with pocketsphinx's bundled English model — the open language model for
a rough transcript, and keyword spotting for the words a persona waits for (`after_hearing`), which the
open model often mangles on phone audio (shared/notes/speech-stack.md §4).
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import webrtcvad

from phonify.voice import RATE, resample

SPEECH_STARTS_AFTER = 3  # voiced 20 ms frames in a row before we call it speech (a click is not)
SPEECH_ENDS_AFTER = 35  # unvoiced frames (700 ms) that end an utterance
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="phonify-hearing")
_local = threading.local()


@dataclass(frozen=True)
class Heard:
    text: str  # the open model's guess
    spotted: frozenset[str]  # listened-for words that keyword spotting found

    def contains(self, word: str) -> bool:
        word = word.lower()
        return word in self.spotted or word in self.text.lower()


class Ear:
    """Fed every 20 ms frame the callee hears; tells `on_start` when the agent starts talking and
    `on_utterance(Heard, started_at)` when it has stopped (`at` is the call's clock). Where `words_known`
    says the words are known already (the agent's marks carry them), nothing is recognised: the utterance is
    reported at once, with no words of its own."""

    def __init__(
        self,
        *,
        listen_for: Iterable[str] = (),
        on_start: Callable[[], None] = lambda: None,
        on_utterance: Callable[[Heard, float], None] = lambda heard, started_at: None,
        transcribe: bool = True,
        words_known: Callable[[], bool] = lambda: False,
    ) -> None:
        self.listen_for = tuple(sorted({word.lower() for word in listen_for}))
        self.words_known = words_known  # true when what was just said is known without recognising it
        self.transcribe = transcribe
        self.on_start, self.on_utterance = on_start, on_utterance
        self.vad = webrtcvad.Vad(2)
        self.speaking = False
        self._voiced_run = 0
        self._quiet_run = 0
        self._frames: list[bytes] = []
        self._started_at = 0.0
        self._rate = RATE
        self._recognising: set[asyncio.Task] = set()

    def hear(self, frame: bytes, rate: int, at: float, silent: bool = False) -> None:
        """One 20 ms frame that played at `at`; `silent` when nothing was playing (skips the VAD)."""
        if silent and not self.speaking and not self._voiced_run:
            return
        voiced = not silent and self._voiced(frame, rate)
        self._rate = rate
        if not self.speaking:
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            self._frames = (self._frames + [frame])[-SPEECH_STARTS_AFTER - 5 :]  # keep the onset
            if self._voiced_run >= SPEECH_STARTS_AFTER:
                self.speaking, self._quiet_run = True, 0
                self._started_at = at - 0.02 * (SPEECH_STARTS_AFTER - 1)
                self.on_start()
            return
        self._frames.append(frame)
        self._quiet_run = 0 if voiced else self._quiet_run + 1
        if self._quiet_run >= SPEECH_ENDS_AFTER:
            self._utterance_ended()

    def _utterance_ended(self) -> None:
        self.speaking, self._voiced_run = False, 0
        audio, self._frames = b"".join(self._frames), []
        if self.words_known():
            self.on_utterance(Heard(text="", spotted=frozenset()), self._started_at)
            return
        task = asyncio.get_running_loop().create_task(self._recognise(audio, self._rate, self._started_at))
        self._recognising.add(task)
        task.add_done_callback(self._recognising.discard)

    async def finish(self) -> None:
        """The call ended: recognise what was being said, and wait for every utterance in hand."""
        if self.speaking and self._frames:
            self._utterance_ended()
        if self._recognising:
            await asyncio.gather(*self._recognising, return_exceptions=True)

    def _voiced(self, frame: bytes, rate: int) -> bool:
        if rate in (8000, 16000, 32000, 48000):
            return self.vad.is_speech(frame, rate)
        return float(np.abs(np.frombuffer(frame, dtype=np.int16)).mean()) > 300  # rates webrtcvad lacks

    async def _recognise(self, audio: bytes, rate: int, started_at: float) -> None:
        heard = await recognise(np.frombuffer(audio, dtype=np.int16), rate, self.listen_for, self.transcribe)
        self.on_utterance(heard, started_at)


async def recognise(samples: np.ndarray, rate: int, listen_for: Iterable[str] = (), transcribe: bool = True) -> Heard:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor, recognise_now, samples, rate, tuple(listen_for), transcribe)


def recognise_now(samples: np.ndarray, rate: int, listen_for: tuple[str, ...] = (), transcribe: bool = True) -> Heard:
    """Blocking recognition of one utterance (phone audio is upsampled: the model is 16 kHz); without
    `transcribe` only the listened-for words are spotted (the open model costs ten times more)."""
    audio = resample(samples, rate, RATE)
    padded = np.concatenate([np.zeros(RATE // 4, np.int16), audio, np.zeros(RATE // 4, np.int16)]).tobytes()
    decoder = _decoder()
    text = ""
    if transcribe:
        decoder.activate_search("_default")
        text = _decode(decoder, padded)
    spotted: set[str] = set()
    known = tuple(word for word in listen_for if all(decoder.lookup_word(part) for part in word.split()))
    if known:
        decoder.activate_search(_keyword_search(decoder, known))
        _decode(decoder, padded)
        spotted = {segment.word.strip() for segment in decoder.seg() or ()}
    return Heard(text=text, spotted=frozenset(spotted))


def _decode(decoder, audio: bytes) -> str:
    decoder.start_utt()
    decoder.process_raw(audio, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr.lower() if hypothesis else ""


def _decoder():
    """One decoder per worker thread (a pocketsphinx decoder is not thread-safe)."""
    if getattr(_local, "decoder", None) is None:
        from pocketsphinx import Decoder

        _local.decoder = Decoder(samprate=RATE, loglevel="FATAL", cmn="batch")
        _local.searches = {}
    return _local.decoder


def _keyword_search(decoder, words: tuple[str, ...]) -> str:
    name = _local.searches.get(words)
    if name is None:
        name = f"kws{len(_local.searches)}"
        with tempfile.NamedTemporaryFile("w", suffix=".kws") as listing:
            for word in words:  # longer phrases can take a looser threshold without false alarms
                listing.write(f"{word} /1e-{min(len(word) + 2, 30)}/\n")
            listing.flush()
            decoder.add_kws(name, listing.name)
        _local.searches[words] = name
    return name
