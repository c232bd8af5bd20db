"""Times said aloud ("tomorrow at 2 PM", "Thursday, December 3 at noon") and the callee's words made into a
day and a moment in the office's zone."""

from __future__ import annotations

import datetime as dt

from agent.dialogue.understanding import Understood

DEFAULT_HOUR = {"morning": 10, "afternoon": 14, "evening": 17}


def spoken(moment: dt.datetime, *, zone: dt.tzinfo, now: dt.datetime) -> str:
    local = moment.astimezone(zone)
    today = now.astimezone(zone).date()
    day = {0: "today", 1: "tomorrow"}.get((local.date() - today).days, f"{local:%A}, {local:%B} {local.day}")
    return f"{day} at {clock(local)}"


def options(moments: list[dt.datetime], *, zone: dt.tzinfo, now: dt.datetime) -> str:
    said = [spoken(moment, zone=zone, now=now) for moment in moments]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + f" or {said[-1]}"


def clock(local: dt.datetime) -> str:
    if (local.hour, local.minute) == (12, 0):
        return "noon"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes} {'AM' if local.hour < 12 else 'PM'}"


def day_meant(meant: Understood, *, today: dt.date) -> dt.date:
    """The day the words name: today/tomorrow, a weekday (the next one; "next Tuesday" the one after this
    week), or a day of the month (the next one to come; "the nineteenth, a Tuesday" is the nineteenth)."""
    if meant.day_offset is not None:
        return today + dt.timedelta(days=meant.day_offset)
    if meant.month_day is not None:
        year, month = today.year, today.month
        for _ in range(13):
            try:
                candidate = dt.date(year, month, meant.month_day)
            except ValueError:
                candidate = None
            if candidate is not None and candidate >= today:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if meant.weekday is not None:
        ahead = (meant.weekday - today.weekday()) % 7
        if meant.next_week and ahead < 7 - today.weekday():
            ahead += 7
        return today + dt.timedelta(days=ahead)
    return today + dt.timedelta(days=1)


def moment_meant(meant: Understood, *, zone: dt.tzinfo, now: dt.datetime, day: dt.date | None = None) -> dt.datetime:
    """The wanted moment (UTC): the day named (or `day`, or tomorrow) at the hour named (or the start of a
    bound, or a default for the part of the day)."""
    today = now.astimezone(zone).date()
    if meant.names_a_day:
        day = day_meant(meant, today=today)
    day = day or today + dt.timedelta(days=1)
    hour, minute = meant.hour, meant.minute
    if hour is None:
        hour, minute = (meant.after if meant.after is not None else DEFAULT_HOUR.get(meant.part or "", 10)), 0
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def next_monday(*, zone: dt.tzinfo, now: dt.datetime) -> dt.date:
    today = now.astimezone(zone).date()
    return today + dt.timedelta(days=7 - today.weekday())
