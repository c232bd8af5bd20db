"""The audio fork's two definitions agree: ours (calls/telephony/fork_protocol.py, spoken by the listener and
the agent) and Phonify's (phonify/fork_words.py: the switch imports nothing of ours, as a real one would not).
A word changed on one side only would leave the agent talking past the switch."""

import json

from calls.telephony import fork_protocol as ours
from phonify import fork_words as switch


def test_both_sides_name_the_same_subprotocol_and_keys():
    assert ours.SUBPROTOCOL == switch.SUBPROTOCOL
    assert ours.KEYS == frozenset(switch.KEYS)


def test_every_message_the_agent_sends_is_one_the_switch_handles():
    assert {kind.value for kind in ours.ToSwitch} <= {kind.value for kind in switch.FromAgent}


def test_the_switchs_words_to_the_agent_are_the_ones_the_agent_reads():
    assert ours.ToAgent.SPEECH == switch.SPEECH
    assert ours.ToAgent.MARK == switch.FromAgent.MARK  # the switch answers a mark with a mark
    assert {event.value for event in ours.MarkEvent} == {reply.value for reply in switch.MarkReply}


def test_the_listener_subscribes_to_the_fork_events_the_switch_fires():
    fired = {switch.EVENT_PREFIX + event for event in switch.ForkEvent}
    assert {event.value for event in ours.ForkEvent} <= fired


def test_an_opening_the_listener_writes_is_read_back_by_the_agent_and_only_with_its_secret():
    class Call:
        uuid, office_id, customer_id = "8a0f5e6c-1b2d-4e3f-9a8b-7c6d5e4f3a2b", 3, 41

    written = ours.ForkOpening.for_call(Call()).encode()
    read = ours.ForkOpening.decode(written)
    assert (read.call, read.office, read.customer, read.prepare) == (Call.uuid, 3, 41, False)
    assert read.trusted()
    forged = json.loads(written) | {"secret": "0" * 64}
    assert not ours.ForkOpening.decode(json.dumps(forged)).trusted()
    assert "secret" not in repr(read) and read.secret not in read.for_log()

    visit = ours.ForkOpening.decode(ours.ForkOpening.for_call(Call(), prepare=True).encode())
    assert visit.prepare and visit.call == Call.uuid and visit.trusted()


def test_what_is_not_an_opening_is_refused_not_guessed():
    for frame in ("", "not json", "[1, 2]", '"call"', "{}", '{"office": 3}', b"\x00\x01"):
        assert ours.ForkOpening.decode(frame) is None
    assert not ours.ForkOpening.decode('{"call": "x"}').trusted()  # no secret at all
