"""What the model that conducts a call is told and may call: its instructions, built from the script and the
customer's profile; the call's state with each turn (where the call stands, the times on offer and the one read
back); and its tools, whose arguments are read strictly here into what the scripted states understand.

A tool call the contract does not allow (an unknown tool, an hour of 25, a choice that is not on offer) is a
`ToolError`: that turn is answered by the scripted policy instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent.dialogue.actions import Lines
from agent.dialogue.interpretation import PARTS_OF_DAY, InterpretationError, when_said, whole
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import WEEKDAYS, Understood

ENDINGS = ("not_interested", "already_have", "wrong_person", "not_available", "someone_else")
_DAY = {
    "weekday": {"type": ["string", "null"], "enum": [*WEEKDAYS, None], "description": "A day of the week."},
    "day_offset": {"type": ["integer", "null"], "description": "A day from today: 0 today, 1 tomorrow."},
    "month_day": {"type": ["integer", "null"], "description": "A day of the month (the twelfth is 12)."},
}
_CLOCK = {
    "hour": {"type": ["integer", "null"], "description": "24-hour clock: 3 pm is 15."},
    "minute": {"type": ["integer", "null"]},
}
TOOLS = [
    {
        "name": "offer_times",
        "description": (
            "Find free times that fit what the customer asked for (a day, a part of the day, after or before an "
            "hour, next week), or other times when they turned down those on offer. The assistant then says them."
        ),
        "parameters": {
            "type": "object",
            "properties": {
                **_DAY,
                "part_of_day": {"type": ["string", "null"], "enum": [*PARTS_OF_DAY, None]},
                "after_hour": {"type": ["integer", "null"], "description": "Not before this hour (24-hour)."},
                "before_hour": {"type": ["integer", "null"], "description": "Ending before this hour (24-hour)."},
                "next_week": {"type": ["boolean", "null"]},
                "not_these": {"type": ["boolean", "null"], "description": "They turned down the times on offer."},
            },
        },
    },
    {
        "name": "check_time",
        "description": (
            "The customer picked one of the times on offer (choice_index, from 0) or named a day and time: the "
            "assistant checks it is free and reads it back to them (or says the nearest free times)."
        ),
        "parameters": {
            "type": "object",
            "properties": {"choice_index": {"type": ["integer", "null"]}, **_DAY, **_CLOCK},
        },
    },
    {
        "name": "book",
        "description": "Book the time that was read back, now that the customer said yes to it.",
        "parameters": {"type": "object", "properties": {}},
    },
    {
        "name": "callback",
        "description": "The customer asked to be called another time (with the day and time if they said one).",
        "parameters": {"type": "object", "properties": {**_DAY, **_CLOCK}},
    },
    {
        "name": "do_not_call",
        "description": "The customer may want no more calls: the assistant asks them to be sure.",
        "parameters": {"type": "object", "properties": {}},
    },
    {
        "name": "transfer",
        "description": "The customer wants to talk to a person at the office.",
        "parameters": {"type": "object", "properties": {}},
    },
    {
        "name": "end_call",
        "description": (
            "End the call: not_interested (they decline), already_have (they have an appointment), wrong_person "
            "(not the customer's number), not_available (the customer is not there), someone_else (someone "
            "answering for the customer)."
        ),
        "parameters": {
            "type": "object",
            "properties": {"outcome": {"type": "string", "enum": list(ENDINGS)}},
            "required": ["outcome"],
        },
    },
]
TOOL_NAMES = tuple(tool["name"] for tool in TOOLS)


class ToolError(ValueError):
    """A tool call outside its contract."""


@dataclass(frozen=True)
class CallState:
    """Where the call stands, shown to the model with the callee's latest words."""

    now: dt.datetime
    zone: dt.tzinfo
    state: str
    offered: tuple[dt.datetime, ...] = ()
    read_back: dt.datetime | None = None


def instructions(lines: Lines, *, profile: str = "") -> str:
    """The model's standing instructions: the same for the whole call (engines cache them)."""
    facts = "\n".join(f"- {fact}" for fact in lines.facts) or "- (none)"
    answers = "\n".join(f'- If they say "{said}": {answer}' for said, answer in lines.objection_answers.items())
    return "\n".join(
        part
        for part in (
            f"You are {lines.agent_name}, an automated assistant on a phone call for {lines.office_name}. You have "
            f"already greeted {lines.first_name} and said who you are; now you help them set up "
            f"{lines.appointment or 'an appointment'}. Why we call: {lines.purpose}",
            "Speak as on the phone: one or two short, warm sentences at a time, then stop and let them answer. "
            "Never invent a day or a time: use offer_times to find free times and check_time when they pick or "
            "name one; the assistant reads the time back and you call book only after they said yes to that "
            "read-back. If they want no more calls use do_not_call; for a person, transfer; to end, end_call; "
            "to be called another time, callback. Never promise a price, a discount or anything the facts below "
            "do not say; if you do not know, say the office will tell them.",
            f"Tone: {lines.tone}" if lines.tone else "",
            f"Facts the office lets you tell:\n{facts}",
            f"Answers the office wrote for objections:\n{answers}" if answers else "",
            f"About {lines.first_name}: {profile}" if profile else "",
        )
        if part
    )


def state_note(state: CallState) -> str:
    """The call's state, told with each turn."""
    lines = [f"[Now: {state.now.astimezone(state.zone):%A %d %B %Y, %H:%M}. Stage: {_STAGES.get(state.state, '')}"]
    if state.offered:
        lines.append("Times on offer (choice_index: time):")
        lines += [f"{index}: {when_said(moment, state.zone)}" for index, moment in enumerate(state.offered)]
    if state.read_back is not None:
        lines.append(f"Read back, waiting for their yes: {when_said(state.read_back, state.zone)}")
    return "\n".join(lines) + "]"


_STAGES = {
    DialogueState.OFFER: "choosing a time.",
    DialogueState.CONFIRM: "a time was read back; they answer whether to book it.",
    DialogueState.NOT_AVAILABLE: "the customer is not there; when could we call back?",
}


def understood_from_tool(
    name: str, arguments: dict, *, words: str, offered: int, confidence: float | None
) -> Understood:
    """A tool call as what the scripted states understand. `book` is not here: the policy decides it."""
    try:
        return _understood(name, arguments, words=words, offered=offered, confidence=confidence)
    except InterpretationError as error:
        raise ToolError(f"{name}: {error}") from None


def _understood(name: str, arguments: dict, *, words: str, offered: int, confidence: float | None) -> Understood:
    if name == "do_not_call":
        return Understood("opt_out_unsure", words, confidence=confidence)
    if name == "transfer":
        return Understood("ask_person", words, confidence=confidence)
    if name == "end_call":
        outcome = arguments.get("outcome")
        if outcome not in ENDINGS:
            raise ToolError(f"end_call: outcome {outcome!r} is not one of {', '.join(ENDINGS)}")
        return Understood(outcome, words, confidence=confidence)
    if name == "callback":
        return Understood("callback", words, **_day(arguments), **_clock(arguments), confidence=confidence)
    if name == "offer_times":
        if arguments.get("not_these") is True:
            return Understood("no", words, confidence=confidence)
        part = arguments.get("part_of_day")
        if part is not None and part not in PARTS_OF_DAY:
            raise ToolError(f"offer_times: part_of_day {part!r} is not one of {', '.join(PARTS_OF_DAY)}")
        return Understood(
            "choose", words, **_day(arguments), part=part, after=whole(arguments, "after_hour", 0, 23),
            before=whole(arguments, "before_hour", 1, 24), next_week=arguments.get("next_week") is True,
            confidence=0.0,
        )  # fmt: skip
    if name == "check_time":
        choice = whole(arguments, "choice_index", 0, offered - 1)
        if choice is not None:
            return Understood("choose", words, choice=choice, confidence=0.0)
        clock = _clock(arguments)
        if clock["hour"] is None:
            raise ToolError("check_time needs a choice_index or an hour")
        return Understood("choose", words, **_day(arguments), **clock, confidence=0.0)
    raise ToolError(f"there is no tool {name!r}")


def _day(arguments: dict) -> dict:
    weekday = arguments.get("weekday")
    if weekday is not None and str(weekday).lower() not in WEEKDAYS:
        raise ToolError(f"weekday {weekday!r} is not a day of the week")
    return {
        "weekday": WEEKDAYS.index(str(weekday).lower()) if weekday is not None else None,
        "day_offset": whole(arguments, "day_offset", 0, 60),
        "month_day": whole(arguments, "month_day", 1, 31),
    }


def _clock(arguments: dict) -> dict:
    return {"hour": whole(arguments, "hour", 0, 23), "minute": whole(arguments, "minute", 0, 59) or 0}
