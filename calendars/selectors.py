"""Reads of appointments and calendar accounts, always inside one office."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from calendars.models import Appointment, CalendarAccount
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
