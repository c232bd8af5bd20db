"""Reads of appointments and calendar accounts, always inside one office."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet

from calendars.models import Appointment, CalendarAccount, SyncedEvent
from issetter.models import Office


def appointments_between(*, office: Office, start: dt.datetime, end: dt.datetime) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(office=office, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("customer", "staff")
        .order_by("starts_at")
    )


def calendar_accounts_of(*, office: Office, user) -> QuerySet[CalendarAccount]:
    return CalendarAccount.objects.filter(office=office, user=user).defer("token_data").order_by("provider")


@dataclass(frozen=True)
class WeekItem:
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    kind: str  # "agent" (booked by the agent), "staff" (booked here by staff) or "event" (from the calendar)
    call_uuid: str = ""
    customer_id: int | None = None
    all_day: bool = False


@dataclass(frozen=True)
class WeekDay:
    date: dt.date
    items: list[WeekItem]

    @property
    def all_day(self) -> list[WeekItem]:
        return [item for item in self.items if item.all_day]

    @property
    def timed(self) -> list[WeekItem]:
        return [item for item in self.items if not item.all_day]


GRID_FIRST_HOUR, GRID_LAST_HOUR = 7, 19  # the time grid shows at least 7:00–19:00, more when items lie outside


@dataclass(frozen=True)
class Week:
    start: dt.date
    days: list[WeekDay]

    @cached_property
    def first_hour(self) -> int:
        timed = [i.starts_at.hour for d in self.days for i in d.items if not i.all_day]
        return min([GRID_FIRST_HOUR, *timed])

    @cached_property
    def last_hour(self) -> int:
        timed = [
            i.ends_at.hour + (1 if i.ends_at.minute else 0) if i.ends_at.date() == i.starts_at.date() else 24
            for d in self.days for i in d.items if not i.all_day
        ]  # fmt: skip
        return max([GRID_LAST_HOUR, *timed])

    @property
    def hours(self) -> list[int]:
        return list(range(self.first_hour, self.last_hour))

    @property
    def columns(self) -> list[tuple[WeekDay, list[tuple[WeekItem, str]]]]:
        """Each day with its timed items placed in the grid (for the template, which cannot pass arguments)."""
        return [(day, [(item, self.place(item)) for item in day.timed]) for day in self.days]

    def place(self, item: WeekItem) -> str:
        """The item's place in its day's column of the grid, as CSS (top and height in % of the day shown)."""
        span = (self.last_hour - self.first_hour) * 60
        start = (item.starts_at.hour - self.first_hour) * 60 + item.starts_at.minute
        end = (
            (item.ends_at.hour - self.first_hour) * 60 + item.ends_at.minute
            if item.ends_at.date() == item.starts_at.date() else span
        )  # fmt: skip
        top = max(0, min(start, span)) / span * 100
        height = max(end - start, 15) / span * 100
        return f"top:{top:.2f}%;height:{min(height, 100 - top):.2f}%"

    @property
    def previous(self) -> dt.date:
        return self.start - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.start + dt.timedelta(days=7)


def calendar_week(*, office: Office, user, day: dt.date) -> Week:
    """Monday to Sunday around `day`, in the office's zone: the office's appointments and the events synced
    from this person's calendars."""
    zone = zoneinfo.ZoneInfo(office.time_zone)
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    items = [
        WeekItem(
            a.starts_at.astimezone(zone),
            a.ends_at.astimezone(zone),
            a.title,
            "agent" if a.source == Appointment.Source.AGENT else "staff",
            str(a.source_call_uuid or ""),
            a.customer_id,
        )
        for a in appointments_between(office=office, start=start, end=end)
    ]
    synced = SyncedEvent.objects.filter(
        account__office=office, account__user=user, is_cancelled=False, starts_at__lt=end, ends_at__gt=start
    )
    items += [
        WeekItem(
            e.starts_at.astimezone(zone), e.ends_at.astimezone(zone), e.subject or "Busy", "event", all_day=e.is_all_day
        )
        for e in synced
    ]
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        days.append(WeekDay(date, sorted((i for i in items if i.starts_at.date() == date), key=lambda i: i.starts_at)))
    return Week(monday, days)


def next_appointment_day(*, office: Office, now: dt.datetime) -> dt.date | None:
    """The office-local day of the next appointment, where the Calendar opens (None: nothing booked ahead)."""
    upcoming = appointments_between(office=office, start=now, end=now + dt.timedelta(days=60)).first()
    return upcoming.starts_at.astimezone(zoneinfo.ZoneInfo(office.time_zone)).date() if upcoming else None
