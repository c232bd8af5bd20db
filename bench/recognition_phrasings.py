"""Recognition on people's own words: each phrasing of the phrasing tables, said by a voice, through the
telephone leg (8 kHz μ-law, band-limited: phonify/telephone_line.py), cut as the endpointer would,
recognised with the grammar of the dialogue state it is said in, and understood — the audio half of what
`simulate` judges in text.

    .venv/bin/python bench/recognition_phrasings.py [--sets tune,held_out_2] [--variants sentences,pieces]

Per set: answers understood (the intent the phrasing means), opt-outs heard (as an opt-out, or as "maybe
an opt-out", which the agent asks about) and missed, stray speech acted on (the table's "unrelated" rows
taken for anything but "not understood"), risky readings (anything heard as a choice of time or a yes that
did not mean one, by the grammar: what could lead to a booking — the policy still reads it back unless it
was an outright pick heard with confidence; the open search's readings are guesses, always read back),
and CPU per recognition.

The tuning set is spoken by Piper (the bundled voice); the held-out sets by espeak-ng's en-us+f3, a voice
nothing was tuned on (Piper where espeak-ng is missing). Variants: `pieces` — the grammar before
2026-12-05; `sentences` — the grammar with the tuning table's sentences; `sentences+open` — what the agent
runs: that grammar, and the open search (the domain language model) where it understands nothing.
"Opt-out false alarms" are phrasings that meant something else heard as an opt-out or a maybe-opt-out (the
agent asks "Would you like us to stop calling you?"); "wrong-number false alarms" the same for a wrong
number (it asks "Did you say I have the wrong number?").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TABLES = {"tune": "phrasings.yaml"} | {
    f"held_out{suffix}": f"phrasings_held_out{suffix}.yaml" for suffix in ("", "_2", "_3", "_4", "_5")
}
FIRST_NAME = "Dana"
OFFERS = {"day1": "today", "day2": "tomorrow", "day3": "Friday", "weekday1": "Tuesday", "weekday2": "Wednesday",
          "weekday3": "Friday", "time1": "10:30 AM", "time2": "1 PM", "time3": "9 AM", "hour1": "10:30",
          "hour2": "1", "hour3": "9", "part1": "morning", "part2": "afternoon", "part3": "morning"}  # fmt: skip
OPT_OUT_HEARD = ("opt_out", "opt_out_unsure")  # what the agent acts on or asks about as an opt-out
IDENTIFY = ("yes_identity", "wrong_person", "not_available", "someone_else", "robot", "who", "how_number", "purpose")


def phrasings(name: str) -> list[tuple[str, str, str]]:
    """(state, words, intent meant) for every row of a table."""
    folder = ROOT / ("agent/speech" if name == "tune" else "simulator/personas")
    table = yaml.safe_load((folder / TABLES[name]).read_text())
    rows = []
    for intent, items in table["intents"].items():
        if intent == "accept_offered":
            continue
        for item in items:
            said = (item["say"] if isinstance(item, dict) else str(item)).replace("{first_name}", FIRST_NAME)
            rows.append(("identify" if intent in IDENTIFY else "offer", said, intent))
    rows += [("offer", item["say"].format(**OFFERS), "offer_picks") for item in table.get("offer_picks", [])]
    return rows


def spoken(rows, voice: dict) -> list:
    from phonify.telephone_line import through_the_line
    from phonify.voice import synthesize

    heard = []
    for state, said, intent in rows:
        audio = synthesize(said, voice.get("engine", "piper"), 1.0, 0.667, voice.get("variant", ""))
        heard.append((state, said, intent, _as_endpointed(through_the_line(audio))))
    return heard


def _as_endpointed(audio: np.ndarray) -> np.ndarray:
    loud = np.nonzero(np.abs(audio.astype(np.int32)) > 800)[0]
    return audio[max(0, loud[0] - 1600) : loud[-1] + 5600] if len(loud) else audio


def variant_run(variant: str, heard: list, show: bool = False) -> dict:
    import datetime as dt

    from agent.dialogue.understanding import understand
    from agent.speech import grammars, recognizer
    from agent.speech.grammars import Listening, grammar_for
    from simulator.persona_corpus import UNDERSTOOD_AS

    pieces = variant == "pieces"
    if pieces:
        grammars.tuned_sentences.cache_clear()
        original = grammars.SENTENCE_INTENTS, grammars.TIMED_SENTENCE_INTENTS
        grammars.SENTENCE_INTENTS, grammars.TIMED_SENTENCE_INTENTS = (), ()
    offered = (dt.datetime(2027, 1, 5, 10, 30), dt.datetime(2027, 1, 6, 13, 0), dt.datetime(2027, 1, 8, 9, 0))
    ears = recognizer.SphinxRecognizer(threads=1)
    if variant != "sentences+open":
        ears.open_pass = lambda samples: ""  # the grammar alone
    texts = {state: grammar_for(Listening(state=state, first_name=FIRST_NAME, offered=offered), known=ears.knows)
             for state in ("identify", "offer")}  # fmt: skip
    for text in texts.values():
        ears.recognize(heard[0][3][:1600], text)  # compiled before the clock starts
    if pieces:
        grammars.SENTENCE_INTENTS, grammars.TIMED_SENTENCE_INTENTS = original
        grammars.tuned_sentences.cache_clear()
    counts = {"understood": 0, "answers": 0, "opt_outs": 0, "opt_outs_heard": 0, "stray": 0, "stray_acted_on": 0,
              "risky": 0, "opt_out_false": 0, "wrong_false": 0}  # fmt: skip
    costs, reported = [], []  # missed opt-outs and false alarms, said → heard
    for state, said, intent, audio in heard:
        began = time.process_time()
        recognition = ears.recognize(audio, texts[state])
        costs.append((time.process_time() - began) * 1000)
        got = understand(recognition.understood, first_name=FIRST_NAME).intent
        if show and got != UNDERSTOOD_AS.get(intent, intent):
            print(
                f"    {intent}: {said!r} → {recognition.text!r} ({recognition.confidence:.2f}) as {got}",
                file=sys.stderr,
            )
        if intent == "unrelated":
            counts["stray"] += 1
            counts["stray_acted_on"] += got != "unclear"
        else:
            counts["answers"] += 1
            counts["understood"] += got == UNDERSTOOD_AS.get(intent, intent) or (
                intent == "not_available" and got == "callback"
            )
        heard_as = f"{said!r} → {recognition.text!r} ({recognition.confidence:.2f})"
        if intent == "opt_out":
            counts["opt_outs"] += 1
            counts["opt_outs_heard"] += got in OPT_OUT_HEARD
            if got not in OPT_OUT_HEARD:
                reported.append(f"missed opt-out: {heard_as}")
        opt_out_false = got in OPT_OUT_HEARD and intent not in OPT_OUT_HEARD
        wrong_false = got == "wrong_person" and intent != "wrong_person"
        counts["opt_out_false"] += opt_out_false
        counts["wrong_false"] += wrong_false
        if opt_out_false or wrong_false:
            reported.append(f"false alarm: {intent} {heard_as} as {got}")
        meant_a_time = intent in ("offer_picks", "counter_proposal", "yes_identity", "vague_accept")
        counts["risky"] += (
            got in ("choose", "yes") and not meant_a_time and not recognition.open
        )  # a guess is read back
    costs.sort()
    return counts | {
        "reported": reported,
        "cpu_mean_ms": statistics.mean(costs),
        "cpu_p95_ms": costs[int(len(costs) * 0.95)],
        "cpu_max_ms": costs[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="tune,held_out_2")
    parser.add_argument("--variants", default="pieces,sentences,sentences+open")
    parser.add_argument("--voice", default="", help="piper, or espeak:VARIANT (default: Piper for tune, else en-us+f3)")
    parser.add_argument("--show", action="store_true", help="print every phrasing missed: said → heard")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issetter.settings")
    os.environ.setdefault("DEBUG", "true")
    print("| set | voice | grammar | answers understood | opt-outs heard | stray acted on | risky readings "
          "| opt-out false alarms | wrong-number false alarms | CPU ms mean / p95 / max |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in options.sets.split(","):
        voice = {"engine": "piper"} if name == "tune" else {"engine": "espeak", "variant": "en-us+f3"}
        if options.voice:
            engine, _, variant_name = options.voice.partition(":")
            voice = {"engine": engine, "variant": variant_name}
        heard = spoken(phrasings(name), voice)
        for variant in options.variants.split(","):
            r = variant_run(variant, heard, show=options.show)
            print(
                f"| {name} | {voice.get('variant') or voice['engine']} | {variant} | {r['understood']} / {r['answers']} "
                f"| {r['opt_outs_heard']} / {r['opt_outs']} | {r['stray_acted_on']} / {r['stray']} | {r['risky']} "
                f"| {r['opt_out_false']} | {r['wrong_false']} | {r['cpu_mean_ms']:.0f} / {r['cpu_p95_ms']:.0f} / {r['cpu_max_ms']:.0f} |",
                flush=True,
            )
            for line in r["reported"]:
                print(f"    {variant}: {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
