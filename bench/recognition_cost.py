"""What one recognition costs and how often it is right: CPU per utterance, answers understood, stray
sentences acted on.

    .venv/bin/python bench/recognition_cost.py [--variants lattice,no-lattice,out-of-grammar-path]

52 sentences in two dialogue states (identify, offer): 37 answers the grammar holds and 15 it does not
("The weather is lovely.", "Ha ha ha.", …). Each is synthesised by Piper at three speeds, cut as the
endpointer would, and heard both as it is and through an 8 kHz telephone leg: 312 utterances. Each is
recognised in this process on one thread (the grammar search, the wide search when the narrow one loses
every path, and the phone loop), and judged by the dialogue's understanding at the recogniser's CONFIDENT bar.

Variants, each the one before plus one change:
- lattice: the decoder builds a word lattice at the end of each utterance and reads the best path from it
  (pocketsphinx's default, as the agent ran before 2026-11-25), no out-of-grammar path in the grammar.
- no-lattice: the best path read straight off the search (bestpath off).
- out-of-grammar-path: the grammar also holds a run of any phones at a small prior (what the agent runs).

Piper's synthesis differs a little from one process to the next, so counts move by a few between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

OFFERED = (dt.datetime(2026, 11, 26, 12, 30), dt.datetime(2026, 11, 26, 15, 0), dt.datetime(2026, 11, 27, 10, 0))
EXPECTED = [  # (state, said, what it means)
    *[("identify", said, "yes") for said in ("Yes, speaking.", "Yes.", "Yeah.", "Yes,", "Speaking.", "That's me.")],
    *[("identify", said, "yes") for said in ("Yes it is.", "This is she.")],
    ("identify", "No.", "no"),
    ("identify", "Who is this?", "who"),
    ("identify", "Who's calling?", "who"),
    ("identify", "Hi, who's this?", "who"),
    ("identify", "Sorry, wrong number.", "wrong_person"),
    ("identify", "No thanks, I'm not interested.", "not_interested"),
    ("identify", "Stop calling me.", "opt_out"),
    ("identify", "Can you call me back later?", "callback"),
    ("identify", "I'm driving right now.", "callback"),
    ("identify", "Can I speak to a real person?", "ask_person"),
    ("identify", "Can you repeat that?", "repeat"),
    *[("offer", said, "choose") for said in ("The first one please.", "The second one.", "Friday works.")],
    *[("offer", said, "choose") for said in ("Thursday afternoon works for me.", "Is Wednesday at 10 free?")],
    *[("offer", said, "choose") for said in ("Something in the morning please.", "Thursday at twelve thirty.")],
    *[("offer", said, "choose") for said in ("Not this week.", "How about Friday at ten?", "Tuesday morning.")],
    *[("offer", said, "yes") for said in ("Yes.", "Sounds good.", "Okay.")],
    *[("offer", said, "no") for said in ("No.", "Neither of those.", "No, neither of those work for me.")],
    ("offer", "Who is this?", "who"),
    ("offer", "Can you repeat that?", "repeat"),
]
STRAY = [
    *[
        ("offer", said)
        for said in ("Bananas.", "Purple.", "The weather is lovely.", "Mm-hm.", "I had pasta for lunch.")
    ],
    *[("offer", said) for said in ("Hold on a second.", "Ha ha ha.", "Whatever, man.", "Let me check my calendar.")],
    *[("identify", said) for said in ("My dog ate my homework yesterday.", "The cat is sleeping.", "Um.", "Hmm.")],
    *[("identify", said) for said in ("What's the weather like?", "Hello?")],
]
SPEEDS = (0.85, 1.0, 1.2)  # Piper's length scale


def utterances():
    from piper.config import SynthesisConfig

    from agent.speech.audio import RATE, resample
    from agent.speech.tts import voice_named

    piper = voice_named("")._piper
    cases = EXPECTED + [(state, said, "unclear") for state, said in STRAY]
    for state, said, meaning in cases:
        for speed in SPEEDS:
            chunks = list(piper.synthesize(said, syn_config=SynthesisConfig(length_scale=speed)))
            audio = _as_endpointed(
                resample(np.concatenate([c.audio_int16_array for c in chunks]), chunks[0].sample_rate, RATE)
            )
            yield state, said, meaning, audio
            yield state, said, meaning, resample(resample(audio, RATE, 8000), 8000, RATE)


def _as_endpointed(audio: np.ndarray) -> np.ndarray:
    """From 0.1 s before the first loud sample to 0.35 s after the last, as the endpointer cuts a turn."""
    loud = np.nonzero(np.abs(audio.astype(np.int32)) > 800)[0]
    return audio[max(0, loud[0] - 1600) : loud[-1] + 5600] if len(loud) else audio


def variant_run(name: str, heard: list) -> dict:
    from agent.dialogue.understanding import understand
    from agent.speech import recognizer
    from agent.speech.grammars import Listening, grammar_for

    lattice = name == "lattice"
    for search in (recognizer.GRAMMAR_SEARCH, recognizer.WIDE_SEARCH):
        search["bestpath"] = lattice
    grammars = {
        state: grammar_for(Listening(state=state, first_name="Maria", offered=OFFERED))
        for state in ("identify", "offer")
    }
    if name != "out-of-grammar-path":
        grammars = {state: _without_out_of_grammar_path(text) for state, text in grammars.items()}
    ears = recognizer.SphinxRecognizer(threads=1)
    for text in grammars.values():
        ears.recognize(heard[0][3][:1600], text)  # compiled before the clock starts
    costs, understood, acted_on_stray, expected = [], 0, 0, 0
    for state, _, meaning, audio in heard:
        began = time.process_time()
        recognition = ears.recognize(audio, grammars[state])
        costs.append((time.process_time() - began) * 1000)
        intent = understand(recognition.understood).intent
        expected += meaning != "unclear"
        understood += meaning != "unclear" and intent == meaning
        acted_on_stray += meaning == "unclear" and intent != "unclear"
    costs.sort()
    return {
        "variant": name,
        "utterances": len(heard),
        "understood": understood,
        "expected": expected,
        "stray_acted_on": acted_on_stray,
        "stray": len(heard) - expected,
        "cpu_mean_ms": statistics.mean(costs),
        "cpu_p95_ms": costs[int(len(costs) * 0.95)],
        "cpu_max_ms": costs[-1],
    }


def _without_out_of_grammar_path(grammar: str) -> str:
    lines = [line for line in grammar.splitlines() if not line.startswith(("<unexpected>", "<sound>"))]
    return "\n".join("public <utterance> = <expected>;" if line.startswith("public") else line for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default="lattice,no-lattice,out-of-grammar-path")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issetter.settings")
    heard = list(utterances())
    print("| variant | answers understood | stray sentences acted on | CPU ms per utterance mean / p95 / max |")
    print("|---|---|---|---|")
    for name in options.variants.split(","):
        r = variant_run(name, heard)
        print(
            f"| {r['variant']} | {r['understood']} / {r['expected']} | {r['stray_acted_on']} / {r['stray']} "
            f"| {r['cpu_mean_ms']:.0f} / {r['cpu_p95_ms']:.0f} / {r['cpu_max_ms']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
