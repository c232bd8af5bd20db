"""The api commands our dialer and listener use, plus originate's quoting and the persona files."""

import time
import uuid

import pytest

from phonify.originate import parse_originate
from phonify.personas import PersonaError, personas_load


def api(raw, command: str) -> str:
    raw.send(f"api {command}")
    return raw.frame()[2].decode()


def answered_call(raw, phonify) -> str:
    call = str(uuid.uuid4())
    raw.send(f"bgapi originate {{origination_uuid={call},note='a b'}}sofia/gateway/gw/+12025550143 &park()")
    raw.frame()
    deadline = time.monotonic() + 5
    while not (call in phonify.channels and phonify.channels[call].answered_us):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return call


def test_it_reads_and_sets_channel_variables(raw, phonify):
    raw.login()
    call = answered_call(raw, phonify)
    assert api(raw, f"uuid_getvar {call} note") == "a b"
    assert api(raw, f"uuid_setvar {call} agent_ready yes") == "+OK\n"
    assert api(raw, f"uuid_getvar {call} agent_ready") == "yes"
    assert api(raw, f"uuid_getvar {call} missing") == "_undef_"
    assert api(raw, f"uuid_getvar {uuid.uuid4()} note") == "-ERR No such channel!\n"


def test_it_dumps_a_channel_as_freeswitch_serialises_its_data(raw, phonify):
    raw.login()
    call = answered_call(raw, phonify)
    dump = api(raw, f"uuid_dump {call}")
    lines = dump.split("\n")
    assert lines[0] == "Event-Name: CHANNEL_DATA" and dump.endswith("\n\n")  # an event, serialised, not fired
    assert f"Core-UUID: {phonify.core_uuid}" in lines and not any(line.startswith("Event-Sequence") for line in lines)
    assert {f"Unique-ID: {call}", "Answer-State: answered", "Channel-Call-State: ACTIVE"} <= set(lines)
    assert "variable_note: a%20b" in lines  # the channel's variables too, values percent-encoded
    assert api(raw, f"uuid_dump {uuid.uuid4()}") == "-ERR No Such Channel!\n"
    assert api(raw, "uuid_dump") == "-USAGE: <uuid> [format]\n"
    api(raw, f"uuid_kill {call}")
    assert api(raw, f"uuid_dump {call}") == "-ERR No Such Channel!\n"


def test_it_lists_channels_and_hangs_up_all(raw, phonify):
    raw.login()
    call = answered_call(raw, phonify)
    listing = api(raw, "show channels")
    assert call in listing and listing.endswith("\n\n1 total.\n")
    assert "FreeSWITCH (Version" in api(raw, "status")
    assert api(raw, "hupall MANAGER_REQUEST") == "+OK hangup all channels with cause MANAGER_REQUEST\n"
    assert phonify.channels[call].hangup_cause == "MANAGER_REQUEST"
    assert api(raw, "show channels").endswith("\n\n0 total.\n")


def test_it_names_itself_with_a_core_uuid_that_its_events_carry(raw, phonify):
    raw.login()
    assert api(raw, "global_getvar core_uuid") == phonify.core_uuid
    assert f"core_uuid={phonify.core_uuid}\n" in api(raw, "global_getvar")
    assert api(raw, "global_getvar no_such_variable") == ""


def test_it_hangs_up_through_sendmsg(raw, phonify):
    raw.login()
    call = answered_call(raw, phonify)
    raw.send(f"sendmsg {call}\ncall-command: hangup\nhangup-cause: USER_BUSY")
    assert raw.frame()[1]["Reply-Text"] == "+OK"
    deadline = time.monotonic() + 5
    while phonify.channels[call].alive:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert phonify.channels[call].hangup_cause == "USER_BUSY"
    raw.send(f"sendmsg {uuid.uuid4()}\ncall-command: hangup")
    assert raw.frame()[1]["Reply-Text"].startswith("-ERR invalid session id [")


def test_it_reads_originate_variables_as_freeswitch_does():
    # The api's words are split (and their quotes removed) before the {…} block is split on commas, so a
    # quoted comma does not survive; an escaped one, or \' for a quote that must reach the second split, does.
    request = parse_originate(
        "{origination_uuid=a1,origination_caller_id_name='Acme Dental, LLC',note=x\\,y,"
        "quoted=\\'p,\\sq\\',who=O\\\\\\'Brien}[leg_timeout=20]sofia/gateway/trunk/+15559876543 &park()"
    )
    assert request.variables == {
        "origination_uuid": "a1",
        "origination_caller_id_name": "Acme Dental",
        "note": "x,y",
        "quoted": "p, q",
        "who": "O'Brien",
        "leg_timeout": "20",
    }
    assert (request.gateway, request.number, request.application) == ("trunk", "+15559876543", "park")
    profile = parse_originate("sofia/internal/1000@10.0.0.1 &playback(/tmp/hello.wav)")
    assert (profile.profile, profile.number, profile.application_args) == ("internal", "1000", "/tmp/hello.wav")


def test_it_explains_a_bad_originate(raw):
    raw.login()
    assert api(raw, "originate").startswith("-USAGE: <call url>")
    assert api(raw, "originate loopback/1000 &park()") == "-ERR CHAN_NOT_IMPLEMENTED\n"


def test_it_ships_personas_for_every_demo_customer():
    numbers = set(personas_load())
    assert {"+12025550143", "+13125550123", "+16175550188", "+13055550142", "+15125550147"} <= numbers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("personas: {}", "expected a list under 'personas'"),
        ("personas:\n  - name: x\n    number: '2025550143'", "number must be E.164"),
        ("personas:\n  - name: x\n    number: '+12025550143'\n    answer: maybe", "answer must be one of"),
        (
            "personas:\n  - name: a\n    number: '+12025550143'\n  - name: b\n    number: '+12025550143'",
            "already used by a",
        ),
    ],
)
def test_it_names_the_mistake_in_a_persona_file(tmp_path, text, message):
    path = tmp_path / "people.yaml"
    path.write_text(text)
    with pytest.raises(PersonaError, match=message):
        personas_load(path)


def test_it_plays_files_and_transfers(raw, phonify):
    raw.login()
    call = answered_call(raw, phonify)
    assert api(raw, f"uuid_broadcast {call} /tmp/voicemail.wav aleg") == "+OK Message sent\n"
    assert phonify.channels[call].played == ["/tmp/voicemail.wav"]
    assert api(raw, f"uuid_broadcast {uuid.uuid4()} /tmp/x.wav") == "-ERR invalid uuid\n"
    assert api(raw, f"uuid_transfer {call} -bleg 2000 XML default") == "+OK\n"
    assert phonify.channels[call].variables["transfer_destination"] == "2000"


def test_it_records_each_ended_call_for_inspection(tmp_path):
    import json

    from phonify.thread import SwitchThread
    from tests.phonify.conftest import RawClient

    runner = SwitchThread(port=0, personas=personas_load(), time_scale=0.01, record_dir=tmp_path)
    switch = runner.start()
    try:
        raw = RawClient(switch.port)
        raw.login()
        call = str(uuid.uuid4())
        raw.send(f"api originate {{origination_uuid={call},app_call_id=7}}sofia/gateway/gw/+13055550142 &park()")
        assert raw.frame()[2] == b"-ERR USER_BUSY\n"
        deadline = time.monotonic() + 5
        while not (tmp_path / f"{call}.json").exists():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        record = json.loads((tmp_path / f"{call}.json").read_text())
    finally:
        runner.stop()
    assert record["persona"] == "robert-busy"
    assert [entry["event"] for entry in record["timeline"]] == [
        "CHANNEL_CREATE",
        "CHANNEL_OUTGOING",
        "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE",
        "CHANNEL_DESTROY",
    ]
    assert record["variables"]["app_call_id"] == "7" and record["variables"]["hangup_cause"] == "USER_BUSY"
