"""Writes for calendars. (Connect, booking and sync grow here.)"""

from __future__ import annotations

from django.utils import timezone

from calendars.models import Appointment, CalendarAccount
from customers.services import customer_profile_record_appointments
from issetter.models import Office


def local_calendar_ensure(*, office: Office, user) -> CalendarAccount:
    """The user's local calendar (appointments kept only here): the embedded default booking target."""
    account, _ = CalendarAccount.objects.get_or_create(
        office=office,
        user=user,
        provider=CalendarAccount.Provider.LOCAL,
        account_email=user.email,
        defaults={"display_name": "Office calendar", "time_zone": office.time_zone},
    )
    return account


def customer_appointments_refresh(*, customer_id: int, now=None) -> None:
    """Bring the customer's next and last appointment in line with their bookings (safe to repeat)."""
    now = now or timezone.now()
    booked = Appointment.objects.filter(
        customer_id=customer_id, status__in=Appointment.ACTIVE_STATUSES + ("completed",)
    )
    upcoming = booked.filter(starts_at__gte=now).order_by("starts_at").values_list("starts_at", flat=True).first()
    past = booked.filter(starts_at__lt=now).order_by("-starts_at").values_list("starts_at", flat=True).first()
    customer_profile_record_appointments(
        customer_id=customer_id, next_appointment_at=upcoming, last_appointment_at=past
    )
