"""Watching over calls in progress: the ones past their office's maximum length, and ending the ones
the switch no longer has although we never heard them end (the listener was away)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from calls.call_events import call_ended_follow_up
from calls.models import Call


def calls_overdue(*, now: dt.datetime) -> list[Call]:
    """Answered calls that have gone on longer than their office allows (default 600 s)."""
    answered = Call.objects.filter(status=Call.Status.ANSWERED, answered_at__isnull=False, flagged=False)
    with_limit = answered.annotate(limit=F("office__dialing_policy__max_call_seconds"))
    return [
        call
        for call in with_limit
        if now - call.answered_at > dt.timedelta(seconds=call.limit if call.limit is not None else 600)
    ]


def call_end_unseen(*, call: Call) -> int:
    """End a call whose end we missed: what we know decides the outcome, and it is flagged as such."""
    now = timezone.now()
    with transaction.atomic():
        updated = (
            Call.objects.filter(pk=call.pk)
            .exclude(status=Call.Status.ENDED)
            .update(
                status=Call.Status.ENDED,
                ended_at=now,
                outcome=call.outcome
                or (Call.Outcome.HUNG_UP if call.status == Call.Status.ANSWERED else Call.Outcome.NO_ANSWER),
                flagged=True,
                flag_reason="The switch no longer had this call and its end was not heard; no CDR.",
            )
        )
    if updated:
        call.refresh_from_db()
        call_ended_follow_up(call=call, now=now)
    return updated
