"""The whole loop in text mode: the dialer calls Phonify's built-in people over ESL, the listener forks
each answered call to the agent's server, and the agent talks: Maria books Thursday afternoon into the
calendar, Susan declines, James's machine gets the voicemail message after its beep; Linda does not
answer and Robert is busy. Every call ends with its outcome, transcript and profile."""

import zoneinfo
from dataclasses import replace

import pytest

from calendars.models import Appointment
from calls.models import Call, DialRun
from phonify.personas import personas_load
from tests.agent.whole_system import dial_all, whole_system
from tests.calls.dialing_helpers import PINNED

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
FIRST_NAMES = {"maria": "Maria", "james": "James", "linda": "Linda", "robert": "Robert", "susan": "Susan"}


@pytest.fixture
def calling(settings, office, script, colleague):
    personas = personas_load()
    people = [replace(persona, first_name=FIRST_NAMES[persona.name.split("-")[0]]) for persona in personas.values()]
    with whole_system(settings, office, script, people, ring_timeout_seconds=45):  # James lets it ring four times
        yield personas


@pytest.mark.django_db(transaction=True)
def test_the_agent_books_declines_and_leaves_voicemail_through_the_whole_system(calling, office):
    run = dial_all(office, seconds=120)
    assert run.status == DialRun.Status.COMPLETED

    outcomes = {persona.name: Call.objects.get(to_number=number).outcome for number, persona in calling.items()}
    assert outcomes == {persona.name: persona.expect["outcome"] for persona in calling.values()}

    maria = Call.objects.get(customer__first_name="Maria")
    appointment = Appointment.objects.get(source_call_uuid=maria.uuid)
    local = appointment.starts_at.astimezone(NEW_YORK)
    assert local.weekday() == 3 and 12 <= local.hour < 17 and appointment.starts_at > PINNED
    turns = list(maria.turns.order_by("index").values_list("speaker", "text"))
    assert turns[0] == ("callee", "Hello?") and turns[1][0] == "agent" and "Is this Maria?" in turns[1][1]
    assert ("callee", "The second one please.") in turns and "You're all set" in turns[-1][1]
    assert maria.billsec < 6  # the agent hung up after its goodbye, long before Maria would have (12 s here)
    maria.customer.refresh_from_db()
    assert maria.customer.next_appointment_at == appointment.starts_at

    james = Call.objects.get(customer__first_name="James")
    assert james.answered_by == Call.AnsweredBy.MACHINE
    assert "office" in james.voicemail_message and "appointment" in james.voicemail_message
    assert (
        not james.turns.filter(speaker="agent").exclude(text=james.voicemail_message).exists()
    )  # never talked over it
