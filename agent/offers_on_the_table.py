"""Times the agent has on offer in its calls right now, per calendar, so that two people called at once into
the same staff member's calendar are not offered the same times.

Without it, every call of a run is offered the same first free times; two callees who pick the first one a
few seconds apart collide, the loser hears "that time was just taken" and the nearest free times — which the
other losers are offered too — and, with ten calls at once, some heard it six times in a row (the seventh
held-out set under load). Offers made here are a soft hold: another call of this process offers other times
while they stand (OFFER_STANDS), and offers them anyway when nothing else is free. Booking still decides,
against the calendar, who gets a time.

Kept in the agent's process: one agent process serves all calls by default; with several, each keeps its
own (collisions between them are still caught by the booking's re-check).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

OFFER_STANDS = 180.0  # seconds an offer is kept from other calls (a callee thinks, asks, then picks)

_lock = threading.Lock()
_table: dict[int, dict[str, tuple[float, tuple[dt.datetime, ...]]]] = {}  # calendar → call → (until, times)


def offers_elsewhere(*, calendar_id: int, call: str) -> list[dt.datetime]:
    """The times other calls have on offer in this calendar now."""
    now = time.monotonic()
    with _lock:
        calls = _table.get(calendar_id, {})
        for other in [key for key, (until, _) in calls.items() if until <= now]:
            del calls[other]
        return [moment for key, (_, times) in calls.items() if key != call for moment in times]


def offers_made(*, calendar_id: int, call: str, times: list[dt.datetime]) -> None:
    """`call` has `times` on offer (in addition to what it offered before, while that stands)."""
    with _lock:
        calls = _table.setdefault(calendar_id, {})
        _, before = calls.get(call, (0.0, ()))
        calls[call] = (time.monotonic() + OFFER_STANDS, tuple(dict.fromkeys([*before, *times])))


def offers_withdrawn(*, calendar_id: int, call: str) -> None:
    """The call booked, or ended: its offers are free for others."""
    with _lock:
        _table.get(calendar_id, {}).pop(call, None)


def offers_forget_all() -> None:
    with _lock:
        _table.clear()
