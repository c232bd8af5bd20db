"""What the recogniser may hear, per dialogue state: a JSGF grammar built from the same phrases the
understanding knows, the script (the callee's first name, its opt-out phrases and objections) and the
times on offer. An utterance is a run of pieces (an answer, a time, a filler …), so "no thanks, I'm not
interested" and "yes, Thursday at three works" are both in the grammar.

Beside what is expected, every grammar holds an out-of-grammar path: any run of speech sounds, one "word"
per phone of the acoustic model (OUT_OF_GRAMMAR_WORDS, which the recogniser adds to its dictionary), at a
small prior. A grammar alone always finds *some* path through its own words ("the weather is lovely" →
"well, the third one please"); with this path beside it, words it does not hold come out as phones, and
the recogniser reports them as not understood (`recognizer.py`), so the policy asks again.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.dialogue.states import DialogueState
from agent.speech.tuning_table import tuning_table

HOURS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
MINUTES = {0: "", 15: "fifteen", 30: "thirty", 45: "forty five"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

LEAD = ("um", "uh", "oh", "well", "so", "and", "hmm", "hi", "hello", "sorry", "okay", "yes", "yeah", "no", "actually")
TAIL = ("please", "thanks", "thank you", "for me", "works for me", "would work", "is fine", "that works", "then",
        "is good", "free", "works", "would be great", "sounds good")  # fmt: skip
YES = ("yes", "yeah", "yep", "sure", "speaking", "yes speaking", "that's me", "this is she", "this is he", "it is",
       "yes it is", "correct", "right", "that's right", "okay", "sounds good", "that works", "works for me", "works",
       "that's fine", "fine", "perfect", "please do", "go ahead", "i am", "yes please", "yes that's right",
       "yeah that's right", "yes i did", "yeah i did")  # fmt: skip
NO = ("no", "nope", "not really", "neither", "none of those", "neither of those", "no thanks", "no thank you",
      "that doesn't work", "that does not work", "i can't", "i can't make it")  # fmt: skip
NOT_INTERESTED = ("i'm not interested", "not interested", "i am not interested", "i don't need it",
                  "i don't need that", "not for me")  # fmt: skip
WRONG = ("wrong number", "you have the wrong number", "you've got the wrong number", "no one by that name",
         "nobody by that name", "she doesn't live here", "he doesn't live here", "she's not here", "he's not here",
         "wrong person")  # fmt: skip
WHO = ("who is this", "who's this", "who is calling", "who's calling", "what is this about", "what's this about",
       "what is this regarding", "who are you")  # fmt: skip
REPEAT = ("can you repeat that", "repeat that", "say that again", "can you say that again", "come again", "pardon",
          "what did you say", "sorry what", "i didn't catch that")  # fmt: skip
CALLBACK = ("call me back", "can you call me back", "call me back later", "call back later", "call me later",
            "i'm busy", "i'm busy right now", "this is a bad time", "bad time", "i'm driving", "i'm in a meeting",
            "try", "try again")  # fmt: skip
ASK_PERSON = ("a real person", "can i speak to a real person", "i want to talk to a person", "a human",
              "can i speak to someone", "can i talk to someone", "can i speak to somebody", "a representative",
              "someone else", "put me through to someone")  # fmt: skip
OPT_OUT = ("stop calling", "stop calling me", "don't call me", "don't call me again", "do not call", "do not call me",
           "take me off your list", "take me off", "remove my number", "remove me from your list",
           "never call me again")  # fmt: skip
PARTS = ("morning", "afternoon", "evening", "lunch", "the morning", "the afternoon", "the evening", "after lunch",
         "something in the morning", "something in the afternoon", "in the morning", "in the afternoon")  # fmt: skip
WEEKS = ("next week", "not this week", "later in the week", "the week after", "this week")
CHOICES = ("the first one", "the second one", "the third one", "the last one", "the first", "the second",
           "the third", "the last", "first one", "second one", "third one", "the first option", "the second option",
           "the earlier one", "the later one")  # fmt: skip
# The acoustic model's phones (pocketsphinx en-us), each a one-phone word on the out-of-grammar path
PHONES = tuple(
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split()
)
OUT_OF_GRAMMAR_WORDS = {f"oog{phone.lower()}": phone for phone in PHONES}
# The path's prior against the expected words, and the chance that one phone is followed by another: set in
# trials on the sentences of bench/recognition_cost.py. Priors from 1e-3 to 1e-7 and chances from 0.2 to 0.9
# all did about as well; 1e-10 let about twice as many stray sentences through, 1e-20 nearly all of them.
OUT_OF_GRAMMAR_PRIOR = "1e-5"
OUT_OF_GRAMMAR_GOES_ON = "0.5"
ASKING = ("how about", "what about", "can we do", "can you do", "let's do", "let's say", "i'd like", "do you have",
          "is", "is there anything on", "i prefer", "i'd prefer", "try", "maybe")  # fmt: skip


# The tuning half's sentences that the grammar holds whole, beside its pieces: what people say that is no
# answer to the question (wrong number, not at home, hold on, how did you get my number, an opt-out in other
# words …). Never the held-out halves. Answers and times stay the pieces' job (`<yes>`, `<when>` …).
SENTENCE_INTENTS = ("opt_out", "opt_out_unsure", "wrong_person", "not_available", "someone_else", "robot", "purpose",
                    "how_number", "who", "hold", "repeat", "callback", "already_have", "not_interested",
                    "ask_person", "reject_offered")  # fmt: skip
TIMED_SENTENCE_INTENTS = ("counter_proposal",)


@functools.cache
def tuned_sentences(timed: bool) -> tuple[str, ...]:
    """The tuning table's phrasings of SENTENCE_INTENTS (and, while times are on offer, its counter-
    proposals), whole and sentence by sentence, with "{first_name}" left for the call's name."""
    table = tuning_table()["intents"]
    intents = SENTENCE_INTENTS + (TIMED_SENTENCE_INTENTS if timed else ())
    found = []
    for intent in intents:
        for phrasing in table.get(intent, []):
            said = phrasing["say"] if isinstance(phrasing, dict) else str(phrasing)
            found.append(said)
            found += [part for part in re.split(r"(?<=[.?!,])\s+", said) if len(part.split()) > 1]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Listening:
    """What the agent is listening for now."""

    state: str
    first_name: str = ""
    offered: tuple[dt.datetime, ...] = ()  # local times on offer
    opt_out_phrases: tuple[str, ...] = ()
    objections: tuple[str, ...] = ()
    extra: tuple[str, ...] = field(default=())


def grammar_for(listening: Listening, known: Callable[[str], bool] = lambda word: True) -> str:
    """JSGF for the state; `known(word)` says whether the recogniser's dictionary has a word (phrases with
    a word it lacks — an unusual name — are left out rather than failing the grammar)."""
    name = listening.first_name.lower()
    named = []
    if name:
        named = [f"this is {name}", f"{name} speaking", f"yes this is {name}", f"it's {name}", f"this isn't {name}",
                 f"this is not {name}", f"there's no {name} here", f"is this for {name}"]  # fmt: skip
    timed = listening.state in (
        DialogueState.IDENTIFY,
        DialogueState.OFFER,
        DialogueState.CONFIRM,
        DialogueState.NOT_AVAILABLE,
    )
    rules = {
        "yes": [*YES, *named[:4]],
        "no": NO,
        "refuse": [*NOT_INTERESTED, *WRONG, *named[4:]],
        "ask": [*WHO, *REPEAT, *ASK_PERSON],
        "callback": CALLBACK,
        "optout": [*OPT_OUT, *listening.opt_out_phrases],
        "said": [sentence.replace("{first_name}", name or "them") for sentence in tuned_sentences(timed)],
        "other": [*listening.objections, *listening.extra]
        + (["hello", "hi", "hey", "hello hello", "good morning", "good afternoon", "yes hello"] if not timed else []),
        "lead": LEAD,
        "tail": TAIL,
    }
    core = ["<yes>", "<no> [<refuse>]", "<refuse>", "<ask>", "<optout> [and <optout>]", "<other>", "<said>"]
    if timed:
        rules |= {"part": PARTS, "week": WEEKS, "choice": CHOICES, "offered": _offered(listening), "asking": ASKING}
        core = [
            "<yes> [<when>]",
            "<no> [<refuse> | <when>]",
            "<refuse>",
            "<ask>",
            "<callback> [<day> [in the <partname>]]",
            "<optout> [and <optout>]",
            "<other>",
            "<said>",
            "<when>",
        ]
    else:
        core.append("<callback>")
    lines = [
        "#JSGF V1.0;",
        "grammar call;",
        f"public <utterance> = /1/ <expected> | /{OUT_OF_GRAMMAR_PRIOR}/ <unexpected>;",
        "<expected> = [<lead>] <core> [<tail>];",
        f"<unexpected> = /1/ <sound> | /{OUT_OF_GRAMMAR_GOES_ON}/ <sound> <unexpected>;",
        f"<sound> = {' | '.join(OUT_OF_GRAMMAR_WORDS)};",
    ]
    for rule, items in rules.items():
        usable = sorted({_clean(i) for i in items if _clean(i) and all(known(w) for w in _clean(i).split())})
        if usable:
            lines.append(f"<{rule}> = {' | '.join(usable)};")
        else:  # an empty rule would void every path through it
            core = [choice for choice in core if f"<{rule}>" not in choice]
    when = _time_rules("<offered>" in "".join(lines))
    lines.append(f"<core> = {' | '.join(core)};")
    if timed:
        lines.append(when)
    return "\n".join(lines)


def out_of_grammar(words: str) -> bool:
    """Whether a recognised path went the out-of-grammar way."""
    return any(word in OUT_OF_GRAMMAR_WORDS for word in words.split())


def _time_rules(offered: bool) -> str:
    hours = " | ".join(HOURS)
    days = " | ".join(WEEKDAYS + ("today", "tomorrow"))
    return "\n".join(
        [
            f"<hour> = {hours};",
            "<clock> = <hour> [fifteen | thirty | forty five] [a.m. | p.m. | o'clock] | noon;",
            f"<day> = {days};",
            "<partname> = morning | afternoon | evening;",
            "<when> = [<asking>] ([next] <day> [at <clock> | <partname> | in the <partname>] | at <clock> [on <day>])"
            f" | <part> | <week> [<week>] | <choice>{' | <offered>' if offered else ''};",
        ]
    )


def _offered(listening: Listening) -> list[str]:
    """Each time on offer the ways it may be said back: "thursday at twelve thirty", "twelve thirty"."""
    said = []
    for moment in listening.offered:
        hour = HOURS[(moment.hour % 12 or 12) - 1]
        minute = MINUTES.get(moment.minute, "")
        clock = f"{hour} {minute}".strip()
        day = WEEKDAYS[moment.weekday()]
        said += [f"{day} at {clock}", clock, f"at {clock}", f"{day}"]
    return said


def _clean(phrase: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z' ]+", " ", phrase.lower())).strip()
