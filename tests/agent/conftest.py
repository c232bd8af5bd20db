"""The dialogue policy with the real tools, the clock pinned to Tuesday 24 November 2026, 08:00 in New York."""

import datetime as dt
import zoneinfo

import pytest

from agent.dialogue.choice import policy_for
from agent.script_lines import lines_for
from agent.tools import CallTools
from calls.models import QueueEntry
from tests.agent.fake_chat import KEY, MODEL, FakeChat

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=NEW_YORK)


@pytest.fixture
def agent(call, script, office, customer, colleague):
    """Make the policy for the call (script fields may be set first: the script's dialogue policy decides which);
    as in a dial run, the customer's queue entry is being called."""
    call.queue_entry = QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.CALLING)
    call.save()

    def make(**script_fields):
        for name, value in script_fields.items():
            setattr(script, name, value)
        tools = CallTools(call=call, script=script, clock=lambda: NOW)
        return policy_for(script=script, lines=lines_for(script=script, customer=customer, office=office), tools=tools)

    return make


@pytest.fixture
def chat():
    """The local chat-completions endpoint (tests/agent/fake_chat.py)."""
    with FakeChat() as fake:
        yield fake


@pytest.fixture
def configured(settings, chat):
    """Our settings pointed at it."""
    settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = chat.base_url, KEY, MODEL
    settings.LLM_TIMEOUT_SECONDS = 2.0
    return settings
