"""When a calendar has room: the office's booking policy and opening hours turned into the slot finder's
rules, and busy times gathered from the appointments we booked, the events synced from the calendar and —
for the last check before a booking — the provider itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from calendars.models import Appointment, BookingPolicy, CalendarAccount, SyncedEvent
from calendars.providers import provider_for
from calendars.slots import Interval, SlotRules, slot_is_free, slot_nearest, slots_proposed
from issetter.models import Office


def booking_policy_of(*, office: Office) -> BookingPolicy:
    policy, _ = BookingPolicy.objects.get_or_create(office=office)
    return policy


def booking_rules(*, office: Office, minutes: int | None = None, holidays=frozenset()) -> SlotRules:
    """The slot finder's rules for this office (`minutes`: the script's appointment length, if it has one)."""
    policy = booking_policy_of(office=office)
    hours: dict[int, list[tuple[dt.time, dt.time]]] = defaultdict(list)
    for period in office.hours.all():
        hours[period.weekday].append((period.opens, period.closes))
    return SlotRules(
        time_zone=office.time_zone,
        hours={day: tuple(periods) for day, periods in hours.items()},
        length=dt.timedelta(minutes=minutes or policy.appointment_minutes),
        buffer_before=dt.timedelta(minutes=policy.buffer_before_minutes),
        buffer_after=dt.timedelta(minutes=policy.buffer_after_minutes),
        minimum_notice=dt.timedelta(minutes=policy.minimum_notice_minutes),
        max_days_ahead=policy.max_days_ahead,
        step=dt.timedelta(minutes=policy.slot_step_minutes),
        holidays=frozenset(holidays),
    )


def busy_known(
    *, account: CalendarAccount, start: dt.datetime, end: dt.datetime, except_appointment: int | None = None
) -> list[Interval]:
    """Busy times we hold: the account's active appointments (and its owner's, in any of their calendars)
    and the busy events last synced from the calendar."""
    appointments = Appointment.objects.filter(
        office_id=account.office_id,
        status__in=Appointment.ACTIVE_STATUSES,
        starts_at__lt=end,
        ends_at__gt=start,
    ).filter(calendar_account__user_id=account.user_id)
    if except_appointment:
        appointments = appointments.exclude(pk=except_appointment)
    synced = SyncedEvent.objects.filter(
        account__user_id=account.user_id, shows_as_busy=True, is_cancelled=False, starts_at__lt=end, ends_at__gt=start
    )
    return [Interval(a, b) for a, b in appointments.values_list("starts_at", "ends_at")] + [
        Interval(a, b) for a, b in synced.values_list("starts_at", "ends_at")
    ]


def busy_live(
    *, account: CalendarAccount, start: dt.datetime, end: dt.datetime, deadline: float | None = None
) -> list[Interval]:
    """Busy times as the provider has them right now (raises CalendarError; `deadline`: time.monotonic())."""
    return [Interval(a, b) for a, b in provider_for(account, deadline=deadline).busy(start, end)]


def availability_of(
    *, account: CalendarAccount, now: dt.datetime, minutes: int | None = None, holidays=()
) -> tuple[SlotRules, list[Interval]]:
    """The slot rules for this office and the busy times we hold from now to the end of the horizon."""
    rules = booking_rules(office=account.office, minutes=minutes, holidays=holidays)
    horizon = now + dt.timedelta(days=rules.max_days_ahead + 1)
    return rules, busy_known(account=account, start=now, end=horizon)


def slots_offer(*, account: CalendarAccount, now: dt.datetime, minutes: int | None = None, count: int = 3, holidays=()):
    """A few well-spread times to offer (aware UTC)."""
    rules, busy = availability_of(account=account, now=now, minutes=minutes, holidays=holidays)
    return slots_proposed(rules=rules, busy=busy, now=now, count=count)


def slot_answer(
    *, account: CalendarAccount, wanted: dt.datetime, now: dt.datetime, minutes: int | None = None, holidays=()
) -> tuple[bool, list[dt.datetime]]:
    """ "Is `wanted` free?" → (free, the nearest free times when it is not)."""
    rules, busy = availability_of(account=account, now=now, minutes=minutes, holidays=holidays)
    if slot_is_free(rules=rules, busy=busy, now=now, start=wanted):
        return True, []
    return False, slot_nearest(rules=rules, busy=busy, now=now, wanted=wanted)
