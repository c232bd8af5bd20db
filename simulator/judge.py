"""How `simulate` judges each call against its persona: the outcome and appointment it expects, and the two
errors that hurt people — a **wrong booking** (an appointment the person did not accept: any booking by a
person who accepts no time, or one outside the times it accepts or picked) and a **missed opt-out** (a
person who asked not to be called — an opt-out among its turns, or a yes to "Would you like us to stop
calling you?" — whose number is not on the do-not-call list) — plus how each labelled
turn was understood (an intent confusion table) and the turn latencies, with the worst beside the medians.
Summaries are given for the whole run and for each `expect.set` (the tuning corpus and the held-out one)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
import wave
import zoneinfo
from collections import Counter, defaultdict

from calendars.models import Appointment
from calls.models import Call, QueueEntry
from calls.selectors import call_recording_path
from customers.models import DoNotCallEntry
from phonify.personas import Persona
from simulator.persona_corpus import STOP_QUESTION, UNDERSTOOD_AS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def simulation_report(
    *,
    personas: list[Persona],
    zone: zoneinfo.ZoneInfo,
    reply_gaps: dict[str, list[int]] | None = None,
    picked: dict[str, list[str]] | None = None,
    today: dt.date | None = None,
    said_turns: dict[str, list[int | None]],
) -> dict:
    """Turn latency is read off the saved turns: from the end of the callee's words (where the agent's
    voice activity put it) to the agent's first audio sent. `reply_gaps` (audio mode) add the same as the
    callee hears it, measured at the switch from the end of the person's voiced audio (the synthesiser's
    trailing silence left out) to the agent's audio arriving."""
    rows = [
        _judged(
            persona,
            zone,
            None if reply_gaps is None else reply_gaps.get(persona.number, []),
            (picked or {}).get(persona.number, []),
            today,
            said_turns.get(persona.number, []),
        )
        for persona in personas
    ]
    report = {"personas": rows, "summary": _summary(rows)}
    sets = sorted({row["set"] for row in rows if row["set"]})
    if sets:
        report["summary"]["by_set"] = {name: _summary([row for row in rows if row["set"] == name]) for name in sets}
    return report


def _summary(rows: list[dict]) -> dict:
    latencies = [ms for row in rows for ms in row["turn_latencies_ms"]]
    heard = [ms for row in rows for ms in row.get("heard_latencies_ms", [])]
    confusion: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for meant, understood in row.get("understood", []):
            confusion[meant][understood] += 1
    labelled = sum(sum(counts.values()) for counts in confusion.values())
    right = sum(counts[UNDERSTOOD_AS.get(meant, meant)] for meant, counts in confusion.items())
    return {
        "passed": sum(row["passed"] for row in rows),
        "total": len(rows),
        "pass_rate": round(sum(row["passed"] for row in rows) / len(rows), 3) if rows else None,
        "wrong_bookings": [row["name"] for row in rows if row.get("wrong_booking")],
        "missed_opt_outs": [row["name"] for row in rows if row.get("missed_opt_out")],
        "turns_understood": f"{right}/{labelled}",
        "intent_confusion": {meant: dict(counts.most_common()) for meant, counts in sorted(confusion.items())},
        "turn_latency_p50_ms": round(statistics.median(latencies)) if latencies else None,
        "turn_latency_p95_ms": _p95(latencies),
        "turn_latency_max_ms": max(latencies) if latencies else None,
        "heard_latency_p50_ms": round(statistics.median(heard)) if heard else None,
        "heard_latency_p95_ms": _p95(heard),
        "heard_latency_max_ms": max(heard) if heard else None,
    }


def _p95(samples: list[int]) -> int | None:
    return round(sorted(samples)[max(0, math.ceil(len(samples) * 0.95) - 1)]) if samples else None


def _judged(
    persona: Persona,
    zone: zoneinfo.ZoneInfo,
    gaps: list[int] | None,
    picked: list[str],
    today: dt.date | None,
    said_turns: list[int | None],
) -> dict:
    calls = (
        Call.objects.filter(from_number=persona.number, direction=Call.Direction.INBOUND)
        if persona.calls_in
        else (Call.objects.filter(to_number=persona.number, direction=Call.Direction.OUTBOUND))
    )
    call = calls.order_by("-created_at").first()
    expected = persona.expect.get("outcome", "")
    if call is None:
        entry = QueueEntry.objects.filter(customer__phone=persona.number).order_by("-id").first()
        reason = entry.skip_reason if entry is not None else ""
        return _row(persona, f"not called{': ' + reason if reason else ''}", expected, False)
    appointment = Appointment.objects.filter(source_call_uuid=call.uuid).first()
    if call.outcome == Call.Outcome.RESCHEDULED:  # the appointment they had, moved on this call: judged alike
        appointment = Appointment.objects.filter(customer_id=call.customer_id, status="booked").first()
    turns = list(call.turns.order_by("index").values("speaker", "text", "started_ms", "ended_ms", "understood"))
    wrong_booking = appointment is not None and not _accepted(persona, picked, appointment, zone, today)
    missed_opt_out = (
        asked_not_to_be_called(persona, turns, said_turns)
        and not DoNotCallEntry.objects.filter(office_id=call.office_id, phone=persona.number).exists()
    )
    problems = []
    if wrong_booking:
        problems.append(f"booked {_span(appointment, zone)['start']}, a time the person did not accept")
    if missed_opt_out:
        problems.append("asked not to be called, and the number is not on the do-not-call list")
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
        "wrong_booking": wrong_booking,
        "missed_opt_out": missed_opt_out,
        "understood": _understood(persona, turns, said_turns),
        "problems": problems,
        "appointment": _span(appointment, zone),
        "voicemail_message": call.voicemail_message,
        "transcript": [
            {"speaker": t["speaker"], "text": t["text"], "at_ms": t["started_ms"]}
            | ({"understood": t["understood"]} if t["understood"] else {})
            for t in turns
        ],
        "turn_latencies_ms": latencies,
        "first_response_ms": latencies[0] if latencies else None,
        "heard_latencies_ms": gaps if gaps is not None else latencies,  # the same, as the callee hears it
        "recording_seconds": _recording_seconds(call),
        "flag_reason": call.flag_reason,
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
        "set": str(persona.expect.get("set", "")),
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


def asked_not_to_be_called(persona: Persona, turns: list[dict], said_turns: list[int | None] | None = None) -> bool:
    """An opt-out it said, or a yes it said to "Would you like us to stop calling you?" (its turn that waits to
    hear "stop calling") — said: among `said_turns` where Phonify kept them, else the callee turns after the
    greeting reach it. A person who hung up before its opt-out line (its patience ran out, as under a loaded
    machine with shortened waits) never asked. A person who only hinted ("You called yesterday. And the day
    before.") and was never asked has not asked; that call fails as not understood, not as a missed opt-out."""
    said = set(said_turns) if said_turns is not None else set(range(_callee_turns(turns) - 1))  # less the greeting
    return any(
        index in said and (turn.intent == "opt_out" or (turn.intent == "yes" and STOP_QUESTION in turn.after_hearing))
        for index, turn in enumerate(persona.turns)
    )


def _callee_turns(turns: list[dict]) -> int:
    return sum(turn["speaker"] == "callee" for turn in turns)


def _accepted(
    persona: Persona, picked: list[str], appointment: Appointment, zone: zoneinfo.ZoneInfo, today: dt.date | None
) -> bool:
    """Whether the person agreed to the appointment's time. A persona that states no wishes (the branch
    suite) is judged by its `expect` alone; one with `accepts` windows or picked times, or that expects
    another outcome than a booking, accepted only those times."""
    wishes = bool(persona.accepts) or bool(picked) or any(turn.pick for turn in persona.turns)
    if not wishes:
        return persona.expect.get("outcome", "booked") == "booked"
    start = appointment.starts_at.astimezone(zone)
    if f"{WEEKDAYS[start.weekday()]} {start:%H:%M}" in picked:
        return True
    return any(_in_window(start, window, today) for window in persona.accepts if "offer" not in window)


def _in_window(start: dt.datetime, window: dict, today: dt.date | None) -> bool:
    if window.get("weekday") and WEEKDAYS[start.weekday()] != str(window["weekday"]).lower():
        return False
    if window.get("month_day") and start.day != int(window["month_day"]):
        return False
    if window.get("next_week") and today is not None and start.date() < today + dt.timedelta(days=7 - today.weekday()):
        return False
    if window.get("after") and start.time() < dt.time.fromisoformat(str(window["after"])):
        return False
    return not (window.get("before") and start.time() >= dt.time.fromisoformat(str(window["before"])))


def _understood(persona: Persona, turns: list[dict], said_turns: list[int | None]) -> list[tuple[str, str]]:
    """(meant, understood) for each labelled turn: the callee's turns after the greeting, in order, each
    the persona turn Phonify says it was (a turn said again is labelled again)."""
    heard = [turn for turn in turns if turn["speaker"] == "callee"][1:]
    meant = [None if number is None else persona.turns[number] for number in said_turns[1:]]
    return [
        (turn.intent, (callee["understood"] or "none").split(" (")[0])
        for turn, callee in zip(meant, heard, strict=False)
        if turn is not None and turn.intent
    ]
