"""Free times in the calendar a call books into, by the office's rules and holidays, for a script's appointment:
what the call's tools (`tools.py`) and a tried call's (`try_tools.py`) both find, the one writing what the call
decides, the other nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from calendars.availability import availability_of, slot_answer
from calendars.slots import slots_available, slots_in_part_of_day, slots_proposed
from calls.models import OfficeHoliday


class CalendarTimes:
    def __init__(self, *, office, calendar, script=None, clock: Callable[[], dt.datetime] = timezone.now) -> None:
        """`calendar`: the staff member's (None: nowhere to book — nothing is free)."""
        self.office, self.calendar, self.script, self.clock = office, calendar, script, clock
        self.zone = office.zone
        self.minutes = script.appointment_minutes if script else None
        self.appointment_type = script.appointment_type if script else ""

    def now(self) -> dt.datetime:
        return self.clock()

    def check(self, wanted: dt.datetime) -> tuple[bool, list[dt.datetime]]:
        """Whether `wanted` is free, and the nearest free times when it is not."""
        if self.calendar is None:
            return False, []
        return slot_answer(
            account=self.calendar, wanted=wanted, now=self.now(), minutes=self.minutes, holidays=self._holidays()
        )

    def _holidays(self) -> frozenset[dt.date]:
        return frozenset(OfficeHoliday.objects.filter(office=self.office).values_list("date", flat=True))

    def _rules_and_busy(self):
        now = self.now()
        rules, busy = availability_of(account=self.calendar, now=now, minutes=self.minutes, holidays=self._holidays())
        return rules, busy, now

    def _free(self, rules, busy, now, *, count, day, part, not_before) -> list[dt.datetime]:
        """Up to `count` free times: spread over a part of the day, over a day, from a day on, or the first free."""
        if part is not None:  # a few times across that part of the day, not three in a row
            free = slots_in_part_of_day(rules=rules, busy=busy, now=now, part=part, day=day, count=50)
            return _spread(free, count, apart=dt.timedelta(minutes=90))
        if day is not None or not_before is not None:
            first = dt.datetime.combine(day or not_before, dt.time(0), tzinfo=self.zone)
            end = first + dt.timedelta(days=1) if day is not None else None
            free = slots_available(rules=rules, busy=busy, now=now, start=first, end=end)
            return _spread(free, count, apart=dt.timedelta(hours=2) if day is not None else dt.timedelta(days=1))
        return slots_proposed(rules=rules, busy=busy, now=now, count=count)


def _spread(moments: list[dt.datetime], count: int, *, apart: dt.timedelta) -> list[dt.datetime]:
    """Up to `count` of `moments` at least `apart` from each other (ascending)."""
    chosen: list[dt.datetime] = []
    for moment in moments:
        if not chosen or moment - chosen[-1] >= apart:
            chosen.append(moment)
        if len(chosen) == count:
            break
    return chosen
