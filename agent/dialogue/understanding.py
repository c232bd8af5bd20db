"""What the callee meant, from the words recognised: one intent, and the time details of a choice.

Deliberately a small set of phrases per intent (the recogniser is given grammars built from the same
phrases), checked in an order where the costly mistakes cannot happen: an opt-out is heard before anything
else, and nothing unclear ever becomes a booking — it becomes "unclear", and the policy asks again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1}
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "noon": 12,
}  # fmt: skip
PARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "lunch": "afternoon"}

OPT_OUT = ("stop calling", "don't call", "do not call", "take me off", "remove my number", "remove me", "never call")
ASK_PERSON = (
    "real person",
    "a person",
    "a human",
    "someone else",
    "representative",
    "speak to somebody",
    "agent please",
)
WHO = ("who is this", "who's this", "who is calling", "who's calling", "what is this about", "what's this about")
REPEAT = ("repeat", "say that again", "come again", "pardon", "didn't catch", "what did you say")
CALLBACK = ("call me back", "call back", "call me later", "bad time", "busy right now", "in a meeting", "driving")
WRONG = ("wrong number", "wrong person", "no one by that name", "nobody by that name", "doesn't live here",
         "does not live here", "not here", "you have the wrong", "this isn't", "this is not")  # fmt: skip
NOT_INTERESTED = (
    "not interested",
    "no thanks",
    "nope thanks",
    "no thank you",
    "not for me",
    "don't need",
    "do not need",
)
YES = ("yes", "yeah", "yep", "yup", "sure", "speaking", "that's me", "this is", "correct", "right", "okay", "ok",
       "sounds good", "works", "perfect", "fine", "please do", "go ahead", "i am")  # fmt: skip
NO = ("no", "nope", "not really", "neither", "none of", "doesn't work", "don't work", "can't")
LATER_WEEK = ("next week", "not this week", "later in the week", "week after")


@dataclass(frozen=True)
class Understood:
    intent: str  # opt_out, ask_person, who, repeat, callback, wrong_person, not_interested, choose, yes, no, unclear
    text: str = ""
    choice: int | None = None  # "the second one" → 1; "the last one" → -1
    weekday: int | None = None  # Monday = 0
    day_offset: int | None = None  # today 0, tomorrow 1
    hour: int | None = None  # 24-hour clock when am/pm was said or guessed for business hours
    minute: int = 0
    part: str | None = None  # morning, afternoon, evening
    next_week: bool = False

    @property
    def names_a_time(self) -> bool:
        return (
            any(v is not None for v in (self.choice, self.weekday, self.day_offset, self.hour, self.part))
            or self.next_week
        )


def understand(text: str, *, opt_out_phrases: tuple[str, ...] = ()) -> Understood:
    said = " " + re.sub(r"[^a-z0-9:' ]+", " ", text.lower().replace("’", "'")) + " "
    said = re.sub(r"\s+", " ", said)
    if not said.strip():
        return Understood("unclear", text)
    if _has(said, OPT_OUT + tuple(p.lower() for p in opt_out_phrases)):
        return Understood("opt_out", text)
    for intent, phrases in (("ask_person", ASK_PERSON), ("who", WHO), ("repeat", REPEAT)):
        if _has(said, phrases):
            return Understood(intent, text)
    when = _time_details(said)
    if _has(said, CALLBACK):
        return Understood("callback", text, **when)
    if _has(said, WRONG):
        return Understood("wrong_person", text)
    if _has(said, NOT_INTERESTED):
        return Understood("not_interested", text)
    if when["next_week"] or any(when[key] is not None for key in ("choice", "weekday", "day_offset", "hour", "part")):
        return Understood("choose", text, **when)
    if _has(said, NO):
        return Understood("no", text)
    if _has(said, YES):
        return Understood("yes", text)
    return Understood("unclear", text)


def _has(said: str, phrases) -> bool:
    return any(f" {phrase} " in said or said.strip() == phrase for phrase in phrases)


def _time_details(said: str) -> dict:
    found: dict = {"choice": None, "weekday": None, "day_offset": None, "hour": None, "minute": 0, "part": None}
    found["next_week"] = _has(said, LATER_WEEK)
    for word, index in ORDINALS.items():
        if re.search(rf" (the )?{word}( one| option| time)? ", said):
            found["choice"] = index
            break
    for index, day in enumerate(WEEKDAYS):
        if f" {day} " in said or f" {day[:3]} " in said:
            found["weekday"] = index
    if " tomorrow " in said:
        found["day_offset"] = 1
    elif " today " in said or " this afternoon " in said or " this morning " in said:
        found["day_offset"] = 0
    for word, part in PARTS.items():
        if f" {word} " in said:
            found["part"] = part
    clock = re.search(r" (?:at |around |about )?(\d{1,2})(?::(\d{2}))? ?(am|pm|a m|p m|o'clock)? ", said)
    spelled = re.search(
        r" (?:at |around |about )(" + "|".join(NUMBERS) + r")(?: thirty| fifteen| forty five)? ?(am|pm|o'clock)? ", said
    )
    if " noon " in said:
        found["hour"] = 12
    elif clock and (clock.group(3) or said[clock.start() : clock.start() + 4].strip() in ("at", "around", "about")):
        found["hour"], found["minute"] = _hour(int(clock.group(1)), clock.group(3)), int(clock.group(2) or 0)
    elif spelled:
        found["hour"] = _hour(NUMBERS[spelled.group(1)], spelled.group(2))
        tail = said[spelled.start() : spelled.end()]
        found["minute"] = 30 if "thirty" in tail else 15 if "fifteen" in tail else 45 if "forty five" in tail else 0
    if found["hour"] is not None and found["hour"] > 23:
        found["hour"] = None
    return found


def _hour(hour: int, suffix: str | None) -> int:
    """A spoken hour on a 24-hour clock: "3 pm" is 15; a bare 1–6 means the afternoon in business hours."""
    suffix = (suffix or "").replace(" ", "")
    if suffix == "pm" and hour < 12:
        return hour + 12
    if suffix == "am" and hour == 12:
        return 0
    if not suffix.endswith("m") and 1 <= hour <= 6:
        return hour + 12
    return hour


MACHINE = ("leave a message", "after the tone", "after the beep", "not available", "can't take your call",
           "cannot take your call", "can't come to the phone", "you have reached", "you've reached", "voicemail",
           "mailbox")  # fmt: skip


def sounds_like_machine(text: str) -> bool:
    """An answering machine's greeting rather than a person: its typical phrases. A person's "Hello? …
    Hello?" or "Hi, this is Maria, who's calling?" has none of them."""
    said = " " + re.sub(r"\s+", " ", re.sub(r"[^a-z' ]+", " ", text.lower().replace("’", "'"))) + " "
    return _has(said, MACHINE)
