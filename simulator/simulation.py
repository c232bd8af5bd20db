"""`simulate`'s run: a fresh office in the (isolated) database, Phonify's people from a persona file as its
customers, and the real parts — the dialer through the real ESL client, the telephony listener, the agent —
in this process; then each call judged against the persona's `expect`."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from agent.models import Teaching
from agent.server_thread import AgentThread
from calendars.booking import appointment_book
from calendars.services import booking_calendar_of
from calls.dialer import dial_run_drive, dial_run_start
from calls.models import DialingPolicy
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from calls.telephony.listener_thread import ListenerThread
from callscripts.services import script_ensure_default
from customers.models import ConsentStatus, Customer
from issetter.models import Membership
from issetter.services import member_ensure, office_ensure
from phonify.personas import Persona, personas_load
from phonify.thread import SwitchThread
from phonify.voice import speech_made_first, voiced_seconds
from simulator.judge import simulation_report

# People per staff member: each group is called in a run of its own, started by its own staff member, so its
# bookings go to that member's calendar. A few hundred people booking into one calendar would fill the days
# they ask for, which no real office's two weeks look like, and the corpus would measure the calendar.
PEOPLE_PER_CALENDAR = 25
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
    telephone_line: bool = True,
    time_scale: float = 1.0,
    speech_model_answers: bool = False,
    policy: str = "scripted",
    taught: tuple[tuple[str, str], ...] = (),
    voices_first: bool = False,
) -> dict:
    """`agent_url`: an agent already serving (its own process, as in production and the latency bench);
    without it one runs in this process. `voices_first`: every person's words synthesised before the first call
    (with audio), so that the calls do not share the machine with the people's synthesiser."""
    call_command("migrate", verbosity=0)
    personas = personas_load(personas_path)
    if voices_first and not text:
        speech_made_first([(line, persona.voice) for persona in personas.values() for line in persona.lines()])
    office, _ = office_ensure(
        slug="simulation",
        name="Simulation",
        caller_id_number="+12025550100",
        callback_number="+12025550199",
        time_zone=tz,
    )
    member_ensure(office=office, email="staff@simulation.example", role=Membership.Role.SUPERVISOR)
    script = script_ensure_default(office=office)
    if (script.speech_model_answers, script.dialogue_policy) != (speech_model_answers, policy):
        script.speech_model_answers, script.dialogue_policy = speech_model_answers, policy
        script.save(update_fields=["speech_model_answers", "dialogue_policy"])
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={
            "max_concurrent_calls": concurrency,
            "calls_per_second": 5,
            "min_minutes_between_attempts": 0,
            "max_attempts": 1,
        },
    )
    for version, (phrase, meaning) in enumerate(taught, start=1):  # what the office taught, as it would be live
        Teaching.objects.get_or_create(
            office=office, version=version, defaults={"phrase": phrase, "meaning": meaning, "status": "live"}
        )
    for persona in (persona for persona in personas.values() if persona.known):
        Customer.objects.update_or_create(
            office=office,
            phone=persona.number,
            defaults={
                "first_name": first_name_of(persona),
                "last_name": persona.last_name,
                "time_zone": tz,
                "consent_status": ConsentStatus.EXPRESS,
            },
        )
    clock: Callable[[], dt.datetime] = (lambda: now) if now else timezone.now
    today = now.astimezone(office.zone).date() if now else None
    switch = SwitchThread(
        port=0,
        personas=personas,
        text_mode=text,
        transcribe=False,
        today=today,
        telephone_line=telephone_line,
        time_scale=time_scale,
        password=settings.FREESWITCH_ESL_PASSWORD,  # the listener's (a .env from `make run` sets its own)
    )  # the agent's Turns are the record
    switch.start()
    settings.FREESWITCH_ESL_HOST, settings.FREESWITCH_ESL_PORT = "127.0.0.1", switch.switch.port
    agent = None if agent_url else AgentThread(clock=clock).start()
    listener = ListenerThread(agent_url=agent_url or agent.url).start()
    try:
        _appointments_book(office, personas.values(), now=clock())
        outbound = [persona for persona in personas.values() if not persona.calls_in]
        with telephony_open() as telephony:
            _call_in_groups(office, outbound, telephony=telephony, clock=clock, seconds=seconds)
        _calls_in(switch, office, [persona for persona in personas.values() if persona.calls_in], concurrency)
    finally:
        listener.stop()
        if agent is not None:
            agent.stop()
        switch.stop()
    channels = switch.switch.channels.values()
    heard = None if text else _reply_gaps(channels)
    picked = {channel.number: list(channel.picked) for channel in channels}
    said_turns = {channel.number: list(channel.said_turns) for channel in channels}
    report = simulation_report(
        personas=list(personas.values()),
        zone=office.zone,
        reply_gaps=heard,
        picked=picked,
        today=today,
        said_turns=said_turns,
    )
    barge_ins = {channel.number: channel.barge_ins for channel in channels}
    talk_overs = {channel.number: talked_over(channel) for channel in channels}
    for row, persona in zip(report["personas"], personas.values(), strict=True):
        row["barge_ins"] = barge_ins.get(persona.number, [])  # how soon the agent stopped when talked over
        row["talk_overs"] = talk_overs.get(persona.number, 0)  # the agent began while the person was speaking
    return report


def _call_in_groups(office, personas: list[Persona], *, telephony, clock, seconds: float) -> None:
    """One run per group of PEOPLE_PER_CALENDAR people, each started by a staff member of its own."""
    deadline = time.monotonic() + seconds
    for start in range(0, len(personas), PEOPLE_PER_CALENDAR):
        numbers = [persona.number for persona in personas[start : start + PEOPLE_PER_CALENDAR]]
        staff, _ = member_ensure(office=office, email=f"staff{start // PEOPLE_PER_CALENDAR + 1}@simulation.example")
        queue_add_matching(office=office, customers=Customer.objects.filter(office=office, phone__in=numbers))
        run = dial_run_start(office=office, started_by=staff)
        left = deadline - time.monotonic()
        if left <= 0:
            return
        dial_run_drive(run=run, telephony=telephony, now=clock, seconds=left, idle=0.2)


def _appointments_book(office, personas, *, now: dt.datetime) -> None:
    """The appointment a persona already has (`appointment`, office-local), in the office's default calendar."""
    calendar = booking_calendar_of(office=office, user=None)
    for persona in personas:
        if persona.appointment and persona.known:
            starts_at = dt.datetime.fromisoformat(persona.appointment).replace(tzinfo=office.zone)
            customer = Customer.objects.get(office=office, phone=persona.number)
            appointment_book(account=calendar, customer=customer, starts_at=starts_at, now=now)


def _calls_in(switch: SwitchThread, office, personas: list[Persona], concurrency: int) -> None:
    """The personas who call the office, `concurrency` at a time; each waited for until its call has ended."""
    waiting = list(personas)
    while waiting:
        batch, waiting = waiting[:concurrency], waiting[concurrency:]
        channels = [
            switch.switch.channels[switch.call(switch.switch.call_in(persona.number, office.caller_id_number))]
            for persona in batch
        ]
        for channel in channels:
            channel.settled.wait(180)
    time.sleep(1.0)  # the agent's last writes land a moment after the switch is done


def _reply_gaps(channels) -> dict[str, list[int]]:
    """With audio, latency as the callee hears it (Phonify's clock): from the end of their words to the
    agent's next audio reaching the switch, for people (a machine's greeting waits for its beep)."""
    return {
        channel.number: [round(gap * 1000) for gap in channel.reply_gaps]
        for channel in channels
        if channel.persona is not None and channel.persona.answer == "human"
    }


def talked_over(channel, *, pause: float = 0.2) -> int:
    """How often the agent began to speak (its first audio after `pause` s without) while the person's voice was
    sounding — from the first to the last voiced moment of each thing they said."""
    spans = [
        (segment.start, segment.start + voiced_seconds(segment.samples)) for segment in channel.callee_audio.segments
    ]
    starts, last = [], None
    for at, _, _ in channel.agent_frames:
        if last is None or at - last > pause:
            starts.append(at)
        last = at
    return sum(any(begin < at < end for begin, end in spans) for at in starts)


def first_name_of(persona: Persona) -> str:
    """The persona's `first_name` (or `expect.first_name`); else from its name: "maria-books-thursday" → "Maria"."""
    return persona.first_name or (persona.expect.get("first_name") or persona.name.split("-")[0]).capitalize()
