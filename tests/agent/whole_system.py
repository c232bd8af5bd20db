"""The whole loop in text mode for agent tests: Phonify with the given people, the agent's server and the
listener, our settings pointed at them; the people are the office's customers, queued, and the script is the
office's default. `dial_all` then calls them as the worker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agent.server_thread import AgentThread
from agent.session import Timing
from calls.dialer import dial_run_drive, dial_run_start
from calls.models import DialRun
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from customers.models import Customer
from phonify.personas import Persona
from phonify.thread import SwitchThread
from tests.calls.dialing_helpers import ListenerThread, customers_for, fast_policy, pinned_now, start_switch


@contextmanager
def whole_system(settings, office, script, people: list[Persona], clock=pinned_now, **policy) -> Iterator[SwitchThread]:
    script.is_default = True
    script.save()
    runner = start_switch(people, time_scale=0.1)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    agent = AgentThread(clock=clock, timing=Timing(hello=1.0, answer=3.0, beep=1.5)).start()
    listener = ListenerThread(agent_url=agent.url).start()
    try:
        fast_policy(office, **policy)
        customers_for(office, people)
        queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
        yield runner
    finally:
        listener.stop()
        agent.stop()
        runner.stop()


def dial_all(office, seconds: float) -> DialRun:
    """One dial run of the office's queue, driven until it is done (or `seconds` have passed)."""
    with telephony_open() as telephony:
        return dial_run_drive(
            run=dial_run_start(office=office), telephony=telephony, now=pinned_now, seconds=seconds, idle=0.1
        )
