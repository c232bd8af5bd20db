"""Only the switch's fork of an answered call reaches the agent: the fork must carry the call's secret
(issued by the listener), and a call that is not answered (ended, unknown) takes no fork at all."""

import json
import uuid

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from agent.server_thread import AgentThread
from agent.session import Timing
from calls.fork_secret import fork_secret_for, fork_secret_matches
from calls.models import Call, Turn
from customers.models import DoNotCallEntry
from tests.calls.dialing_helpers import pinned_now

OPT_OUT = {"type": "phonify.speech", "text": "Take me off your list. Do not call me again."}


@pytest.fixture
def agent(script):
    script.is_default = True
    script.save()
    agent = AgentThread(clock=pinned_now, timing=Timing(hello=0.2, answer=1.0, beep=0.5)).start()
    yield agent
    agent.stop()


def fork(agent: AgentThread, metadata: dict) -> list[dict]:
    """Connect as the switch's fork would, say "do not call me", and return what the agent sent back."""
    heard = []
    with connect(agent.url, subprotocols=["audio.drachtio.org"], open_timeout=5) as socket:
        socket.send(json.dumps(metadata))
        try:
            socket.send(json.dumps({"type": "phonify.speech", "text": "Hello?"}))
            heard.append(json.loads(socket.recv(timeout=5)))
            socket.send(json.dumps(OPT_OUT))
            while True:
                heard.append(json.loads(socket.recv(timeout=5)))
        except (ConnectionClosed, TimeoutError):
            pass
    return heard


def answered_call(call) -> Call:
    call.status = Call.Status.ANSWERED
    call.save()
    return call


def test_the_secret_belongs_to_one_call():
    secret = fork_secret_for(call_uuid="8a0f5e6c-1b2d-4e3f-9a8b-7c6d5e4f3a2b")
    assert fork_secret_matches(call_uuid="8a0f5e6c-1b2d-4e3f-9a8b-7c6d5e4f3a2b", secret=secret)
    assert not fork_secret_matches(call_uuid="0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", secret=secret)
    assert not fork_secret_matches(call_uuid="8a0f5e6c-1b2d-4e3f-9a8b-7c6d5e4f3a2b", secret=None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", [None, "", "0" * 64, "wrong"])
def test_it_refuses_a_fork_without_the_call_secret_and_writes_nothing(agent, call, secret):
    call = answered_call(call)
    metadata = {"call": str(call.uuid), "office": call.office_id, "customer": call.customer_id}
    if secret is not None:
        metadata["secret"] = secret
    assert fork(agent, metadata) == []
    assert not Turn.objects.exists() and not DoNotCallEntry.objects.exists()
    call.refresh_from_db()
    assert call.outcome == "" and call.status == Call.Status.ANSWERED


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_fork_of_an_ended_call_even_with_its_secret(agent, call):
    call.status = Call.Status.ENDED
    call.save()
    assert fork(agent, {"call": str(call.uuid), "secret": fork_secret_for(call_uuid=str(call.uuid))}) == []
    assert not Turn.objects.exists() and not DoNotCallEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_fork_of_an_unknown_call(agent):
    unknown = str(uuid.uuid4())
    assert fork(agent, {"call": unknown, "secret": fork_secret_for(call_uuid=unknown)}) == []
    assert not Turn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_another_call_secret(agent, call, office, other_office):
    from customers.models import Customer

    stranger = Customer.objects.create(office=other_office, first_name="Zed", phone="+13125550123")
    theirs = answered_call(Call.objects.create(office=other_office, customer=stranger, to_number=stranger.phone))
    ours = answered_call(call)
    assert fork(agent, {"call": str(theirs.uuid), "secret": fork_secret_for(call_uuid=str(ours.uuid))}) == []
    assert not Turn.objects.exists() and not DoNotCallEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_takes_the_fork_of_an_answered_call_with_its_secret_and_again_on_reconnect(agent, call):
    call = answered_call(call)
    metadata = {"call": str(call.uuid), "secret": fork_secret_for(call_uuid=str(call.uuid))}
    first = fork(agent, metadata)
    assert first and first[0]["type"] == "playAudio"  # the agent answered the hello
    assert Turn.objects.filter(call=call, speaker="callee", text="Hello?").exists()
    again = fork(agent, metadata)  # the same fork connecting again, with the same secret
    assert again and again[0]["type"] == "playAudio"
