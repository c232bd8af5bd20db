"""A short structured summary of each call, from rules over its record (CPU, no model): who answered, what it
came to, the times discussed, the objections raised, the follow-up asked for, and the callee's mood. Written
once the call ends (`calls/call_events.py`'s follow-up); shown on the call and the profile, and a filter and a
report dimension (its fields live in `Call.summary_facts`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import transaction

from calls.models import Call, Turn

OBJECTIONS = {  # the callee's intents (as the agent understood them) that are objections, in words
    "not_interested": "not interested",
    "already_have": "already has one",
    "robot": "asked if it was a robot",
    "how_number": "asked how we got the number",
    "purpose": "asked what it was about",
    "ask_person": "wanted a person",
    "callback": "asked to be called back",
    "not_available": "not available",
    "opt_out": "asked not to be called",
    "opt_out_unsure": "might not want calls",
}
MOODS = ("positive", "neutral", "negative")
# Called with a call's id after its summary from rules is written (on commit): a room above, such as the agent's
# language-model summaries, may do better (registered from its AppConfig.ready, as the dashboard's figures are).
_followers: list[Callable[[object], None]] = []


def summary_follower(follower: Callable[[object], None]) -> Callable[[object], None]:
    if follower not in _followers:
        _followers.append(follower)
    return follower


POSITIVE = {Call.Outcome.BOOKED, Call.Outcome.APPOINTMENT_CONFIRMED, Call.Outcome.RESCHEDULED}
NEGATIVE = {Call.Outcome.DO_NOT_CALL, Call.Outcome.DECLINED, Call.Outcome.HUNG_UP}
DETAILS = re.compile(r"\((?P<details>[^)]*)\)")


def summary_facts(*, call: Call, turns: list[Turn]) -> dict:
    intents = [t.understood.split(" ", 1)[0] for t in turns if t.speaker == Turn.Speaker.CALLEE and t.understood]
    times = []
    for turn in turns:
        if turn.speaker == Turn.Speaker.CALLEE and turn.understood.startswith(("choose", "callback")):
            found = DETAILS.search(turn.understood)
            if found and found.group("details") not in times:
                times.append(found.group("details"))
    objections = list(dict.fromkeys(OBJECTIONS[intent] for intent in intents if intent in OBJECTIONS))
    outcome = call.final_outcome
    if call.answered_by == Call.AnsweredBy.MACHINE:
        who = "an answering machine"
    elif outcome == Call.Outcome.WRONG_PERSON or "wrong_person" in intents or "someone_else" in intents:
        who = "someone else"
    elif call.answered_at is None:
        who = "nobody"
    else:
        who = call.customer.first_name if call.customer and call.customer.first_name else "the caller"
    unclear = intents.count("unclear")
    if outcome in POSITIVE:
        mood = "positive"
    elif outcome in NEGATIVE or "not_interested" in intents or "opt_out" in intents:
        mood = "negative"
    else:
        mood = "neutral"
    follow_up = ""
    if outcome == Call.Outcome.CALLBACK:
        follow_up = "a call back" + (f" ({times[-1]})" if times and intents and intents[-1] == "callback" else "")
    elif outcome == Call.Outcome.TRANSFERRED:
        follow_up = "passed to staff"
    elif outcome == Call.Outcome.MESSAGE_TAKEN:
        follow_up = "a message for staff"
    return {
        "who": who,
        "outcome": Call.Outcome(outcome).label if outcome else "",
        "times_discussed": times,
        "objections": objections,
        "follow_up": follow_up,
        "mood": mood,
        "not_understood": unclear,
    }


def summary_line(facts: dict) -> str:
    parts = [f"{facts['who'].capitalize()}; {facts['outcome'].lower() or 'no outcome'}"]
    if facts["times_discussed"]:
        parts.append("times discussed: " + ", ".join(facts["times_discussed"]))
    if facts["objections"]:
        parts.append("raised: " + ", ".join(facts["objections"]))
    if facts["follow_up"]:
        parts.append("follow-up: " + facts["follow_up"])
    parts.append(f"mood {facts['mood']}")
    return "; ".join(parts) + "."


def call_summary_write(*, call: Call) -> dict:
    """Summarise the ended call from its turns and write it (again, should staff correct the outcome)."""
    facts = summary_facts(call=call, turns=list(call.turns.order_by("index")))
    line = summary_line(facts)
    Call.objects.filter(pk=call.pk).update(summary=line, summary_facts=facts)
    call.summary, call.summary_facts = line, facts
    for follower in _followers:
        transaction.on_commit(lambda follower=follower: follower(call.pk))
    return facts
