"""What we put on an Event Socket line, whatever the database holds: no value can end our command and start
another, and names reach the channel exactly as written (read back by Phonify's own parser, over TCP)."""

import pytest

from calls.dialer import dial_run_drive, dial_run_start
from calls.models import Call, DialRun
from calls.queue_services import queue_add_matching
from calls.telephony import OriginateRequest, telephony_open
from calls.telephony.esl_values import (
    UnsafeCommandError,
    channel_variables,
    command_argument,
    command_checked,
    control_characters_removed,
)
from customers.models import ConsentStatus, Customer
from phonify.originate import parse_originate, split_blank
from phonify.personas import Persona
from tests.calls.dialing_helpers import ListenerThread, fast_policy, pinned_now, start_switch

ATTACKER = "+19005550199"
INJECTED = f"Demo Ltd\n\nbgapi originate {{origination_uuid=evil}}sofia/gateway/trunk/{ATTACKER} &park()"
HARD_VALUES = [
    "O'Brien",
    "D'Arcy, Jr. & O'Neil",
    'The "Best" Agency',
    "back\\slash \\n not a newline",
    "a=b,c=d",
    "{braces} and [brackets]",
    "Zoë Ångström-Øre",
]


def test_it_removes_control_characters_from_values():
    assert control_characters_removed("Demo Ltd\n\nbgapi\r\x00x\u2028y\x85z\tw") == "Demo Ltd bgapi x y z w"
    assert control_characters_removed("O'Brien") == "O'Brien"


@pytest.mark.parametrize("value", HARD_VALUES)
def test_it_writes_channel_variables_that_freeswitch_reads_back_unchanged(value):
    line = (
        f"{channel_variables({'name': value, 'next': 'x'})}{command_argument('sofia/gateway/gw/+12025550143')} &park()"
    )
    request = parse_originate(line)
    expected = value.replace("{", "(").replace("}", ")")  # a brace would end the block (switch_find_end_paren)
    assert request.variables == {"name": expected, "next": "x"}
    assert (request.number, request.application) == ("+12025550143", "park")


def test_it_keeps_an_injected_command_inside_its_value():
    line = f"{channel_variables({'origination_caller_id_name': INJECTED})}sofia/gateway/gw/+12025550143 &park()"
    assert "\n" not in line
    request = parse_originate(line)
    assert request.number == "+12025550143"
    assert request.variables["origination_caller_id_name"].startswith("Demo Ltd bgapi originate (origination_uuid")


def test_it_writes_a_command_argument_as_one_word():
    metadata = '{"call": "a b", "who": "O\'Brien \\ co"}'
    assert split_blank(f"uuid {command_argument(metadata)} true") == ["uuid", metadata, "true"]


@pytest.mark.parametrize(
    "command",
    [
        "bgapi originate x\n\nbgapi originate y",
        "api uuid_kill x\nbgapi originate y",
        "api status\n",
        "api status\r\n",
        "bgapi originate x\nJob-UUID: y\n\nexit",
        "",
    ],
)
def test_it_refuses_a_command_that_could_read_as_two(command):
    with pytest.raises(UnsafeCommandError):
        command_checked(command)


def test_it_lets_a_command_with_header_lines_through():
    assert command_checked("bgapi originate x\nJob-UUID: 1234") == "bgapi originate x\nJob-UUID: 1234"


@pytest.fixture
def switch_with_maria_obrien(settings, office):
    maria = Persona(name="maria", number="+12025550143", answer="human", rings=1, hangup_after=20)
    attacker = Persona(name="attacker", number=ATTACKER, answer="human", rings=1, hangup_after=20)
    runner = start_switch([maria, attacker])
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    fast_policy(office)
    Customer.objects.create(
        office=office,
        first_name="Maria",
        last_name="O'Brien",
        phone=maria.number,
        time_zone="America/New_York",
        consent_status=ConsentStatus.EXPRESS,
    )
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    listener = ListenerThread().start()
    yield runner.switch, listener.listener
    listener.stop()
    runner.stop()


@pytest.mark.django_db(transaction=True)
def test_an_injected_office_name_dials_only_the_customer_and_the_listener_keeps_working(
    switch_with_maria_obrien, office
):
    switch, listener = switch_with_maria_obrien
    office.legal_name = INJECTED  # as a supervisor once saved it, before names were checked
    office.save()
    with telephony_open() as telephony:
        run = dial_run_drive(run=dial_run_start(office=office), telephony=telephony, now=pinned_now, seconds=60)
        assert telephony.exists("00000000-0000-0000-0000-000000000000") is False  # the link still answers
    assert run.status == DialRun.Status.COMPLETED

    (channel,) = switch.channels.values()  # exactly one originate reached the switch
    assert channel.number == "+12025550143"
    assert channel.caller_id_name.startswith("Demo Ltd bgapi originate") and "\n" not in channel.caller_id_name
    assert channel.variables["origination_callee_id_name"] == "Maria O'Brien"
    (call,) = Call.objects.all()
    assert call.status == Call.Status.ENDED and call.events.filter(name="CHANNEL_HANGUP_COMPLETE").exists()
    assert listener.connections == 1  # the listener's link never broke


@pytest.mark.django_db(transaction=True)
def test_an_apostrophe_reaches_the_channel_intact(switch_with_maria_obrien, office):
    switch, _ = switch_with_maria_obrien
    with telephony_open() as telephony:
        telephony.originate(
            OriginateRequest(
                call_uuid="5b0c8f6e-9d5e-4c0b-a7a4-0d3f6f1e2a10",
                number="+12025550143",
                caller_id_number="+12025550100",
                caller_id_name="O'Brien & D'Arcy, Insurance",
                ring_seconds=30,
                variables={"app_note": 'it\'s "fine", really'},
            )
        )
    channel = switch.channels["5b0c8f6e-9d5e-4c0b-a7a4-0d3f6f1e2a10"]
    assert channel.caller_id_name == "O'Brien & D'Arcy, Insurance"
    assert channel.variables["app_note"] == 'it\'s "fine", really'
