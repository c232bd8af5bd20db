"""A calendar API that throttles, then one that falls silent, while people book on live calls: the real
`manage.py agent` and `manage.py telephony_events` processes, Phonify in text mode, and the local Entra ID +
Microsoft Graph server as the staff member's Outlook calendar.

Dana picks a time while Graph answers the event's create 429 with Retry-After: the agent waits it out within
its booking deadline and Dana hears she is booked; Graph holds one event. Eve picks one while Graph answers
nothing: past CALENDAR_BOOKING_DEADLINE_SECONDS the agent tells her the time is held and will be confirmed,
the appointment is kept here ("not in the calendar yet"), and the sync (`manage.py calendar_sync`, a process of
its own) puts it in later — once. Nobody is dialed twice, nobody is left `calling`, no call is lost."""

from __future__ import annotations

import subprocess
import sys

import pytest

from calendars.models import Appointment, CalendarAccount
from calls.models import Call, DialRun, QueueEntry
from phonify.personas import Persona, Turn
from tests.calendars.fakes.microsoft import FakeMicrosoft
from tests.calendars.fakes.tls import ca_pem_path
from tests.calendars.times import soon
from tests.calls.dialing_helpers import customers_for, fast_policy, start_switch
from tests.conftest import TENANT, client_for, microsoft_connect
from tests.faults.call_scene import agent_start, dial_one, listener_start
from tests.faults.conftest import stop
from tests.servers import ROOT, free_port, server_env

pytestmark = pytest.mark.faults

DEADLINE = 4  # the agent's CALENDAR_BOOKING_DEADLINE_SECONDS: room for a 1 s Retry-After on a loaded machine
SLACK = 3  # seconds a loaded 2-core machine may add to the deadline
EVENTS = "/v1.0/me/events"


def booker(name: str, number: str) -> Persona:
    """Says who they are, then takes the first time the agent offers."""
    turns = (Turn("Yes, speaking."), Turn("The first one, please.", after_hearing=("which time",), pick=1))
    return Persona(name=name, number=number, rings=1, turns=turns, hangup_after=600)


DANA = booker("dana", "+12025554101")
EVE = booker("eve", "+12025554102")


def calendar_env(fake: FakeMicrosoft) -> dict[str, str]:
    """The same Outlook for the product's processes."""
    return {
        "MICROSOFT_CLIENT_ID": fake.client_id,
        "MICROSOFT_CLIENT_SECRET": fake.client_secret,
        "MICROSOFT_AUTHORITY_HOST": fake.base,
        "MICROSOFT_TENANT": TENANT,
        "MICROSOFT_GRAPH_URL": fake.graph_base,
        "CALENDAR_CA_BUNDLE": ca_pem_path(),
        "CALENDAR_BOOKING_DEADLINE_SECONDS": str(DEADLINE),
    }


def said_to(switch, person: Persona) -> list[str]:
    """What the person heard the agent say (Phonify's transcript of their line)."""
    (channel,) = [c for c in switch.switch.channels.values() if c.number == person.number]
    return [entry["text"] for entry in channel.transcript if entry["speaker"] == "agent"]


@pytest.mark.django_db(transaction=True)
def test_a_throttled_then_silent_calendar_books_once(settings, microsoft, office, script, colleague, tmp_path):
    now = soon(1, 10)  # the calling rules' and the agent's clock: a weekday morning ahead, New York
    microsoft_connect(client_for(colleague), microsoft)
    outlook = CalendarAccount.objects.get(provider="microsoft")
    switch = start_switch([DANA, EVE], time_scale=0.1)
    settings.FREESWITCH_ESL_PORT = switch.switch.port
    script.is_default = True
    script.save()
    fast_policy(office, max_concurrent_calls=1)
    customers_for(office, [DANA, EVE])
    port, env = free_port(), calendar_env(microsoft)
    agent_log, listener_log = tmp_path / "agent.log", tmp_path / "listener.log"
    agent = agent_start(port, agent_log, now, env)
    listener = listener_start(listener_log, switch_port=switch.switch.port, agent_port=port, env=env)
    try:
        microsoft.fail_next("POST", EVENTS, 429, retry_after=1)  # throttled once, then the create goes through
        runs = [dial_one(office, DANA, now=now)]
        heard_by_dana = said_to(switch, DANA)
        events_after_dana = dict(microsoft.events)

        microsoft.hold_next("*", "/v1.0/me", times=20)  # Graph answers nothing at all
        runs.append(dial_one(office, EVE, now=now))
        heard_by_eve = said_to(switch, EVE)
        eve_waiting = Appointment.objects.get(customer__first_name="eve")
        microsoft.release_holds()
        sync = subprocess.run(
            [sys.executable, "manage.py", "calendar_sync"],
            cwd=ROOT,
            env={**server_env(), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        stop(listener)
        stop(agent)
        switch.stop()

    assert [run.status for run in runs] == [DialRun.Status.COMPLETED] * 2
    calls = {call.customer.first_name: call for call in Call.objects.select_related("customer")}
    assert sorted(calls) == ["dana", "eve"]  # one call each: nobody was dialed twice
    assert all(call.status == Call.Status.ENDED and call.cdr for call in calls.values())  # every end heard
    assert QueueEntry.objects.filter(status=QueueEntry.Status.CALLING).count() == 0

    # Dana: booked through the throttling, told so; the create was tried twice with one transaction id.
    dana = Appointment.objects.get(customer__first_name="dana")
    assert any(line.startswith("You're all set for") for line in heard_by_dana)
    creates = [r for r in microsoft.requests_to("POST", EVENTS) if r.path == EVENTS]
    assert [r.status for r in creates[:2]] == [429, 201]
    assert creates[0].json["transactionId"] == creates[1].json["transactionId"] == dana.provider_transaction_id
    assert list(events_after_dana) == [dana.provider_event_id]

    # Eve: told the time is held; kept here while Graph was silent, put in by the sync.
    assert any(line.startswith("I'm holding") and "will confirm it" in line for line in heard_by_eve)
    assert eve_waiting.provider_event_id == "" and "did not answer" in eve_waiting.provider_error
    pick, reply = list(calls["eve"].turns.order_by("index"))[-2:]
    assert pick.text == "The first one, please." and reply.text.startswith("I'm holding")
    waited = (reply.started_ms - pick.ended_ms) / 1000
    assert DEADLINE - 0.5 < waited < DEADLINE + SLACK  # the booking deadline, not Graph's silence, set her wait
    assert sync.returncode == 0 and "1 sent" in sync.stdout, sync.stdout + sync.stderr
    eve = Appointment.objects.get(customer__first_name="eve")
    assert eve.provider_event_id and eve.provider_error == ""

    assert len(microsoft.events) == 2  # one event per booking: nothing made twice
    for appointment in (dana, eve):
        event = microsoft.events[appointment.provider_event_id]
        assert event["transactionId"] == appointment.provider_transaction_id
        assert appointment.calendar_account_id == outlook.pk and appointment.status == Appointment.Status.BOOKED
        call = calls[appointment.customer.first_name]
        assert (call.outcome, call.flagged, appointment.source_call_uuid) == ("booked", False, call.uuid)
        customer = appointment.customer
        customer.refresh_from_db()
        assert (customer.last_outcome, customer.next_appointment_at) == ("booked", appointment.starts_at)
        assert not QueueEntry.objects.filter(customer=customer, status=QueueEntry.Status.WAITING).exists()
