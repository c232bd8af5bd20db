"""A call session's database work, each step on a worker thread that gives its connection back afterwards
(the pool's threads outlive calls; a connection left open per thread would outlive them too): loading the
call and its policy, turns as they happen, the recording, and the outcome at the end."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from django.db import connection
from django.db.models import Max

from agent.dialogue.choice import policy_for
from agent.pipeline.recording import CallRecorder
from agent.script_lines import lines_for
from agent.selectors import script_for_call
from agent.tools import CallTools
from calls.models import Call, Turn
from calls.services import call_flag, call_recording_save, customer_profile_refresh


async def in_thread(work: Callable, *args):
    """Database work off the event loop, on a worker thread that gives its connection back afterwards (the
    pool's threads outlive calls; a connection left open per thread would outlive them too)."""

    def run():
        try:
            return work(*args)
        finally:
            connection.close()

    return await asyncio.to_thread(run)


def call_load(call_id: str) -> Call | None:
    return Call.objects.select_related("customer", "office", "script", "dial_run").filter(pk=call_id).first()


def call_policy(call: Call, clock: Callable):
    chosen = script_for_call(call=call)  # a script that fails its checks is set aside, never fails the call
    if chosen.problem:
        call_flag(call_id=call.pk, reason=chosen.problem)
    script = chosen.script
    tools = CallTools(call=call, script=script, clock=clock)
    lines = lines_for(script=script, customer=call.customer, office=call.office)
    return policy_for(script=script, lines=lines, tools=tools), chosen.voice


def offers_ahead(policy) -> None:
    tools = _tools_of(policy)
    if tools is not None and hasattr(tools, "offer"):
        tools.offer(count=3)


def offers_release(policy) -> None:
    """The call is over: the times it had on offer may be offered to others (agent/offers_on_the_table.py)."""
    tools = _tools_of(policy)
    if tools is not None and hasattr(tools, "offers_release"):
        tools.offers_release()


def _tools_of(policy):
    return getattr(policy, "tools", None) or getattr(getattr(policy, "scripted", None), "tools", None)


def turn_last_index(call_id) -> int:
    """The index of the call's last saved turn (0: none), so a fork that connects again goes on from it."""
    return Turn.objects.filter(call_id=call_id).aggregate(last=Max("index"))["last"] or 0


def turn_record(call_id, index: int, speaker: str, text: str, started_ms: int, ended_ms: int, confidence) -> None:
    Turn.objects.create(
        call_id=call_id, index=index, speaker=speaker, text=text, started_ms=max(0, started_ms),
        ended_ms=max(0, ended_ms), confidence=confidence,
    )  # fmt: skip


def turn_words_set(call_id, index: int, text: str, confidence: float) -> None:
    Turn.objects.filter(call_id=call_id, index=index).update(text=text, confidence=confidence)


def turn_understood_set(call_id, index: int, understood: str) -> None:
    Turn.objects.filter(call_id=call_id, index=index).update(understood=understood[:120])


def recording_save(call_id, recorder: CallRecorder, frames) -> None:
    call_recording_save(call_id=call_id, wav=recorder.wav(frames))


def call_end_record(call_id, customer_id: int, outcome: str, voicemail_message: str, machine: bool) -> None:
    fields: dict = {}
    if outcome and outcome != Call.Outcome.CALLBACK:  # a callback's outcome is written with its queue entry
        fields["outcome"] = outcome
    if voicemail_message:
        fields |= {"voicemail_message": voicemail_message, "answered_by": Call.AnsweredBy.MACHINE}
    elif machine:
        fields["answered_by"] = Call.AnsweredBy.MACHINE
    if fields:
        Call.objects.filter(pk=call_id).update(**fields)
    customer_profile_refresh(customer_id=customer_id)  # in case the call's end was recorded first
