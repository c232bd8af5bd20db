"""A switch and an event listener for dialing tests: Phonify on its own thread (waits shrunk), our
listener on another (gevent inside it), our settings pointed at that Phonify."""

from __future__ import annotations

import datetime as dt
import time

from calls.models import DialingPolicy, QueueEntry
from calls.telephony.listener_thread import ListenerThread  # noqa: F401  (re-exported for the tests)
from customers.models import ConsentStatus, Customer
from phonify.personas import Persona
from phonify.thread import SwitchThread

PINNED = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in New York


def follow_ups_done(seconds: float = 10) -> None:
    """Wait until every ended call's follow-up has committed (its queue entry closed, a retry queued): a run is
    done when its calls have ended, a moment before the listener's follow-up transaction lands."""
    deadline = time.monotonic() + seconds
    while QueueEntry.objects.filter(status=QueueEntry.Status.CALLING).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def pinned_now() -> dt.datetime:
    return PINNED


def start_switch(personas: list[Persona], port: int = 0, time_scale: float = 0.02) -> SwitchThread:
    runner = SwitchThread(port=port, personas={p.number: p for p in personas}, time_scale=time_scale, text_mode=True)
    runner.start()
    return runner


def customers_for(office, personas: list[Persona], **fields) -> list[Customer]:
    return [
        Customer.objects.create(
            office=office,
            first_name=persona.first_name or persona.name,
            phone=persona.number,
            time_zone="America/New_York",
            consent_status=ConsentStatus.EXPRESS,
            **fields,
        )
        for persona in personas
    ]


def fast_policy(office, **fields) -> DialingPolicy:
    defaults = {"max_concurrent_calls": 5, "calls_per_second": 20, "min_minutes_between_attempts": 0}
    policy, _ = DialingPolicy.objects.update_or_create(office=office, defaults={**defaults, **fields})
    return policy
