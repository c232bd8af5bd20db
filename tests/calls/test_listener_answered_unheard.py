"""The listener back after being away (killed, restarting): a call the switch answered while nobody listened is
answered on reconciling — status, answer time and the agent's fork, as its CHANNEL_ANSWER would have done — and
a call still ringing is left as it is. Phonify over TCP, the real greenswitch client, a real fork WebSocket."""

import json
import threading
import time
import uuid

from calls.fork_secret import fork_secret_for
from calls.models import Call
from calls.telephony import OriginateRequest
from calls.telephony.esl import EslTelephony
from calls.telephony.event_socket import event_socket_open
from calls.telephony.listener import EventListener
from customers.models import Customer
from phonify.personas import Persona
from tests.calls.dialing_helpers import start_switch
from tests.phonify.conftest import fork_server

PICKS_UP = Persona(name="a", number="+12025554201", rings=1, hangup_after=500)
KEEPS_RINGING = Persona(name="r", number="+12025554202", answer="no_answer")


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def dialing(office, persona: Persona) -> Call:
    customer = Customer.objects.create(office=office, first_name=persona.name, phone=persona.number)
    return Call.objects.create(office=office, customer=customer, to_number=persona.number, status=Call.Status.DIALING)


def test_a_call_answered_while_nobody_listened_is_answered_and_forked_to_the_agent_on_reconciling(office):
    received, fork_closed = [], threading.Event()

    async def agent(socket):
        received.append(json.loads(await socket.recv()))
        await socket.wait_closed()  # until the switch closes the fork
        fork_closed.set()

    agent_url = f"ws://127.0.0.1:{fork_server(agent)}/calls"
    runner = start_switch([PICKS_UP, KEEPS_RINGING])
    port = runner.switch.port
    answered, ringing = dialing(office, PICKS_UP), dialing(office, KEEPS_RINGING)
    dialer = EslTelephony.open(host="127.0.0.1", port=port, password="ClueCon", gateway="gw")
    listener = EventListener(connect=lambda: event_socket_open("127.0.0.1", port, "ClueCon"), agent_url=agent_url)
    try:
        for call in (answered, ringing):  # placed while no listener runs: nobody hears their events
            dialer.originate(
                OriginateRequest(
                    call_uuid=str(call.uuid),
                    number=call.to_number,
                    caller_id_number="+12025550100",
                    caller_id_name="North",
                    ring_seconds=300,
                )
            )
        channels = runner.switch.channels
        wait_for(lambda: str(answered.uuid) in channels and channels[str(answered.uuid)].answer_state == "answered")
        wait_for(lambda: str(ringing.uuid) in channels and channels[str(ringing.uuid)].answer_state == "early")

        listener.connect()
        assert listener.reconcile() == 0  # both are still up on the switch

        answered.refresh_from_db()
        assert answered.status == Call.Status.ANSWERED and answered.answered_at is not None
        wait_for(lambda: received)  # the switch was asked to fork it to the agent, and did
        secret = fork_secret_for(call_uuid=str(answered.uuid))
        assert received == [
            {"call": str(answered.uuid), "office": office.pk, "customer": answered.customer_id, "secret": secret}
        ]
        ringing.refresh_from_db()
        assert (ringing.status, ringing.answered_at) == (Call.Status.DIALING, None)
        assert not channels[str(ringing.uuid)].forks
        assert listener.switch.channel_dump(str(ringing.uuid))["Answer-State"] == "early"
        assert listener.switch.channel_dump(str(uuid.uuid4())) == {}  # no such channel

        listener.reconcile()  # again: the answer is applied once
        assert answered.events.filter(name="CHANNEL_ANSWER").count() == 1
    finally:
        listener.close()
        for call in (answered, ringing):
            dialer.hangup(str(call.uuid))  # the switch closes the fork, and the agent's side ends with it
        fork_closed.wait(5)
        dialer.close()
        runner.stop()
