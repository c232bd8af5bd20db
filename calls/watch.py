"""Watching over calls in progress: the ones past their office's maximum length, and ending the ones
the switch no longer has although we never heard them end (the listener was away)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from calls.call_events import call_ended_follow_up
from calls.models import Call

DEFAULT_MAX_CALL_SECONDS = 600  # an office with no policy row yet (the policy's own default)


def calls_overdue(*, now: dt.datetime) -> list[Call]:
    """Answered calls that have gone on longer than their office allows; each carries its `limit` (s)."""
    answered = Call.objects.filter(status=Call.Status.ANSWERED, answered_at__isnull=False, flagged=False)
    overdue = []
    for call in answered.annotate(limit=F("office__dialing_policy__max_call_seconds")):
        call.limit = DEFAULT_MAX_CALL_SECONDS if call.limit is None else call.limit
        if now - call.answered_at > dt.timedelta(seconds=call.limit):
            overdue.append(call)
    return overdue


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
                agent_status="",
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
