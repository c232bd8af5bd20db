"""Free appointment starts for one office and one staff member, from rules and busy time passed in.

Pure functions, no database and no I/O, so the voice agent, staff views and tests all get the same answer for the
same inputs. Opening hours are local wall times and are turned into instants date by date in the office's zone:
a UTC offset is only true for the day it was read on (09:00 in New York is 14:00Z in January, 13:00Z in July).
All comparisons and sums happen in UTC, because Python compares and adds datetimes that share a tzinfo by wall
clock, which is wrong across a DST change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARTS_OF_DAY = {"morning": (0, 12), "afternoon": (12, 17), "evening": (17, 24)}  # local hours, [first, end)


@dataclass(frozen=True)
class Interval:
    """Busy time, half-open [start, end), in any aware zone."""

    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: Interval) -> bool:
        """Touching ends do not overlap, so back-to-back appointments fit."""
        return _utc(self.start) < _utc(other.end) and _utc(other.start) < _utc(self.end)


@dataclass(frozen=True)
class SlotRules:
    """How an office books: its zone, weekly opening periods (local wall time) and the spacing of appointments.

    Buffers only have to be clear of busy time, not inside opening hours: a 16:30 start with a 15 minute buffer
    after still fits a 17:00 close, as staff tidy up after closing anyway.
    """

    time_zone: str
    hours: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    length: dt.timedelta
    buffer_before: dt.timedelta = dt.timedelta(0)
    buffer_after: dt.timedelta = dt.timedelta(0)
    minimum_notice: dt.timedelta = dt.timedelta(hours=2)
    max_days_ahead: int = 14
    step: dt.timedelta = dt.timedelta(minutes=30)
    holidays: frozenset[dt.date] = frozenset()


def slot_is_free(*, rules: SlotRules, busy: Iterable[Interval], now: dt.datetime, start: dt.datetime) -> bool:
    """Whether a start a person asked for can be booked: one the rules offer, and clear of busy time."""
    zone = ZoneInfo(rules.time_zone)
    moment = _utc(start)
    earliest, horizon = _window(rules=rules, now=now, zone=zone)
    if not earliest <= moment < horizon:
        return False
    if moment not in _day_openings(rules=rules, day=moment.astimezone(zone).date(), zone=zone):
        return False
    return not _is_blocked(rules=rules, busy=_busy_utc(busy), start=moment)


def slots_available(
    *,
    rules: SlotRules,
    busy: Iterable[Interval],
    now: dt.datetime,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Every free start in [max(now + notice, start), min(horizon, end)), ascending, as UTC.

    The horizon is the end of the office's local day max_days_ahead days after today there, so "two weeks"
    means the same calendar days to the office whatever zone the caller is in.
    """
    zone = ZoneInfo(rules.time_zone)
    earliest, horizon = _window(rules=rules, now=now, zone=zone)
    lower = max(earliest, _utc(start)) if start is not None else earliest
    upper = min(horizon, _utc(end)) if end is not None else horizon
    held = _busy_utc(busy)
    free: list[dt.datetime] = []
    day = lower.astimezone(zone).date()
    while _day_start(day=day, zone=zone) < upper:
        for moment in _day_openings(rules=rules, day=day, zone=zone):
            if lower <= moment < upper and not _is_blocked(rules=rules, busy=held, start=moment):
                free.append(moment)
        day += dt.timedelta(days=1)
    return free


def slots_proposed(
    *, rules: SlotRules, busy: Iterable[Interval], now: dt.datetime, count: int = 3
) -> list[dt.datetime]:
    """A few spread-out options to read to a person, ascending.

    "10:00 today, 10:30 today or 11:00 today" is one choice said three times; a person who cannot make one can
    rarely make the others. So: the first free start, then one on a later day in the other half of the day
    (morning vs afternoon), then one a couple of days further on. Each preference is relaxed in turn when the
    week is busy, but two options never share a half-day; fewer than `count` come back rather than that.
    """
    zone = ZoneInfo(rules.time_zone)
    free = slots_available(rules=rules, busy=busy, now=now)

    def half(moment: dt.datetime) -> tuple[dt.date, bool]:
        local = moment.astimezone(zone)
        return local.date(), local.hour < 12

    picks = free[:1]
    while 0 < len(picks) < count:
        last = picks[-1]
        last_day, last_morning = half(last)
        gap = dt.timedelta(days=1 if len(picks) == 1 else 2)  # next day, then later in the week
        used_days = {half(pick)[0] for pick in picks}
        left = [m for m in free if half(m) not in {half(pick) for pick in picks}]
        new_day = [m for m in left if half(m)[0] not in used_days]
        other_half = [m for m in new_day if m > last and half(m)[1] != last_morning]
        tiers = ([m for m in other_half if half(m)[0] >= last_day + gap], other_half, new_day, left)
        choice = next((tier[0] for tier in tiers if tier), None)
        if choice is None:
            break
        picks.append(choice)
    return sorted(picks)


def slot_nearest(
    *, rules: SlotRules, busy: Iterable[Interval], now: dt.datetime, wanted: dt.datetime, count: int = 2
) -> list[dt.datetime]:
    """Answers "is Thursday at 2 free, or what is nearest?": wanted itself when free, else the closest starts.

    Starts on the wanted local day come before other days even when further in time, since a person who named
    a day usually means it; within that, nearest first, and the earlier of two equally near.
    """
    zone = ZoneInfo(rules.time_zone)
    target = _utc(wanted)
    wanted_day = target.astimezone(zone).date()
    free = slots_available(rules=rules, busy=busy, now=now)
    ranked = sorted(free, key=lambda m: (m.astimezone(zone).date() != wanted_day, abs(m - target), m))
    return ranked[:count]


def slots_in_part_of_day(
    *,
    rules: SlotRules,
    busy: Iterable[Interval],
    now: dt.datetime,
    part: str,
    day: dt.date | None = None,
    count: int = 3,
) -> list[dt.datetime]:
    """The first free starts in the morning (before 12), afternoon (12-17) or evening (17 on), local time,
    optionally on one local day, for "anything Tuesday morning?"."""
    if part not in PARTS_OF_DAY:
        raise ValueError(f"part must be one of {sorted(PARTS_OF_DAY)}, not {part!r}")
    zone = ZoneInfo(rules.time_zone)
    first_hour, end_hour = PARTS_OF_DAY[part]
    start = end = None
    if day is not None:
        start, end = _day_start(day=day, zone=zone), _day_start(day=day + dt.timedelta(days=1), zone=zone)
    free = slots_available(rules=rules, busy=busy, now=now, start=start, end=end)
    return [m for m in free if first_hour <= m.astimezone(zone).hour < end_hour][:count]


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} is naive; slot times must be aware")
    return moment.astimezone(dt.UTC)


def _busy_utc(busy: Iterable[Interval]) -> list[Interval]:
    return [Interval(_utc(interval.start), _utc(interval.end)) for interval in busy]


def _day_start(*, day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Local midnight; where a zone skips midnight, fold=0 lands on the first instant of that date."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)


def _window(*, rules: SlotRules, now: dt.datetime, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The earliest bookable instant and the horizon, the end of the local day max_days_ahead after today."""
    today = _utc(now).astimezone(zone).date()
    horizon = _day_start(day=today + dt.timedelta(days=rules.max_days_ahead + 1), zone=zone)
    return _utc(now) + rules.minimum_notice, horizon


def _wall_to_utc(*, wall: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """A local wall time as an instant: the first of two on a fall-back day, None where spring-forward skips it."""
    local = wall.replace(tzinfo=zone, fold=0)
    moment = local.astimezone(dt.UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return moment


def _day_openings(*, rules: SlotRules, day: dt.date, zone: ZoneInfo) -> list[dt.datetime]:
    """Every start the opening hours allow on one local date, stepped in wall time from each opening, with the
    whole appointment before closing; notice and busy time are not considered here."""
    if day in rules.holidays:
        return []
    starts: set[dt.datetime] = set()
    for opens, closes in rules.hours.get(day.weekday(), ()):
        wall, last = dt.datetime.combine(day, opens), dt.datetime.combine(day, closes)
        closes_at = last.replace(tzinfo=zone).astimezone(dt.UTC)
        while wall < last:
            start = _wall_to_utc(wall=wall, zone=zone)
            if start is not None and start + rules.length <= closes_at:
                starts.add(start)
            wall += rules.step
    return sorted(starts)


def _is_blocked(*, rules: SlotRules, busy: list[Interval], start: dt.datetime) -> bool:
    held = Interval(start - rules.buffer_before, start + rules.length + rules.buffer_after)
    return any(held.overlaps(interval) for interval in busy)
