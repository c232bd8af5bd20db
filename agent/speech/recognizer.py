"""Speech recognition behind a small interface (`Recognizer`): `recognize(samples, grammar)` gives the
words and a confidence, `spot(samples, phrases)` the phrases found anywhere in free speech.

`SphinxRecognizer` is pocketsphinx with its bundled 16 kHz English model. Its open language model is
useless on phone audio, but a grammar of what may be said now is near-perfect (notes/speech-stack.md §4).
Two guards keep words the grammar does not hold from being acted on: the grammar's own out-of-grammar path
(`grammars.py`: when it wins, nothing was understood), and a free phone loop that decodes every utterance
as well: when the grammar's best path scores well below the phone loop's, the confidence falls (under
CONFIDENT) — the policy then asks again instead of acting on a guess.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from agent.dialogue.understanding import GUESSED
from agent.speech.audio import RATE
from agent.speech.domain_lm import domain_lm_path
from agent.speech.grammars import OUT_OF_GRAMMAR_WORDS, out_of_grammar
from agent.speech.recognition import Recognition

PAD = np.zeros(RATE // 5, np.int16)  # 200 ms of silence either side helps the decoder's start and end
EVEN_RATIO = 0.95  # grammar score / phone-loop score where in- and out-of-grammar speech meet (measured)
# Noise words that cost more than the default: otherwise the end of "no thanks, I'm not interested" is taken
# for noise after "no thanks". No lattice at the end of an utterance (bestpath): the best path is read
# straight off the search. Building the lattice of a grammar this size took longer than the search itself,
# most of all after a short word with many ways on ("Yes, speaking.": 388 ms of lattice after 110 ms of
# search); without it a recognition costs half the CPU on average and a sixth at the worst, and answers are
# understood as well, but more stray sentences pass the confidence bar — which the out-of-grammar path stops
# (bench/recognition_cost.py).
GRAMMAR_SEARCH = {"beam": 1e-40, "wbeam": 1e-20, "pbeam": 1e-40, "fillprob": 1e-12, "bestpath": False}
# The narrow beams now and then lose every path through a short answer ("Yes." after silence); such an
# utterance is decoded again with the model's default beams.
WIDE_SEARCH = {"fillprob": 1e-12, "bestpath": False}
SPOT_PHRASE = "/1e-{threshold}/"
WARM_GRAMMAR = "#JSGF V1.0;\ngrammar warm;\npublic <answer> = yes | no;\n"  # loads a decoder, nothing more
GRAMMARS_KEPT = 6  # compiled grammar searches kept per decoder
# Every search here is a grammar, a phone loop or keywords: the decoders load no language model (lm=None),
# which keeps each at about 27 MB instead of 91 MB.


OPEN_CONFIDENCE = GUESSED  # what a reading of the open search is worth: acted on, never sure (the policy reads its
# times back and asks about its opt-outs)


class Recognizer(Protocol):
    def recognize(self, samples: np.ndarray, grammar: str) -> Recognition: ...

    def spot(self, samples: np.ndarray, phrases: tuple[str, ...]) -> set[str]: ...

    def knows(self, word: str) -> bool: ...

    def recognize_later(self, samples: np.ndarray, grammar: str) -> Future: ...

    def spot_later(self, samples: np.ndarray, phrases: tuple[str, ...]) -> Future: ...

    def warm_up(self) -> None: ...


class SphinxRecognizer:
    """Thread-safe: each worker thread has its own decoder (a pocketsphinx decoder is not thread-safe), with
    its grammars compiled once."""

    def __init__(self, threads: int = 2) -> None:
        self._local = threading.local()
        self.threads = threads
        self._work = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="agent-asr")

    def recognize_later(self, samples: np.ndarray, grammar: str) -> Future:
        return self._work.submit(self.recognize, samples, grammar)

    def spot_later(self, samples: np.ndarray, phrases: tuple[str, ...]) -> Future:
        return self._work.submit(self.spot, samples, phrases)

    def warm_up(self) -> None:
        """Load the decoders on each of this recogniser's threads (seconds, once)."""
        barrier = threading.Barrier(self.threads)
        silence = np.zeros(RATE // 2, np.int16)
        jobs = [
            self._work.submit(lambda: (barrier.wait(), self.recognize(silence, WARM_GRAMMAR)))
            for _ in range(self.threads)
        ]
        for job in jobs:
            job.result()

    def recognize(self, samples: np.ndarray, grammar: str) -> Recognition:
        found = self.grammar_pass(samples, grammar)
        recognition = recognition_of(found, self.phone_pass(samples) if found[0] else 0.0)
        return recognition if recognition.understood else open_recognition(self.open_pass(samples), recognition)

    def open_pass(self, samples: np.ndarray) -> str:
        """The open search's words: the domain language model (domain_lm.py), for what no grammar holds."""
        return _normalised(_decode(self._open(), _padded(samples))[0])

    def grammar_pass(self, samples: np.ndarray, grammar: str) -> tuple[str, float]:
        """The grammar's best path: (words, score); ("", 0.0) when it went the out-of-grammar way."""
        decoder = self._decoder()
        audio = _padded(samples)
        decoder.activate_search(self._grammar(decoder, grammar))
        words, grammar_score = _decode(decoder, audio)
        if not words:  # the narrow beams lost every path
            wide = self._decoder(wide=True)
            wide.activate_search(self._grammar(wide, grammar, wide=True))
            words, grammar_score = _decode(wide, audio)
        return ("", 0.0) if out_of_grammar(words) else (words, grammar_score)

    def phone_pass(self, samples: np.ndarray) -> float:
        """The free phone loop's score: what any sounds at all would score (the yardstick for confidence)."""
        return _decode(self._phones(), _padded(samples))[1]

    def spot(self, samples: np.ndarray, phrases: tuple[str, ...]) -> set[str]:
        decoder = self._spotter()
        usable = tuple(sorted({p.lower() for p in phrases if all(decoder.lookup_word(w) for w in p.lower().split())}))
        if not usable:
            return set()
        name = self._local.searches.get(usable)
        if name is None:
            name = self._local.searches[usable] = f"kws{len(self._local.searches)}"
            with tempfile.NamedTemporaryFile("w", suffix=".kws") as listing:
                for phrase in usable:  # longer phrases take a looser threshold without false alarms
                    listing.write(f"{phrase} {SPOT_PHRASE.format(threshold=min(len(phrase) + 2, 30))}\n")
                listing.flush()
                decoder.add_kws(name, listing.name)
        decoder.activate_search(name)
        _decode(decoder, _padded(samples))
        return {segment.word.strip() for segment in decoder.seg() or ()}

    def knows(self, word: str) -> bool:
        return bool(self._decoder().lookup_word(word))

    def _decoder(self, wide: bool = False):
        slot = "wide" if wide else "decoder"
        decoder = getattr(self._local, slot, None)
        if decoder is None:
            from pocketsphinx import Decoder

            search = WIDE_SEARCH if wide else GRAMMAR_SEARCH
            decoder = Decoder(samprate=RATE, loglevel="FATAL", cmn="batch", lm=None, **search)
            for word, phone in OUT_OF_GRAMMAR_WORDS.items():
                decoder.add_word(word, phone, True)
            setattr(self._local, slot, decoder)
            setattr(self._local, f"{slot}_grammars", {})
        return decoder

    def _open(self):
        decoder = getattr(self._local, "open", None)
        if decoder is None:
            from pocketsphinx import Decoder

            decoder = Decoder(samprate=RATE, loglevel="FATAL", cmn="batch", lm=None, **GRAMMAR_SEARCH)
            path = domain_lm_path(str(Path(tempfile.gettempdir()) / "issetter-speech"), dictionary_words())
            decoder.add_lm_file("open", path)
            decoder.activate_search("open")
            self._local.open = decoder
        return decoder

    def _spotter(self):
        decoder = getattr(self._local, "spotter", None)
        if decoder is None:
            from pocketsphinx import Decoder

            decoder = self._local.spotter = Decoder(samprate=RATE, loglevel="FATAL", cmn="batch", lm=None)
            self._local.searches = {}
        return decoder

    def _phones(self):
        """A second decoder holding only the free phone loop (switching one decoder's searches back and
        forth loses accuracy on the grammar)."""
        decoder = getattr(self._local, "phones", None)
        if decoder is None:
            import pocketsphinx
            from pocketsphinx import Decoder

            decoder = Decoder(samprate=RATE, loglevel="FATAL", cmn="batch", lm=None)
            model = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us-phone.lm.bin")
            decoder.add_allphone_file("phones", model)
            decoder.activate_search("phones")
            self._local.phones = decoder
        return decoder

    def _grammar(self, decoder, grammar: str, wide: bool = False) -> str:
        """The grammar's search name on this decoder, compiled once (~50 ms); the GRAMMARS_KEPT used last
        stay compiled (each holds ~10 MB: a grammar differs per dialogue state and times on offer, so an
        unbounded cache grew the workers by hundreds of MB)."""
        known = getattr(self._local, "wide_grammars" if wide else "decoder_grammars")
        key = hashlib.sha1(grammar.encode()).hexdigest()[:16]  # noqa: S324  (a cache key, not security)
        name = known.pop(key, None)
        if name is None:
            while len(known) >= GRAMMARS_KEPT:
                decoder.remove_search(known.pop(next(iter(known))))
            name = f"g{key}"
            decoder.add_jsgf_string(name, grammar)
        known[key] = name  # the most recently used last
        return name


def open_recognition(words: str, grammar: Recognition) -> Recognition:
    """The open search's reading where the grammar understood nothing (the grammar's guess is kept if the
    open search heard nothing either)."""
    return Recognition(words, OPEN_CONFIDENCE, open=True) if words.strip() else grammar


def dictionary_words() -> frozenset[str]:
    """The words of the decoders' pronunciation dictionary ("word(2)" is a second pronunciation)."""
    return _dictionary_words()


@functools.cache
def _dictionary_words() -> frozenset[str]:
    import pocketsphinx

    path = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "cmudict-en-us.dict")
    with open(path, encoding="utf-8") as dictionary:
        return frozenset(line.split(maxsplit=1)[0].split("(")[0] for line in dictionary if line.strip())


def recognition_of(found: tuple[str, float], phone_score: float) -> Recognition:
    words, grammar_score = found
    if not words:
        return Recognition("", 0.0)
    return Recognition(_normalised(words), _confidence(grammar_score, phone_score))


def _padded(samples: np.ndarray) -> bytes:
    return np.concatenate([PAD, samples.astype(np.int16, copy=False), PAD]).tobytes()


def _decode(decoder, audio: bytes) -> tuple[str, float]:
    decoder.start_utt()
    decoder.process_raw(audio, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    if hypothesis is None or not hypothesis.hypstr:
        return "", 0.0
    return hypothesis.hypstr, hypothesis.score


def _confidence(grammar_score: float, phone_score: float) -> float:
    """The grammar's path against the phone loop's (both as the decoder reports them): at EVEN_RATIO 0.5;
    a grammar path clearly better is near 1, clearly worse near 0."""
    if grammar_score <= 0 or phone_score <= 0:
        return 0.0
    margin = math.log(grammar_score) - math.log(phone_score) - math.log(EVEN_RATIO)
    return round(1 / (1 + math.exp(-margin * 30)), 3)


def _normalised(words: str) -> str:
    return " ".join(words.replace("a.m.", "am").replace("p.m.", "pm").split())
