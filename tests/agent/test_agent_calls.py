"""The whole loop in text mode: the dialer calls Phonify's built-in people over ESL, the listener forks
each answered call to the agent's server, and the agent talks: Maria books Thursday afternoon into the
calendar, Susan declines, James's machine gets the voicemail message after its beep; Linda does not
answer and Robert is busy. Every call ends with its outcome, transcript and profile."""

import zoneinfo

import pytest

from agent.server_thread import AgentThread
from agent.session import Timing
from calendars.models import Appointment
from calls.dialer import dial_run_drive, dial_run_start
from calls.models import Call, DialRun
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from customers.models import ConsentStatus, Customer
from phonify.personas import personas_load
from phonify.thread import SwitchThread
from tests.calls.dialing_helpers import PINNED, ListenerThread, fast_policy, pinned_now

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
FIRST_NAMES = {"maria": "Maria", "james": "James", "linda": "Linda", "robert": "Robert", "susan": "Susan"}


@pytest.fixture
def calling(settings, office, script, colleague):
    personas = personas_load()
    runner = SwitchThread(port=0, personas=personas, time_scale=0.1, text_mode=True)
    runner.start()
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    agent = AgentThread(clock=pinned_now, timing=Timing(hello=1.0, answer=3.0, beep=1.5)).start()
    listener = ListenerThread(agent_url=agent.url).start()
    script.is_default = True
    script.save()
    fast_policy(office, ring_timeout_seconds=45)  # James lets it ring four times
    for persona in personas.values():
        Customer.objects.create(
            office=office,
            first_name=FIRST_NAMES[persona.name.split("-")[0]],
            phone=persona.number,
            time_zone="America/New_York",
            consent_status=ConsentStatus.EXPRESS,
        )
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    yield personas
    listener.stop()
    agent.stop()
    runner.stop()


@pytest.mark.django_db(transaction=True)
def test_the_agent_books_declines_and_leaves_voicemail_through_the_whole_system(calling, office):
    with telephony_open() as telephony:
        run = dial_run_drive(
            run=dial_run_start(office=office), telephony=telephony, now=pinned_now, seconds=120, idle=0.1
        )
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
