"""Asking for a person when the script has a transfer number: the agent says it will connect them, the
listener transfers the call through the switch (uuid_transfer to the number), and the agent's fork closing
afterwards does not hang the transferred call up."""

import time

import pytest

from calls.models import Call
from phonify.personas import Persona, Turn
from tests.agent.whole_system import dial_all, whole_system

DESK = "+12025550111"


@pytest.mark.django_db(transaction=True)
def test_a_person_who_asks_for_someone_is_put_through(settings, office, script):
    script.transfer_number = DESK
    eve = Persona(
        name="Eve",
        number="+12025550209",
        rings=1,
        turns=(Turn(say="Who is this?"), Turn(say="Can I speak to a real person?")),
        hangup_after=300,
    )
    with whole_system(settings, office, script, [eve]) as runner:
        dial_all(office, seconds=8)
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
