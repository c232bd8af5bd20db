"""A call session's database work, each step on a worker thread that gives its connection back afterwards
(the pool's threads outlive calls; a connection left open per thread would outlive them too): loading the
call and its policy, and the recording. Turns and what the call came to are written by `calls`
(calls/call_record.py), under the call's row lock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from django.db import connection

from agent.customer_profile import customer_profile
from agent.dialogue.choice import policy_for
from agent.pipeline.recording import CallRecorder
from agent.script_lines import lines_for
from agent.selectors import script_for_call
from agent.tools import CallTools
from calls.models import Call, QueueEntry
from calls.services import call_flag, call_recording_save


async def in_thread(work: Callable, *args, **kwargs):
    """Database work off the event loop, on a worker thread that gives its connection back afterwards (the
    pool's threads outlive calls; a connection left open per thread would outlive them too)."""

    def run():
        try:
            return work(*args, **kwargs)
        finally:
            connection.close()

    return await asyncio.to_thread(run)


def call_load(call_id: str) -> Call | None:
    return (
        Call.objects.select_related("customer", "office", "script", "dial_run", "queue_entry")
        .filter(pk=call_id)
        .first()
    )


def call_policy(call: Call, clock: Callable):
    chosen = script_for_call(call=call)  # a script that fails its checks is set aside, never fails the call
    if chosen.problem:
        call_flag(call_id=call.pk, reason=chosen.problem)
    script = chosen.script
    tools = CallTools(call=call, script=script, clock=clock)
    inbound = call.direction == Call.Direction.INBOUND
    reminder = bool(call.queue_entry_id and call.queue_entry.reason == QueueEntry.Reason.REMINDER)
    lines = lines_for(script=script, customer=call.customer, office=call.office, inbound=inbound, reminder=reminder)
    policy = policy_for(
        script=script, lines=lines, tools=tools, profile=lambda: customer_profile(call.customer, zone=tools.zone)
    )
    policy.speech_model_answers = bool(script is not None and script.speech_model_answers)
    return policy, chosen.voice


def recording_save(call_id, recorder: CallRecorder, frames) -> None:
    call_recording_save(call_id=call_id, wav=recorder.wav(frames))
