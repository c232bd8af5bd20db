"""What the callee meant, from the words recognised: one intent, and the time details of a choice.

The phrases live in `phrases.py` and the times in `spoken_times.py`; here is the order they are tried in,
chosen so that the costly mistakes cannot happen: an opt-out is heard before anything else (and something
that might be one is asked about, never ignored); a question about the agent comes before a request for a
person; a time that is named and refused ("Thursday doesn't work") is never taken for a choice; and
anything unclear becomes "unclear" — the policy asks again, nothing is booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.dialogue import answer_phrases as answers
from agent.dialogue import phrases
from agent.dialogue import question_phrases as questions
from agent.dialogue.phrases import normalised
from agent.dialogue.spoken_times import NEGATED_PART, WEEKDAYS, time_details

INTENTS = (
    "opt_out", "opt_out_unsure", "deceased", "robot", "someone_else", "not_available", "wrong_person", "how_number",
    "purpose",
    "who", "hold", "repeat", "ask_person", "already_have", "callback", "not_interested", "choose", "yes", "no",
    "hello", "unclear",
)  # fmt: skip
TIME_KEYS = ("choice", "weekday", "day_offset", "month_day", "hour", "part", "after", "before")
# Tried in this order, after the opt-out; the first that matches is the intent
ORDERED = (
    ("opt_out_unsure", phrases.OPT_OUT_UNSURE),
    ("robot", questions.ROBOT),
    ("someone_else", phrases.SOMEONE_ELSE),
    ("not_available", phrases.NOT_AVAILABLE),
    ("wrong_person", phrases.WRONG_PERSON),
    ("how_number", questions.HOW_NUMBER),
    ("purpose", questions.PURPOSE),
    ("who", questions.WHO),
    ("hold", questions.HOLD),
    ("repeat", questions.REPEAT),
    ("ask_person", questions.ASK_PERSON),
    ("already_have", phrases.ALREADY_HAVE),
)
TIMED = ("callback", "not_available", "someone_else")
GUESSED = 0.3  # the confidence of words the recogniser only guessed (its open search): a time they name is read
# back, an opt-out in them asked about  # intents that keep the time details said with them


@dataclass(frozen=True)
class Understood:
    intent: str  # one of INTENTS
    text: str = ""
    choice: int | None = None  # "the second one" → 1; "the last one" → -1
    weekday: int | None = None  # Monday = 0
    day_offset: int | None = None  # today 0, tomorrow 1
    month_day: int | None = None  # "the twelfth" → 12
    hour: int | None = None  # 24-hour clock when am/pm was said or guessed for business hours
    minute: int = 0
    part: str | None = None  # morning, afternoon, evening
    after: int | None = None  # "any time after three" → 15
    before: int | None = None  # "before noon" → 12
    next_week: bool = False
    refused: bool = False  # the time details are what they refused ("Thursday doesn't work")
    confidence: float | None = None  # the recogniser's, with audio; None for words typed or given as text

    @property
    def names_a_time(self) -> bool:
        return any(getattr(self, key) is not None for key in TIME_KEYS) or self.next_week

    @property
    def ordinal_only(self) -> bool:
        """ "The second one", and no day, hour or part of the day with it."""
        return self.choice is not None and all(getattr(self, key) is None for key in TIME_KEYS if key != "choice")

    @property
    def names_a_day(self) -> bool:
        return self.weekday is not None or self.day_offset is not None or self.month_day is not None

    @property
    def label(self) -> str:
        """How it was understood, for the call page: "choose (thursday, 14:00)", "opt_out"."""
        details = []
        if self.choice is not None:
            details.append("the last on offer" if self.choice == -1 else f"offer {self.choice + 1}")
        if self.weekday is not None:
            details.append(WEEKDAYS[self.weekday])
        if self.day_offset is not None:
            details.append({0: "today", 1: "tomorrow"}.get(self.day_offset, f"+{self.day_offset} days"))
        if self.month_day is not None:
            details.append(f"day {self.month_day}")
        if self.hour is not None:
            details.append(f"{self.hour:02d}:{self.minute:02d}")
        if self.part:
            details.append(self.part)
        if self.after is not None:
            details.append(f"after {self.after:02d}:00")
        if self.before is not None:
            details.append(f"before {self.before:02d}:00")
        if self.next_week:
            details.append("next week")
        refused = "refused " if self.refused and details else ""
        return f"{self.intent} ({refused}{', '.join(details)})" if details else self.intent


TAUGHT_CHOICES = {"first": 0, "second": 1, "last": -1}  # taught picks among the times on offer


def understand(
    text: str,
    *,
    opt_out_phrases: tuple[str, ...] = (),
    taught: tuple[tuple[str, str], ...] = (),
    first_name: str = "",
    confidence: float | None = None,
) -> Understood:
    """`taught`: (phrase, meaning) pairs the office taught (agent/teaching.py), tried right after the opt-out
    (which no teaching can hide) — a taught opt-out joins the script's own opt-out phrases."""
    said = normalised(text)

    def meant(intent: str, **details) -> Understood:
        return Understood(intent, text, confidence=confidence, **details)

    if not said:
        return meant("unclear")
    taught_opt_outs = tuple(phrase for phrase, meaning in taught if meaning == "opt_out")
    own = tuple(phrase for phrase in map(normalised, (*opt_out_phrases, *taught_opt_outs)) if phrase)
    if phrases.OPT_OUT.search(said) or any(re.search(rf"\b{re.escape(phrase)}\b", said) for phrase in own):
        return meant("opt_out")
    for phrase, meaning in taught:
        if meaning != "opt_out" and (phrase := normalised(phrase)) and re.search(rf"\b{re.escape(phrase)}\b", said):
            if meaning in TAUGHT_CHOICES:
                return meant("choose", choice=TAUGHT_CHOICES[meaning])
            return meant(meaning, **(time_details(said) if meaning == "callback" else {}))
    when = time_details(said)
    named = any(when[key] is not None for key in TIME_KEYS) or when["next_week"]
    if phrases.DECEASED.search(said):
        return meant("deceased")
    for intent, pattern in ORDERED:
        if intent == "hold" and named and answers.YES.search(said):
            continue  # "Hold on, let me check… today at noon is fine": the time is the answer
        if pattern.search(said):
            return meant(intent, **(when if intent in TIMED else {}))
    name = normalised(first_name)
    if name and _spoken_of(name, said):
        return meant("not_available", **when)
    if name and re.search(rf"\b(?:this is not|it is not|i am not|no) {re.escape(name)}\b", said):
        return meant("wrong_person")
    if answers.NONE_OFFERED.search(said) and not named:
        return meant("no")
    if re.search(r"\bnot (?:really |that |very |at all )?interested\b", said) and not named:
        return meant("not_interested")
    about_times = named and not re.search(r"\b(?:call|ring|buzz)\b|\b(?:try|reach|catch) (?:me|us|again|back)\b", said)
    times_answer = (answers.ALTERNATIVE, answers.REFUSING, answers.NOT_PART, answers.YES)
    if phrases.CALLBACK.search(said) and not (about_times and any(pattern.search(said) for pattern in times_answer)):
        return meant("callback", **when)
    if answers.SIDE_TALK.search(said):
        return meant("unclear")
    if phrases.MAYBE_OPT_OUT.search(said) and phrases.NEGATED.search(said):
        return meant("opt_out_unsure")
    if phrases.NOT_INTERESTED.search(said) and not named:
        return meant("not_interested")
    if named:
        return _a_time(said, when, meant)
    if answers.HELLO.match(said):
        return meant("hello")
    if answers.NO.search(said):
        return meant("no")
    if answers.YES.search(said) or (name and re.search(rf"\b(?:this is|it is|i am) {re.escape(name)}\b", said)):
        return meant("yes")
    if name and re.search(rf"\b{re.escape(name)} (?:speaking|here)\b", said):
        return meant("yes")
    return meant("unclear")


def _spoken_of(name: str, said: str) -> bool:
    """The person asked for is spoken of, not speaking: "Linda's not around", "Grace is tied up", "Walter
    just left" — someone else answered for them."""
    name = re.escape(name)
    if re.search(rf"\b(?:this is|it is|i am) {name}\b|\b{name} (?:is )?(?:speaking|here)\b", said):
        return False
    return bool(
        re.search(
            rf"\b{name} (?:is|not|has|just|went|left|at|out|away|will|can not|stepped|over|down|off|gone|busy|still|"
            rf"already|working|asleep|sleeping|in the)\b",
            said,
        )
    )


def _a_time(said: str, when: dict, meant) -> Understood:
    """A time was named: chosen, or refused — and then perhaps another wanted instead."""
    if NEGATED_PART.search(said):  # "I can't do mornings": the part of the day left is the wish
        return meant("choose", **when)
    proposal = list(answers.PROPOSING.finditer(said))
    if proposal:  # "Ten-thirty today? … How about Thursday instead?": the time proposed last is the one wanted
        instead = time_details(said[proposal[-1].start() :])
        if any(instead[key] is not None for key in TIME_KEYS) or instead["next_week"]:
            if not answers.REFUSING.search(said[proposal[-1].start() :]):
                return meant("choose", **instead)
    if not answers.REFUSING.search(said):
        return meant("choose", **when)
    for alternative in reversed(list(answers.ALTERNATIVE.finditer(said))):
        rest = said[alternative.end() :]
        instead = time_details(rest)
        named_instead = any(instead[key] is not None for key in TIME_KEYS) or instead["next_week"]
        if named_instead and not answers.REFUSING.search(rest):
            return meant("choose", **instead)
    refusals = list(answers.REFUSING.finditer(said))
    last = time_details(said[refusals[-1].end() :])  # "Not today, not tomorrow — Friday."
    if any(last[key] is not None for key in TIME_KEYS) and not phrases.NEGATED.search(said[refusals[-1].end() :]):
        return meant("choose", **last)
    return meant("no", refused=True, **when)


def sounds_like_machine(text: str) -> bool:
    """An answering machine's greeting rather than a person: its typical phrases. A person's "Hello? …
    Hello?" or "Hi, this is Maria, who's calling?" has none of them."""
    return bool(MACHINE.search(normalised(text)))


MACHINE = re.compile(
    r"\b(?:leave (?:a|your) message|after the (?:tone|beep)|not available|can not take your call|"
    r"can not come to the phone|you have reached|voicemail|voice mail|mailbox|record your message)\b"
)
