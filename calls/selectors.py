"""Reads of the queue and calls, always inside one office."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from calls.models import Call, QueueEntry
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
