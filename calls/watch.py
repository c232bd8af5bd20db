"""Watching over calls in progress: the ones past their office's maximum length, ending the ones the switch
no longer has although we never heard them end (the listener was away, or the switch restarted), and
finishing the follow-up of an end a killed listener committed without it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from calls.call_events import call_ended_follow_up, call_outcome_settle
from calls.models import Call, QueueEntry

DEFAULT_MAX_CALL_SECONDS = 600  # an office with no policy row yet (the policy's own default)
FLAG_REASON_LENGTH = Call._meta.get_field("flag_reason").max_length
# Why a call was ended without its end heard (its flag reason, read by staff on the call page).
VANISHED = "The switch no longer had this call and its end was not heard; no CDR."
ENDED_WHILE_AWAY = (
    "The switch no longer had this call: it ended while the event listener was away (stopped, or cut off from "
    "the switch), so how it ended was not heard; no CDR."
)
LOST_IN_SWITCH_RESTART = (
    "The switch no longer had this call: the switch restarted while the call was up, and the call was cut off "
    "with it; no CDR."
)


def calls_overdue(*, now: dt.datetime) -> list[Call]:
    """Answered calls that have gone on longer than their office allows; each carries its `limit` (s)."""
    answered = Call.objects.filter(status=Call.Status.ANSWERED, answered_at__isnull=False, flagged=False)
    overdue = []
    for call in answered.annotate(limit=F("office__dialing_policy__max_call_seconds")):
        call.limit = DEFAULT_MAX_CALL_SECONDS if call.limit is None else call.limit
        if now - call.answered_at > dt.timedelta(seconds=call.limit):
            overdue.append(call)
    return overdue


def call_end_unseen(*, call: Call, switch_now: str = "", after_absence: bool = False) -> int:
    """End a call the switch no longer has although we never heard it end. What was heard decides the outcome
    as it would for a heard end (answered: hung up, or booked, or a machine's; never heard answering: no
    answer), and the call is flagged with why its end is unknown. `switch_now` is the switch's Core-UUID (a
    call last heard from another switch was lost in a restart); `after_absence`: the listener has just
    (re)connected, so the call ended while it was away. Returns 1 if it ended the call, 0 if it had ended."""
    now = timezone.now()
    with transaction.atomic():  # locked as an event would lock it: an end heard meanwhile wins
        call = Call.objects.select_for_update().filter(pk=call.pk).exclude(status=Call.Status.ENDED).first()
        if call is None:
            return 0
        reason = _unseen_end_reason(call, switch_now, after_absence)
        call.status, call.ended_at, call.agent_status = Call.Status.ENDED, now, ""
        call_outcome_settle(call, cause="NORMAL_CLEARING" if call.answered_at else "NO_ANSWER")
        call.flagged = True
        call.flag_reason = _flag_reason_add(call.flag_reason, reason)
        call.save(
            update_fields=["status", "ended_at", "agent_status", "outcome", "answered_by", "flagged", "flag_reason"]
        )
    call_ended_follow_up(call=call, now=now)
    return 1


def call_follow_ups_complete(*, now: dt.datetime | None = None) -> int:
    """Ended calls whose follow-up never ran: an end and its follow-up are two transactions, and a listener killed
    between them leaves the call's queue entry `calling`. Each is followed up now; returns how many."""
    stranded = list(Call.objects.filter(status=Call.Status.ENDED, queue_entry__status=QueueEntry.Status.CALLING))
    for call in stranded:
        call_ended_follow_up(call=call, now=now or timezone.now())
    return len(stranded)


def _unseen_end_reason(call: Call, switch_now: str, after_absence: bool) -> str:
    last = call.events.order_by("-id").values_list("headers", flat=True).first() or {}
    heard_from = last.get("Core-UUID", "")
    if switch_now and heard_from and heard_from != switch_now:
        return LOST_IN_SWITCH_RESTART
    return ENDED_WHILE_AWAY if after_absence else VANISHED


def _flag_reason_add(earlier: str, reason: str) -> str:
    text = f"{earlier} {reason}".strip()
    return text if len(text) <= FLAG_REASON_LENGTH else text[: FLAG_REASON_LENGTH - 1] + "…"
