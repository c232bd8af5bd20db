"""The dialogue policy with the real tools, the clock pinned to Tuesday 24 November 2026, 08:00 in New York."""

import datetime as dt
import zoneinfo

import pytest

from agent.dialogue.policy import ScriptedPolicy
from agent.script_lines import lines_for
from agent.tools import CallTools
from calls.models import QueueEntry

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=NEW_YORK)


@pytest.fixture
def agent(call, script, office, customer, colleague):
    """Make the policy for the call (script fields may be set first); as in a dial run, the customer's
    queue entry is being called."""
    call.queue_entry = QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.CALLING)
    call.save()

    def make(**script_fields) -> ScriptedPolicy:
        for name, value in script_fields.items():
            setattr(script, name, value)
        tools = CallTools(call=call, script=script, clock=lambda: NOW)
        return ScriptedPolicy(lines=lines_for(script=script, customer=customer, office=office), tools=tools)

    return make
