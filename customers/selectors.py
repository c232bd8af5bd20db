"""Reads of customers, always inside one office."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from customers.criteria import SORTS, CustomerCriteria
from customers.models import Customer, DoNotCallEntry, ImportBatch
from issetter.models import Office


def customers_matching(
    *, office: Office, criteria: CustomerCriteria, now: dt.datetime | None = None
) -> QuerySet[Customer]:
    """The office's customers meeting every criterion, in the chosen order."""
    now = now or timezone.now()
    customers = Customer.objects.filter(office=office)
    customers = _search(customers, criteria.search)
    if criteria.tag:
        customers = customers.filter(tags__name=criteria.tag)
    if criteria.consent:
        customers = customers.filter(consent_status=criteria.consent)
    if criteria.contacted_before:
        customers = customers.filter(last_contacted_at__lt=_start_of(criteria.contacted_before, office))
    if criteria.contacted_after:
        customers = customers.filter(last_contacted_at__gte=_start_of(criteria.contacted_after, office))
    if criteria.never_answered:
        customers = customers.filter(last_answered_at__isnull=True)
    if criteria.answered_within_days:
        customers = customers.filter(last_answered_at__gte=now - dt.timedelta(days=criteria.answered_within_days))
    if criteria.appointment == "active":
        customers = customers.filter(next_appointment_at__gte=now)
    elif criteria.appointment == "none":
        customers = customers.filter(Q(next_appointment_at__isnull=True) | Q(next_appointment_at__lt=now))
    if criteria.last_outcome:
        customers = customers.filter(last_outcome=criteria.last_outcome)
    if criteria.attempts_below:
        customers = customers.filter(attempt_count__lt=criteria.attempts_below)
    return customers.order_by(*SORTS.get(criteria.sort, SORTS["name"]))


def _search(customers: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Every word must match a name or the email; a query with 3+ digits also matches the phone."""
    text = text.strip()
    if not text:
        return customers
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 3 and len(digits) >= len(text.replace(" ", "")) // 2:
        if len(digits) == 10 and not text.lstrip().startswith("+"):
            digits = "1" + digits  # a US number written without its country code
        return customers.filter(phone__contains=digits)
    for word in text.split():
        customers = customers.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return customers


def _start_of(day: dt.date, office: Office) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)


def customer_list(*, office: Office, search: str = "") -> QuerySet[Customer]:
    return customers_matching(office=office, criteria=CustomerCriteria(search=search))


def customer_count(*, office: Office) -> int:
    return Customer.objects.filter(office=office).count()


def outcomes_seen(*, office: Office) -> list[str]:
    """The last outcomes the office's customers have, for the filter's choices."""
    return sorted(
        Customer.objects.filter(office=office)
        .exclude(last_outcome="")
        .values_list("last_outcome", flat=True)
        .distinct()
    )


def do_not_call_count(*, office: Office) -> int:
    return DoNotCallEntry.objects.filter(office=office).count()


def import_batches_recent(*, office: Office, limit: int = 5) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(office=office).order_by("-created_at")[:limit]
