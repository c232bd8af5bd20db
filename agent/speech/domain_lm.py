"""A language model of what callees say on these calls, for the recogniser's open search: a word trigram
model with Witten–Bell smoothing and back-off, written in the ARPA format pocketsphinx loads.

Per-state grammars recognise the phrases they hold near-perfectly and nothing else; the generic English
model that ships with pocketsphinx is far too broad for telephone audio. This sits between: it knows the
words and word orders of the calls (the tuning half of the phrasing table, and sentences made from
templates of answers, days, times and fillers — `domain_corpus`), so it accepts orders no grammar foresaw,
while its vocabulary still bounds what it can invent. Its readings are never taken as sure
(`recognizer.py`): a time it hears is read back, an opt-out is asked about.

Never built from the held-out tables.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from agent.speech.tuning_table import tuning_table

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
HOURS = ("one", "two", "three", "four", "five", "nine", "ten", "eleven", "twelve", "noon")
MINUTES = ("", " thirty", " fifteen", " forty five")
ORDINALS = ("first", "second", "third", "last", "earlier", "later")
LEADS = ("", "um ", "uh ", "well ", "oh ", "yeah ", "okay ", "so ", "hmm ", "sorry ", "no ", "yes ")
TAILS = ("", " please", " thanks", " thank you", " works for me", " is fine", " would be great", " that works")
ANSWERS = (
    "yes", "yeah", "yep", "yes speaking", "speaking", "this is she", "this is he", "that's me", "yes it is",
    "correct", "right", "okay", "sure", "sounds good", "that works", "no", "nope", "not really", "hello",
    "hi", "yes hello", "who is this", "who's calling", "what", "sorry", "pardon", "mm hmm", "uh huh",
    "none of those", "neither of those", "i can't", "that doesn't work", "no thanks", "not interested",
    "i'm not interested", "hold on", "one second", "go ahead", "yes please", "perfect", "fine",
)  # fmt: skip
TIMES = (
    "the {ordinal} one", "{day}", "{day} at {hour}{minute}", "{day} {part}", "{day} in the {part}",
    "at {hour}{minute}", "{hour}{minute} on {day}", "how about {day} at {hour}", "what about {day}",
    "can we do {day} at {hour}{minute}", "is {day} at {hour} free", "do you have anything on {day}",
    "next {day}", "next week", "not this week", "something in the {part}", "any time after {hour}",
    "before {hour}", "after {hour}", "tomorrow at {hour}", "today at {hour}", "tomorrow {part}",
    "{day} doesn't work", "not {day}", "i'd prefer {day}", "{day} would be better", "the {ordinal} time",
    "{hour} o'clock", "{hour}{minute} pm", "{hour}{minute} am", "the one on {day}", "the {part} one",
)  # fmt: skip
PARTS = ("morning", "afternoon", "evening")


def domain_corpus() -> list[str]:
    """The sentences the model learns from: the tuning table's phrasings (each twice, they are real
    speech), answers with leads and tails, and times from templates."""
    sentences: list[str] = []
    table = tuning_table()
    for items in table["intents"].values():
        for item in items:
            said = item["say"] if isinstance(item, dict) else str(item)
            sentences += [said.replace("{first_name}", "her")] * 2
    for item in table.get("offer_picks", []):
        sentences.append(re.sub(r"\{(day|weekday)\d\}", "friday", re.sub(r"\{\w+\d\}", "two", item["say"])))
    sentences += [f"{lead}{answer}{tail}" for lead, answer, tail in itertools.product(LEADS[:6], ANSWERS, TAILS[:3])]
    fills = itertools.product(ORDINALS, WEEKDAYS, HOURS, MINUTES[:2], PARTS)
    for index, (ordinal, day, hour, minute, part) in enumerate(fills):
        template = TIMES[index % len(TIMES)]
        lead, tail = LEADS[index % len(LEADS)], TAILS[index % len(TAILS)]
        sentences.append(lead + template.format(ordinal=ordinal, day=day, hour=hour, minute=minute, part=part) + tail)
    return sentences


def words_of(sentence: str) -> list[str]:
    said = sentence.lower().replace("’", "'").replace("-", " ")
    return re.sub(r"[^a-z' ]+", " ", said).split()


def arpa(sentences: Iterable[str], known: Callable[[str], bool] = lambda word: True) -> str:
    """A trigram model of `sentences` (only those whose words all pass `known`), Witten–Bell smoothed, as
    ARPA text."""
    grams: list[Counter] = [Counter(), Counter(), Counter()]
    for sentence in sentences:
        words = words_of(sentence)
        if not words or not all(known(word) for word in words):
            continue
        padded = ["<s>", *words, "</s>"]
        for order in range(3):
            for start in range(len(padded) - order):
                grams[order][tuple(padded[start : start + order + 1])] += 1
    vocabulary = sorted(word for (word,) in grams[0] if word != "<s>")
    total = sum(count for (word,), count in grams[0].items() if word != "<s>")
    unigram = {(word,): (grams[0][(word,)] + 1) / (total + len(vocabulary)) for word in vocabulary}
    probabilities: list[dict] = [unigram, {}, {}]
    for order in (1, 2):
        followers: dict[tuple, Counter] = defaultdict(Counter)
        for gram, count in grams[order].items():
            followers[gram[:-1]][gram[-1]] = count
        for history, after in followers.items():
            seen, kinds = sum(after.values()), len(after)
            for word, count in after.items():
                probabilities[order][(*history, word)] = count / (seen + kinds)
    backoff: list[dict] = [{}, {}]
    for order in (0, 1):  # the weight of each history that has followers
        followers = defaultdict(list)
        for gram in probabilities[order + 1]:
            followers[gram[:-1]].append(gram)
        for history, seen in followers.items():
            left = 1.0 - sum(probabilities[order + 1][gram] for gram in seen)
            lower = 1.0 - sum(_lower(probabilities, gram[1:], backoff) for gram in seen)
            backoff[order][history] = max(left, 1e-9) / max(lower, 1e-9)
    lines = ["\\data\\"]
    counts = [len(probabilities[0]) + 1, len(probabilities[1]), len(probabilities[2])]
    lines += [f"ngram {order + 1}={count}" for order, count in enumerate(counts)]
    lines += ["", "\\1-grams:", f"-99.0000 <s> {math.log10(backoff[0].get(('<s>',), 1.0)):.4f}"]
    for gram, probability in sorted(probabilities[0].items()):
        weight = backoff[0].get(gram)
        lines.append(f"{math.log10(probability):.4f} {gram[0]}" + (f" {math.log10(weight):.4f}" if weight else ""))
    for order in (1, 2):
        lines += ["", f"\\{order + 1}-grams:"]
        for gram, probability in sorted(probabilities[order].items()):
            weight = backoff[order].get(gram) if order < 2 else None
            text = f"{math.log10(probability):.4f} {' '.join(gram)}"
            lines.append(text + (f" {math.log10(weight):.4f}" if weight else ""))
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


def _lower(probabilities: list[dict], gram: tuple, backoff: list[dict]) -> float:
    """P(gram's last word | the rest) by the lower orders, backing off where unseen."""
    order = len(gram) - 1
    if gram in probabilities[order]:
        return probabilities[order][gram]
    return backoff[order - 1].get(gram[:-1], 1.0) * _lower(probabilities, gram[1:], backoff)


@functools.cache
def domain_lm_path(folder: str, known_words: frozenset[str] | None = None) -> str:
    """The model as a file in `folder` (written once per corpus: its name is the corpus's hash)."""
    sentences = domain_corpus()
    digest = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
    path = Path(folder) / f"callee-{digest}.lm"
    if not path.exists():
        known = (lambda word: word in known_words) if known_words is not None else (lambda word: True)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(arpa(sentences, known))
        partial.replace(path)
    return str(path)
