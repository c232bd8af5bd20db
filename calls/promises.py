"""Promises staff make and the alerts about promises not kept: a callback promised from the profile, and an
alert dismissed by hand (the scheduler resolves the rest itself once the call is made)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from calls.alert_models import Alert
from calls.models import QueueEntry
from customers.models import DoNotCallEntry


class PromiseError(Exception):
    """The callback cannot be promised; the message says why."""


def callback_promise(
    *, customer, at: dt.datetime, promised_by=None, note: str = "", now: dt.datetime | None = None
) -> QueueEntry:
    """Staff promised to call the customer back at `at`: they wait in the queue until then (replacing a waiting
    entry), and the scheduler dials them at that time (or the nearest time the calling rules allow)."""
    if (
        customer.do_not_call
        or DoNotCallEntry.objects.filter(office_id=customer.office_id, phone=customer.phone).exists()
    ):
        raise PromiseError(f"{customer} is on the do-not-call list: no callback can be promised.")
    if at < (now or timezone.now()) - dt.timedelta(minutes=1):
        raise PromiseError("That time has passed: choose a time to come.")
    with transaction.atomic():
        if QueueEntry.objects.filter(customer=customer, status=QueueEntry.Status.CALLING).exists():
            raise PromiseError(f"{customer} is being called right now: promise the callback after the call.")
        QueueEntry.objects.filter(customer=customer, status=QueueEntry.Status.WAITING).update(
            status=QueueEntry.Status.REMOVED, updated_at=timezone.now()
        )
        return QueueEntry.objects.create(
            office_id=customer.office_id,
            customer=customer,
            reason=QueueEntry.Reason.CALLBACK,
            due_at=at,
            promised_for=at,
            priority=10,
            added_by=promised_by,
            note=(note or "Callback promised by staff")[:255],
        )


def alert_dismiss(*, alert: Alert, by=None) -> bool:
    return bool(
        Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by, resolution=f"Dismissed by {getattr(by, 'email', 'staff')}."
        )
    )
