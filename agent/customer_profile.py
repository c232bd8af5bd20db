"""What the language model that conducts a call is told about the customer: their last and next appointments
and how the latest earlier calls went (outcome, and the call's summary where one was written). Words only,
a few lines: no phone number, no address, nothing the call does not need."""

from __future__ import annotations

from django.utils import timezone

from calendars.models import Appointment
from calls.models import Call
from customers.models import Customer

EARLIER_CALLS = 3


def customer_profile(customer: Customer | None, *, zone, now=None) -> str:
    if customer is None:
        return ""
    now = now or timezone.now()
    parts = []
    appointments = Appointment.objects.filter(customer=customer).exclude(status=Appointment.Status.CANCELLED)
    last = appointments.filter(starts_at__lt=now).order_by("-starts_at").first()
    upcoming = appointments.filter(starts_at__gte=now).order_by("starts_at").first()
    if last is not None:
        parts.append(f"Last appointment: {_day(last.starts_at, zone)} ({last.title}).")
    if upcoming is not None:
        parts.append(f"Next appointment: {_day(upcoming.starts_at, zone)} ({upcoming.title}).")
    calls = Call.objects.filter(customer=customer, ended_at__isnull=False).order_by("-created_at")[:EARLIER_CALLS]
    for call in calls:
        summary = f": {call.summary.strip()}" if call.summary.strip() else ""
        parts.append(f"Call on {_day(call.created_at, zone)}: {call.get_outcome_display() or 'no outcome'}{summary}")
    return " ".join(parts)


def _day(moment, zone) -> str:
    return f"{moment.astimezone(zone):%A %d %B %Y}"
