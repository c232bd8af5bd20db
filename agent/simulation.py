"""`simulate`'s run: a fresh office in the (isolated) database, Phonify's people from a persona file as its
customers, and the real parts — the dialer through the real ESL client, the telephony listener, the agent —
in this process; then each call judged against the persona's `expect`."""

from __future__ import annotations

import datetime as dt
import math
import statistics
import wave
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from agent.models import Script
from agent.server_thread import AgentThread
from calendars.models import Appointment
from calls.dialer import dial_run_drive, dial_run_start
from calls.models import Call, DialingPolicy, QueueEntry
from calls.queue_services import queue_add_matching
from calls.selectors import call_recording_path
from calls.telephony import telephony_open
from calls.telephony.listener_thread import ListenerThread
from customers.models import ConsentStatus, Customer
from issetter.models import Membership
from issetter.services import member_ensure, office_ensure
from phonify.personas import Persona, personas_load
from phonify.thread import SwitchThread

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def simulation_run(
    *,
    personas_path: str,
    now: dt.datetime | None,
    tz: str,
    text: bool,
    seconds: float = 900,
    concurrency: int = 10,
    agent_url: str = "",
) -> dict:
    """`agent_url`: an agent already serving (its own process, as in production and the latency bench);
    without it one runs in this process."""
    call_command("migrate", verbosity=0)
    personas = personas_load(personas_path)
    office, _ = office_ensure(
        slug="simulation",
        name="Simulation",
        caller_id_number="+12025550100",
        callback_number="+12025550199",
        time_zone=tz,
    )
    member_ensure(office=office, email="staff@simulation.example", role=Membership.Role.SUPERVISOR)
    Script.objects.get_or_create(office=office, name="Default", defaults={"is_default": True})
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={
            "max_concurrent_calls": concurrency,
            "calls_per_second": 5,
            "min_minutes_between_attempts": 0,
            "max_attempts": 1,
        },
    )
    for persona in personas.values():
        Customer.objects.update_or_create(
            office=office,
            phone=persona.number,
            defaults={"first_name": first_name_of(persona), "time_zone": tz, "consent_status": ConsentStatus.EXPRESS},
        )
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    clock: Callable[[], dt.datetime] = (lambda: now) if now else timezone.now
    switch = SwitchThread(
        port=0, personas=personas, text_mode=text, transcribe=False
    )  # the agent's Turns are the record
    switch.start()
    settings.FREESWITCH_ESL_HOST, settings.FREESWITCH_ESL_PORT = "127.0.0.1", switch.switch.port
    agent = None if agent_url else AgentThread(clock=clock).start()
    listener = ListenerThread(agent_url=agent_url or agent.url).start()
    try:
        with telephony_open() as telephony:
            dial_run_drive(run=dial_run_start(office=office), telephony=telephony, now=clock, seconds=seconds, idle=0.2)
    finally:
        listener.stop()
        if agent is not None:
            agent.stop()
        switch.stop()
    heard = None if text else _reply_gaps(switch.switch.channels.values())
    report = simulation_report(personas=list(personas.values()), zone=office.zone, reply_gaps=heard)
    barge_ins = {channel.number: channel.barge_ins for channel in switch.switch.channels.values()}
    for row, persona in zip(report["personas"], personas.values(), strict=True):
        row["barge_ins"] = barge_ins.get(persona.number, [])  # how soon the agent stopped when talked over
    return report


def _reply_gaps(channels) -> dict[str, list[int]]:
    """With audio, latency as the callee hears it (Phonify's clock): from the end of their words to the
    agent's next audio reaching the switch, for people (a machine's greeting waits for its beep)."""
    return {
        channel.number: [round(gap * 1000) for gap in channel.reply_gaps]
        for channel in channels
        if channel.persona is not None and channel.persona.answer == "human"
    }


def first_name_of(persona: Persona) -> str:
    """ "maria-books-thursday" → "Maria" (the persona file may also say `first_name`)."""
    return (persona.expect.get("first_name") or persona.name.split("-")[0]).capitalize()


def simulation_report(
    *, personas: list[Persona], zone: zoneinfo.ZoneInfo, reply_gaps: dict[str, list[int]] | None = None
) -> dict:
    """Turn latency is read off the saved turns: from the end of the callee's words (where the agent's
    voice activity put it) to the agent's first audio sent. `reply_gaps` (audio mode) add the same as the
    callee hears it, measured at the switch from the end of the person's scheduled audio (which ends with
    the synthesiser's own trailing silence) to the agent's audio arriving."""
    rows = [
        _judged(persona, zone, None if reply_gaps is None else reply_gaps.get(persona.number, []))
        for persona in personas
    ]
    latencies = [ms for row in rows for ms in row["turn_latencies_ms"]]
    heard = [ms for row in rows for ms in row.get("heard_latencies_ms", [])]
    return {
        "personas": rows,
        "summary": {
            "passed": sum(row["passed"] for row in rows),
            "total": len(rows),
            "turn_latency_p50_ms": round(statistics.median(latencies)) if latencies else None,
            "turn_latency_p95_ms": _p95(latencies),
            "heard_latency_p50_ms": round(statistics.median(heard)) if heard else None,
            "heard_latency_p95_ms": _p95(heard),
        },
    }


def _p95(samples: list[int]) -> int | None:
    return round(sorted(samples)[max(0, math.ceil(len(samples) * 0.95) - 1)]) if samples else None


def _judged(persona: Persona, zone: zoneinfo.ZoneInfo, gaps: list[int] | None) -> dict:
    call = Call.objects.filter(to_number=persona.number).order_by("-created_at").first()
    expected = persona.expect.get("outcome", "")
    if call is None:
        entry = QueueEntry.objects.filter(customer__phone=persona.number).order_by("-id").first()
        reason = entry.skip_reason if entry is not None else ""
        return _row(persona, f"not called{': ' + reason if reason else ''}", expected, False)
    appointment = Appointment.objects.filter(source_call_uuid=call.uuid).first()
    turns = list(call.turns.order_by("index").values("speaker", "text", "started_ms", "ended_ms"))
    problems = []
    if expected and call.outcome != expected:
        problems.append(f"outcome {call.outcome or 'none'}, expected {expected}")
    problems += _appointment_problems(persona.expect.get("appointment"), appointment, zone)
    for word in persona.expect.get("voicemail_contains") or []:
        if word.lower() not in call.voicemail_message.lower():
            problems.append(f"the voicemail message lacks {word!r}")
    latencies = [
        later["started_ms"] - earlier["ended_ms"]
        for earlier, later in zip(turns, turns[1:], strict=False)
        if earlier["speaker"] == "callee" and later["speaker"] == "agent"
    ]
    if persona.answer != "human":
        latencies = []  # a machine's greeting and the message after its beep are no conversation
    row = _row(persona, call.outcome, expected, not problems)
    row |= {
        "problems": problems,
        "appointment": _span(appointment, zone),
        "voicemail_message": call.voicemail_message,
        "transcript": [{"speaker": t["speaker"], "text": t["text"], "at_ms": t["started_ms"]} for t in turns],
        "turn_latencies_ms": latencies,
        "first_response_ms": latencies[0] if latencies else None,
        "heard_latencies_ms": gaps if gaps is not None else latencies,  # the same, as the callee hears it
        "recording_seconds": _recording_seconds(call),
    }
    return row


def _recording_seconds(call: Call) -> float | None:
    path = call_recording_path(call=call)
    if path is None:
        return None
    with wave.open(str(path)) as recording:
        return round(recording.getnframes() / recording.getframerate(), 1)


def _row(persona: Persona, outcome: str, expected: str, passed: bool) -> dict:
    return {
        "name": persona.name,
        "outcome": outcome,
        "expected": expected,
        "passed": passed,
        "problems": [] if passed else [f"outcome {outcome}, expected {expected}"],
        "appointment": None,
        "voicemail_message": "",
        "transcript": [],
        "turn_latencies_ms": [],
        "first_response_ms": None,
    }


def _span(appointment: Appointment | None, zone) -> dict | None:
    if appointment is None:
        return None
    return {
        "start": appointment.starts_at.astimezone(zone).isoformat(),
        "end": appointment.ends_at.astimezone(zone).isoformat(),
    }


def _appointment_problems(wanted: dict | None, appointment: Appointment | None, zone) -> list[str]:
    """`expect.appointment`: {weekday: thursday, after: "12:00", before: "17:00"} (local start in [after, before))."""
    if not wanted:
        return []
    if appointment is None:
        return ["no appointment was booked"]
    start = appointment.starts_at.astimezone(zone)
    problems = []
    if wanted.get("weekday") and WEEKDAYS[start.weekday()] != str(wanted["weekday"]).lower():
        problems.append(f"booked on a {WEEKDAYS[start.weekday()]}, expected {wanted['weekday']}")
    if wanted.get("after") and start.time() < dt.time.fromisoformat(str(wanted["after"])):
        problems.append(f"booked at {start:%H:%M}, expected from {wanted['after']}")
    if wanted.get("before") and start.time() >= dt.time.fromisoformat(str(wanted["before"])):
        problems.append(f"booked at {start:%H:%M}, expected before {wanted['before']}")
    return problems
