"""The telephony adapter on a link the switch closed (Phonify over TCP, the real greenswitch client): a command
fails at once instead of waiting out its timeout, and an originate goes out again on a new link — unless the
switch already took the call, so nobody is dialed twice."""

import time
import uuid

import pytest

from calls.telephony import OriginateRequest, SwitchUnavailableError
from calls.telephony.esl import EslTelephony
from calls.telephony.event_socket import COMMAND_TIMEOUT
from phonify.personas import Persona
from tests.calls.dialing_helpers import start_switch
from tests.phonify.conftest import RawClient

PERSON = Persona(name="p", number="+12025554100", rings=1, hangup_after=500)


def telephony_on(port: int) -> EslTelephony:
    return EslTelephony.open(host="127.0.0.1", port=port, password="ClueCon", gateway="gw")


def request() -> OriginateRequest:
    return OriginateRequest(
        call_uuid=str(uuid.uuid4()),
        number=PERSON.number,
        caller_id_number="+12025550100",
        caller_id_name="North",
        ring_seconds=20,
    )


def jobs_heard(observer: RawClient, seconds: float) -> list[str]:
    """The Job-UUIDs of the BACKGROUND_JOB events the observer hears within `seconds`."""
    heard = []
    observer.sock.settimeout(seconds)
    try:
        while True:
            headers, _ = observer.event("BACKGROUND_JOB", timeout=seconds)
            heard.append(headers["Job-UUID"])
    except TimeoutError:
        return heard


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


async def unsubscribed_links_dropped(switch) -> None:
    """Close the links that take no events (the adapter's), not the observer's."""
    for link in list(switch.connections):
        if not link.events:
            link.close()


def test_a_command_on_a_link_the_switch_closed_fails_at_once():
    runner = start_switch([PERSON])
    telephony = telephony_on(runner.switch.port)
    runner.stop()
    started = time.monotonic()
    with pytest.raises(SwitchUnavailableError):
        telephony.exists(str(uuid.uuid4()))
    assert time.monotonic() - started < COMMAND_TIMEOUT / 2  # not the whole timeout: no reply can come


def test_an_originate_after_the_switch_restarted_goes_out_on_a_new_link():
    runner = start_switch([PERSON])
    port = runner.switch.port
    telephony = telephony_on(port)
    runner.stop()
    runner = start_switch([PERSON], port=port)  # back, and our link to the old one is dead
    try:
        call = request()
        assert telephony.originate(call) == call.call_uuid
        wait_for(lambda: call.call_uuid in runner.switch.channels)
        assert list(runner.switch.channels) == [call.call_uuid]
        assert telephony.exists(call.call_uuid)  # the adapter goes on on its new link
    finally:
        telephony.close()
        runner.stop()


def test_an_originate_the_switch_already_took_is_not_sent_again_on_the_new_link():
    runner = start_switch([PERSON])
    telephony = telephony_on(runner.switch.port)
    observer = RawClient(runner.switch.port)
    try:
        observer.login()
        observer.send("event plain BACKGROUND_JOB")
        observer.frame()
        call = request()
        telephony.originate(call)
        wait_for(lambda: call.call_uuid in runner.switch.channels)
        runner.call(unsubscribed_links_dropped(runner.switch))  # the switch closes our link, as if before its reply
        telephony.originate(call)  # sent again, as after a reply that never came
        assert jobs_heard(observer, seconds=2.0) == [call.call_uuid]  # only the first originate reached the switch
        assert telephony.exists(call.call_uuid)
    finally:
        observer.sock.close()
        telephony.close()
        runner.stop()
