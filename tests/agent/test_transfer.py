"""Asking for a person when the script has a transfer number: the agent says it will connect them, the
listener transfers the call through the switch (uuid_transfer to the number), and the agent's fork closing
afterwards does not hang the transferred call up."""

import time

import pytest

from agent.server_thread import AgentThread
from agent.session import Timing
from calls.dialer import dial_run_drive, dial_run_start
from calls.models import Call
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from customers.models import Customer
from phonify.personas import Persona, Turn
from tests.calls.dialing_helpers import ListenerThread, customers_for, fast_policy, pinned_now, start_switch

DESK = "+12025550111"


@pytest.mark.django_db(transaction=True)
def test_a_person_who_asks_for_someone_is_put_through(settings, office, script):
    script.is_default, script.transfer_number = True, DESK
    script.save()
    eve = Persona(
        name="Eve",
        number="+12025550209",
        rings=1,
        turns=(Turn(say="Who is this?"), Turn(say="Can I speak to a real person?")),
        hangup_after=300,
    )
    runner = start_switch([eve], time_scale=0.1)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    agent = AgentThread(clock=pinned_now, timing=Timing(hello=1.0, answer=3.0, beep=1.5)).start()
    listener = ListenerThread(agent_url=agent.url).start()
    fast_policy(office)
    customers_for(office, [eve])
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    try:
        with telephony_open() as telephony:
            dial_run_drive(run=dial_run_start(office=office), telephony=telephony, now=pinned_now, seconds=8, idle=0.1)
        call = Call.objects.get()
        deadline = time.monotonic() + 10
        channel = runner.switch.channels[str(call.uuid)]
        while channel.variables.get("transfer_destination") != DESK:
            assert time.monotonic() < deadline, channel.variables
            time.sleep(0.1)
        time.sleep(1.5)  # the agent's goodbye has played and its fork closed by now
        assert channel.alive  # put through, not hung up
        call.refresh_from_db()
        assert call.outcome == Call.Outcome.TRANSFERRED
        assert "connect you" in call.turns.filter(speaker="agent").last().text
    finally:
        listener.stop()
        agent.stop()
        runner.stop()
