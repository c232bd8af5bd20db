"""Reads of appointments and calendar accounts, always inside one office."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Week:
    start: dt.date
    days: list[WeekDay]

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
