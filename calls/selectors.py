"""Reads of the queue and calls, always inside one office."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q, QuerySet

from calls.models import Call, QueueEntry
from customers.services import CallHistory
from issetter.models import Office


def queue_open_entries(*, office: Office) -> QuerySet[QueueEntry]:
    return (
        QueueEntry.objects.filter(office=office, status__in=QueueEntry.OPEN_STATUSES)
        .select_related("customer")
        .order_by("-priority", "created_at", "id")
    )


def call_list(*, office: Office) -> QuerySet[Call]:
    return Call.objects.filter(office=office).select_related("customer").order_by("-created_at")


def call_figures_between(*, office: Office, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Counts of calls placed in [start, end): total, answered by a person, voicemails left, booked."""
    return Call.objects.filter(office=office, created_at__gte=start, created_at__lt=end).aggregate(
        placed=Count("uuid"),
        answered=Count("uuid", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
        voicemail=Count("uuid", filter=Q(outcome=Call.Outcome.VOICEMAIL_LEFT)),
        booked=Count("uuid", filter=Q(outcome=Call.Outcome.BOOKED)),
    )


def queue_counts(*, office: Office, now: dt.datetime) -> dict[str, int]:
    """Waiting now, waiting for later (retries, callbacks), being called, and held by do-not-call."""
    entries = QueueEntry.objects.filter(office=office, status__in=QueueEntry.OPEN_STATUSES)
    return entries.aggregate(
        due=Count("id", filter=Q(status=QueueEntry.Status.WAITING) & (Q(due_at__isnull=True) | Q(due_at__lte=now))),
        later=Count("id", filter=Q(status=QueueEntry.Status.WAITING, due_at__gt=now)),
        calling=Count("id", filter=Q(status=QueueEntry.Status.CALLING)),
        do_not_call=Count("id", filter=Q(customer__do_not_call=True)),
        total=Count("id"),
    )


def call_history_of(*, customer_id: int) -> CallHistory:
    """Every finished call of the customer, summarised for the profile."""
    ended = Call.objects.filter(customer_id=customer_id, status=Call.Status.ENDED)
    figures = ended.aggregate(
        attempts=Count("uuid"),
        answered=Count("uuid", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
        last_contacted_at=Max("created_at"),
        last_answered_at=Max("answered_at", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
    )
    latest = ended.order_by("-created_at").values_list("outcome", flat=True).first()
    return CallHistory(last_outcome=latest or "", **figures)
