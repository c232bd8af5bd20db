"""What a language model is asked on a call and how its answer is read: the `interpret` function it must
call (its intents are exactly `Understood`'s), the conversation it is shown (what was said, the question
the agent is waiting on, the times on offer), and a strict reading of its arguments into an `Understood`.

Anything outside the function's contract — an unknown intent, a choice that is not one of the times on
offer, an hour of 25 — is an `InterpretationError`, never a guess: the caller then uses the phrase rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent.dialogue.understanding import WEEKDAYS, Understood

INTENTS = (
    "opt_out",
    "ask_person",
    "who",
    "repeat",
    "callback",
    "wrong_person",
    "not_interested",
    "choose",
    "yes",
    "no",
    "unclear",
)
PARTS_OF_DAY = ("morning", "afternoon", "evening")
MAX_DAY_OFFSET = 60

INTERPRET = {
    "name": "interpret",
    "description": "Record what the person on the phone meant by what they just said.",
    "parameters": {
        "type": "object",
        "properties": {
            "intent": {
                "type": "string",
                "enum": list(INTENTS),
                "description": (
                    "opt_out: wants no more calls. ask_person: wants a human. who: asks who is calling or why. "
                    "repeat: asks to hear it again. callback: asks to be called another time. wrong_person: "
                    "is not the person asked for. not_interested: declines. choose: picks or names a time. "
                    "yes / no: answers the question asked. unclear: none of these, or you are not sure."
                ),
            },
            "choice_index": {
                "type": ["integer", "null"],
                "description": "When they pick one of the times on offer: its number in that list (from 0).",
            },
            "weekday": {"type": ["string", "null"], "enum": [*WEEKDAYS, None], "description": "A day they named."},
            "day_offset": {
                "type": ["integer", "null"],
                "description": "A day named relative to today: 0 today, 1 tomorrow.",
            },
            "hour": {"type": ["integer", "null"], "description": "An hour they named, 24-hour clock (3 pm is 15)."},
            "minute": {"type": ["integer", "null"], "description": "Minutes past that hour."},
            "part_of_day": {"type": ["string", "null"], "enum": [*PARTS_OF_DAY, None]},
            "next_week": {"type": ["boolean", "null"], "description": "They want a time next week or later."},
        },
        "required": ["intent"],
    },
}

INSTRUCTIONS = (
    "You interpret one phone call for an office's automated assistant, which is calling a customer to set up "
    "an appointment. You never speak to the customer: you only record, by calling the function interpret, "
    "what the customer meant by their latest words, given the conversation so far and the times on offer. "
    "Use intent unclear rather than guess. Fill choice_index only when they clearly mean one of the times on "
    "offer; otherwise give the day and time they named."
)


class InterpretationError(ValueError):
    """The model's arguments break the function's contract."""


@dataclass(frozen=True)
class Context:
    """What the model is shown besides the words: the agent's question and the times on offer."""

    now: dt.datetime
    zone: dt.tzinfo
    waiting_for: str  # the question the agent asked, in words
    offered: tuple[dt.datetime, ...] = ()


def messages_for(*, history: list[tuple[str, str]], words: str, context: Context) -> list[dict]:
    """The chat messages for one interpretation: instructions, then one message with the call so far, the
    times on offer and the latest words."""
    today = context.now.astimezone(context.zone)
    lines = [f"Today is {today:%A %d %B %Y}, {today:%H:%M} where the office is."]
    if history:
        lines.append("The call so far:")
        lines += [f"{'Assistant' if who == 'agent' else 'Customer'}: {text}" for who, text in history]
    lines.append(f"The assistant is waiting for: {context.waiting_for}")
    if context.offered:
        lines.append("Times on offer (choice_index: time):")
        lines += [f"{index}: {when_said(moment, context.zone)}" for index, moment in enumerate(context.offered)]
    else:
        lines.append("No times are on offer yet.")
    lines.append(f'The customer\'s latest words: "{words}"')
    return [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": "\n".join(lines)}]


def understood_from(arguments: dict, *, words: str, offered: int) -> Understood:
    """The model's `interpret` arguments as an Understood; `offered` is how many times are on offer."""
    intent = arguments.get("intent")
    if intent not in INTENTS:
        raise InterpretationError(f"intent {intent!r} is not one of {', '.join(INTENTS)}")
    choice = whole(arguments, "choice_index", 0, offered - 1)
    weekday_name = arguments.get("weekday")
    if weekday_name is not None and str(weekday_name).lower() not in WEEKDAYS:
        raise InterpretationError(f"weekday {weekday_name!r} is not a day of the week")
    part = arguments.get("part_of_day")
    if part is not None and part not in PARTS_OF_DAY:
        raise InterpretationError(f"part_of_day {part!r} is not one of {', '.join(PARTS_OF_DAY)}")
    next_week = arguments.get("next_week")
    if next_week is not None and not isinstance(next_week, bool):
        raise InterpretationError(f"next_week {next_week!r} is not true or false")
    if choice is not None and intent in ("choose", "yes"):  # exactly one of the times on offer
        return Understood("choose", words, choice=choice)
    return Understood(
        intent,
        words,
        weekday=WEEKDAYS.index(str(weekday_name).lower()) if weekday_name is not None else None,
        day_offset=whole(arguments, "day_offset", 0, MAX_DAY_OFFSET),
        hour=whole(arguments, "hour", 0, 23),
        minute=whole(arguments, "minute", 0, 59) or 0,
        part=part,
        next_week=bool(next_week),
    )


def whole(arguments: dict, name: str, lowest: int, highest: int) -> int | None:
    value = arguments.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InterpretationError(f"{name} {value!r} is not a whole number")
    if not lowest <= value <= highest:
        raise InterpretationError(f"{name} {value!r} is outside {lowest}–{highest}")
    return int(value)


def when_said(moment: dt.datetime, zone: dt.tzinfo) -> str:
    local = moment.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{local:%A %d %B}, {local:%H:%M} ({hour}:{local:%M} {'AM' if local.hour < 12 else 'PM'})"
