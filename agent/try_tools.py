"""The tools of a call tried on the Scripts page ("Try it"): the same free times the agent would offer from the
staff member's own calendar, and nothing written — no appointment, callback, do-not-call entry or flag. Each
use is noted (`used`) so the page shows what the agent did and with what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from agent.calendar_times import CalendarTimes
from agent.dialogue.actions import Booked
from agent.dialogue.calendar_words import spoken
from agent.tools import CALLBACK_DEFAULT
from calendars.services import booking_calendar_of


class TryTools(CalendarTimes):
    def __init__(self, *, office, user, script, clock: Callable[[], dt.datetime] = timezone.now) -> None:
        super().__init__(
            office=office, calendar=booking_calendar_of(office=office, user=user), script=script, clock=clock
        )
        self.used: list[tuple[str, str]] = []  # (tool, what it did), taken by the page after each turn

    def offer(self, *, count=3, day=None, part=None, not_before=None) -> list[dt.datetime]:
        if self.calendar is None:
            self._note("offer", "no calendar to book into")
            return []
        rules, busy, now = self._rules_and_busy()
        found = self._free(rules, busy, now, count=count, day=day, part=part, not_before=not_before)
        asked = ", ".join(
            f"{name} {value}" for name, value in (("day", day), ("part", part), ("from", not_before)) if value
        )
        self._note("offer", f"{asked or 'first free'} → {self._times(found) or 'nothing free'}")
        return found

    def check(self, wanted: dt.datetime) -> tuple[bool, list[dt.datetime]]:
        free, nearest = super().check(wanted)
        if self.calendar is not None:
            said = "free" if free else "not free; nearest " + self._times(nearest)
            self._note("check", f"{self._times([wanted])}: {said}")
        return free, nearest

    def book(self, starts_at: dt.datetime) -> Booked:
        free, nearest = self.check(starts_at)
        self._note(
            "book", f"{self._times([starts_at])} — would be booked (nothing is written on a try)" if free else "taken"
        )
        return Booked(True, starts_at) if free else Booked(False, alternatives=nearest)

    def callback(self, when: dt.datetime | None) -> dt.datetime:
        when = when if when is not None and when > self.now() else self.now() + CALLBACK_DEFAULT
        self._note("callback", f"would call back {self._times([when])}")
        return when

    def do_not_call(self) -> None:
        self._note("do_not_call", "the number would go on the do-not-call list")

    def wrong_number(self) -> None:
        self._note("wrong_number", "the number would be flagged as a wrong number")

    def caller_message(self, text: str) -> None:
        self._note("message", text)

    def appointment(self):
        return None

    def appointment_confirm(self) -> None: ...
    def appointment_cancel(self) -> None: ...
    def appointment_move_start(self) -> None: ...
    def offers_release(self) -> None: ...

    def _note(self, tool: str, what: str) -> None:
        self.used.append((tool, what))

    def _times(self, moments) -> str:
        return ", ".join(spoken(moment, zone=self.zone, now=self.now()) for moment in moments)
