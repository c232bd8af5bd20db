"""A persona-blind stand-in for the model that conducts a call: it sees only what a real model is sent — the
instructions, the conversation and the call's state with the latest words — and never a persona file. It
reads the latest words with a plain reading of its own (the phrase rules, as a small model would read them)
and answers as the instructions ask: a tool for anything about times, callbacks, people and endings, and a
short sentence of its own for questions, drawn from the facts in the instructions."""

from __future__ import annotations

import re

from agent.dialogue.understanding import WEEKDAYS, understand
from tests.agent.fake_chat_stream import Spoken

ENDINGS = {"not_interested", "already_have", "not_available", "someone_else", "wrong_person"}


def conducting_brain(messages: list[dict]) -> Spoken:
    system, latest = messages[0]["content"], messages[-1]["content"]
    words, _, note = latest.rpartition("\n\n[Now:")
    meant = understand(words.strip())
    stage = re.search(r"Stage: ([^\n]*)", note)
    stage = stage.group(1) if stage else ""
    offered = len(re.findall(r"^\d+: ", note, re.MULTILINE))
    intent = meant.intent
    if "read back" in stage:
        if intent == "yes":
            return Spoken(text="Wonderful.", calls=[("book", {})])
        if intent == "no" and not meant.names_a_time:
            return Spoken(text="No problem.", calls=[("offer_times", {"not_these": True})])
    if "not there" in stage:
        if meant.names_a_time:
            return Spoken(calls=[("callback", _day(meant) | _clock(meant))])
        if intent == "no":
            return Spoken(calls=[("end_call", {"outcome": "not_interested"})])
        return Spoken(calls=[("callback", {})])
    if intent == "choose":
        if meant.choice is not None and meant.choice >= 0:
            return Spoken(calls=[("check_time", {"choice_index": meant.choice})])
        if meant.choice is not None:
            return Spoken(calls=[("check_time", {"choice_index": offered + meant.choice})])
        if meant.hour is not None:
            return Spoken(calls=[("check_time", _day(meant) | _clock(meant))])
        found = _day(meant) | {"part_of_day": meant.part, "after_hour": meant.after, "before_hour": meant.before}
        return Spoken(text="Let me look.", calls=[("offer_times", found | {"next_week": meant.next_week})])
    if intent == "yes":
        if offered == 1:
            return Spoken(calls=[("check_time", {"choice_index": 0})])
        return Spoken(text="Which of those times would suit you best?")
    if intent == "no":
        return Spoken(text="No problem.", calls=[("offer_times", {"not_these": True})])
    if intent == "callback":
        return Spoken(calls=[("callback", _day(meant) | _clock(meant) if meant.names_a_time else {})])
    if intent in ENDINGS:
        return Spoken(calls=[("end_call", {"outcome": intent})])
    if intent == "ask_person":
        return Spoken(calls=[("transfer", {})])
    if intent in ("purpose", "who", "how_number"):
        why = re.search(r"Why we call: ([^\n]*)", system)
        return Spoken(text=why.group(1) if why else "I'm calling for the office about an appointment.")
    if words.rstrip().endswith("?"):
        facts = re.findall(r"^- (?!\(none\))(?!If they say)(.*)$", system, re.MULTILINE)
        return Spoken(text=facts[0] if facts else "I'm not sure, but the office can tell you.")
    return Spoken(text="Sorry, I didn't catch that.")


def _day(meant) -> dict:
    return {
        "weekday": WEEKDAYS[meant.weekday] if meant.weekday is not None else None,
        "day_offset": meant.day_offset,
        "month_day": meant.month_day,
    }


def _clock(meant) -> dict:
    return {"hour": meant.hour, "minute": meant.minute} if meant.hour is not None else {}
