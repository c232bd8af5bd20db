"""Writes to the call queue: add a whole filtered set in one statement, add one, remove, clear."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from calls.models import QueueEntry
from customers.models import Customer, DoNotCallEntry
from issetter.models import Office


class QueueError(Exception):
    """The customer cannot be queued; the message says why."""


def queueable(customers: QuerySet[Customer], office: Office) -> QuerySet[Customer]:
    """Those of `customers` that may be queued: not do-not-call, not on the list, not already queued."""
    return (
        customers.filter(office=office, do_not_call=False)
        .exclude(phone__in=DoNotCallEntry.objects.filter(office=office).values("phone"))
        .exclude(queue_entries__status__in=QueueEntry.OPEN_STATUSES)
    )


def queue_add_matching(
    *, office: Office, customers: QuerySet[Customer], added_by=None, priority: int = 0, now: dt.datetime | None = None
) -> int:
    """Queue every customer of `customers` that may be queued, in one INSERT … SELECT; returns how many."""
    now = now or timezone.now()
    ids = queueable(customers, office).order_by().values_list("id", flat=True).distinct()
    select_sql, select_params = ids.query.sql_with_params()
    table = QueueEntry._meta.db_table
    columns = "office_id, customer_id, status, reason, priority, note, skip_reason, added_by_id, created_at, updated_at"
    values = "%s, matching.id, %s, %s, %s, '', '', %s, %s, %s"
    insert = "INSERT OR IGNORE INTO" if connection.vendor == "sqlite" else "INSERT INTO"
    conflict = "" if connection.vendor == "sqlite" else " ON CONFLICT DO NOTHING"  # raced by another adder
    # Only constants and Django's own parameterised subquery go into the text; values travel as params.
    sql = f"{insert} {table} ({columns}) SELECT {values} FROM ({select_sql}) AS matching{conflict}"  # noqa: S608
    params = [
        office.pk,
        QueueEntry.Status.WAITING,
        QueueEntry.Reason.MANUAL,
        priority,
        getattr(added_by, "pk", None),
        now,
        now,
        *select_params,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def queue_add_customer(*, office: Office, customer: Customer, added_by=None, priority: int = 0) -> QueueEntry:
    if customer.office_id != office.pk:
        raise QueueError("That customer belongs to another office.")
    if customer.do_not_call or DoNotCallEntry.objects.filter(office=office, phone=customer.phone).exists():
        raise QueueError(f"{customer} is on the do-not-call list and cannot be queued.")
    existing = QueueEntry.objects.filter(customer=customer, status__in=QueueEntry.OPEN_STATUSES).first()
    if existing:
        return existing
    return QueueEntry.objects.create(office=office, customer=customer, added_by=added_by, priority=priority)


def queue_entry_remove(*, office: Office, entry_id: int) -> bool:
    """Take a waiting entry off the queue (a call in progress is not touched)."""
    return bool(
        QueueEntry.objects.filter(office=office, pk=entry_id, status=QueueEntry.Status.WAITING).update(
            status=QueueEntry.Status.REMOVED, updated_at=timezone.now()
        )
    )


def queue_clear(*, office: Office) -> int:
    """Remove every waiting entry of the office; returns how many."""
    return QueueEntry.objects.filter(office=office, status=QueueEntry.Status.WAITING).update(
        status=QueueEntry.Status.REMOVED, updated_at=timezone.now()
    )


def queue_entry_add_if_free(**fields) -> QueueEntry | None:
    """A new waiting entry, unless the customer already has an open one (that one stands): None then."""
    try:
        with transaction.atomic():
            return QueueEntry.objects.create(**fields)
    except IntegrityError:
        return None
