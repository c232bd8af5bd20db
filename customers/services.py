"""Writes for customers: the profile the calls and calendars apps keep current. (Imports live in
customer_import.py, the do-not-call list in do_not_call.py.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from customers.models import Customer
from issetter.models import Office


def customer_ensure(*, office: Office, phone: str, **fields) -> tuple[Customer, bool]:
    """The office's customer with this E.164 number, created with `fields` if new (existing data kept)."""
    Customer._meta.get_field("phone").run_validators(phone)
    return Customer.objects.get_or_create(office=office, phone=phone, defaults=fields)


@dataclass(frozen=True)
class CallHistory:
    """What the calls app knows about a customer's calls (all of them, so an update is idempotent)."""

    attempts: int
    answered: int
    last_contacted_at: dt.datetime | None
    last_answered_at: dt.datetime | None
    last_outcome: str


def customer_profile_record_calls(*, customer_id: int, history: CallHistory) -> None:
    """Called by the calls app when a call ends: the profile's call fields follow the full history."""
    Customer.objects.filter(pk=customer_id).update(
        attempt_count=history.attempts,
        answered_count=history.answered,
        last_contacted_at=history.last_contacted_at,
        last_answered_at=history.last_answered_at,
        last_outcome=history.last_outcome,
        updated_at=timezone.now(),
    )


def customer_profile_record_appointments(
    *, customer_id: int, next_appointment_at: dt.datetime | None, last_appointment_at: dt.datetime | None
) -> None:
    """Called by the calendars app when an appointment is booked, moved or cancelled."""
    Customer.objects.filter(pk=customer_id).update(
        next_appointment_at=next_appointment_at, last_appointment_at=last_appointment_at, updated_at=timezone.now()
    )
