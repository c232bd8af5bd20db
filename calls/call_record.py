"""A call's record while the agent is on it: its turns as they happen, what the call came to (booked the moment
the booking succeeds; a callback, a wrong number, an opt-out, a voicemail message when the agent decides
them) and the agent's end of it.

Two processes write a call: the telephony listener (its events: answered, beep, hung up) and the agent. Every
write here takes the call's row lock, the lock the listener takes for each event (calls/call_events.py), so
neither writes over the other. The customer's profile is brought up to date once per call, by the end's
follow-up — and again only when the agent's last word lands after that follow-up ran (the line dropped while
the agent was saying goodbye), since the profile then shows an outcome the agent has just replaced.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Max

from calls.call_summary import call_summary_write
from calls.models import Call, DialRun, QueueEntry, Turn
from calls.services import customer_profile_refresh


def call_turn_add(
    *, call_id, index: int, speaker: str, text: str, started_ms: int, ended_ms: int, confidence: float | None
) -> None:
    with transaction.atomic():
        _locked(call_id)
        Turn.objects.create(
            call_id=call_id, index=index, speaker=speaker, text=text, started_ms=max(0, started_ms),
            ended_ms=max(0, ended_ms), confidence=confidence,
        )  # fmt: skip


def call_turn_heard_set(*, call_id, index: int, text: str, confidence: float) -> None:
    """The words of a callee's turn once recognised (the turn was saved when it ended, before them)."""
    with transaction.atomic():
        _locked(call_id)
        Turn.objects.filter(call_id=call_id, index=index).update(text=text, confidence=confidence)


def call_turn_understood_set(*, call_id, index: int, understood: str) -> None:
    """How the agent understood a callee's turn (shown beside it on the call page)."""
    with transaction.atomic():
        _locked(call_id)
        Turn.objects.filter(call_id=call_id, index=index).update(understood=understood[:120])


def call_turn_last_index(*, call_id) -> int:
    """The index of the call's last saved turn (0: none), so a fork that connects again goes on from it."""
    return Turn.objects.filter(call_id=call_id).aggregate(last=Max("index"))["last"] or 0


def call_booked_record(*, call_id) -> None:
    """The agent booked an appointment on this call: it is booked from now, whatever happens to the line."""
    with transaction.atomic():
        call = _locked(call_id)
        if call is not None and call.outcome != Call.Outcome.BOOKED:
            call.outcome = Call.Outcome.BOOKED
            call.save(update_fields=["outcome"])
            _profile_refreshed_if_ended(call)


def callback_schedule(*, call, at: dt.datetime, note: str = "") -> QueueEntry:
    """The person asked to be called back at `at`: the call's outcome says so and the customer waits in
    the queue until then (replacing a waiting entry they may have, e.g. an automatic retry)."""
    with transaction.atomic():
        locked = _locked(call.pk)
        Call.objects.filter(pk=call.pk).update(outcome=Call.Outcome.CALLBACK)
        QueueEntry.objects.filter(customer_id=call.customer_id, status=QueueEntry.Status.WAITING).update(
            status=QueueEntry.Status.REMOVED
        )
        if call.queue_entry_id:  # the entry this call came from is done: the callback takes its place
            QueueEntry.objects.filter(pk=call.queue_entry_id, status=QueueEntry.Status.CALLING).update(
                status=QueueEntry.Status.DONE
            )
        entry = QueueEntry.objects.create(
            office_id=call.office_id,
            customer_id=call.customer_id,
            reason=QueueEntry.Reason.CALLBACK,
            due_at=at,
            promised_for=at,
            added_by_id=_run_starter_id(call),  # the callback books into the same calendar as this call would
            priority=10,  # a promise to the customer comes before the rest of the queue
            note=(note or "Callback requested on the call")[:255],
        )
        if locked is not None:
            _profile_refreshed_if_ended(locked)
        return entry


def _run_starter_id(call) -> int | None:
    return DialRun.objects.filter(pk=call.dial_run_id).values_list("started_by_id", flat=True).first()


def call_wrong_number_record(*, call) -> None:
    """The person who answered said the number is not the customer's: the call's outcome says so, and no
    waiting entry (a retry, a callback) calls the number again; the profile shows it to staff
    (`Customer.last_outcome`), and the calling rules hold the customer back until the number is changed."""
    with transaction.atomic():
        locked = _locked(call.pk)
        Call.objects.filter(pk=call.pk).update(outcome=Call.Outcome.WRONG_PERSON)
        QueueEntry.objects.filter(customer_id=call.customer_id, status=QueueEntry.Status.WAITING).update(
            status=QueueEntry.Status.REMOVED
        )
        if locked is not None:
            _profile_refreshed_if_ended(locked)


def call_agent_end_record(*, call_id, outcome: str, voicemail_message: str = "", machine: bool = False) -> None:
    """The agent is done with the call: what it came to (a callback's outcome is written with its queue
    entry), the message it left on a machine, and that a machine answered."""
    with transaction.atomic():
        call = _locked(call_id)
        if call is None:
            return
        if outcome and outcome != Call.Outcome.CALLBACK:
            call.outcome = outcome
        if voicemail_message:
            call.voicemail_message = voicemail_message
        if voicemail_message or machine:
            call.answered_by = Call.AnsweredBy.MACHINE
        call.save(update_fields=["outcome", "voicemail_message", "answered_by"])
        _profile_refreshed_if_ended(call)


def _locked(call_id) -> Call | None:
    try:
        call_id = uuid.UUID(str(call_id))
    except ValueError:
        return None
    return Call.objects.select_for_update().filter(pk=call_id).order_by().first()


def _profile_refreshed_if_ended(call: Call) -> None:
    """The end's follow-up already brought the profile and the summary up to date with what the call was then:
    again, now."""
    if call.status == Call.Status.ENDED:
        call_summary_write(call=call)
    if call.status == Call.Status.ENDED and call.customer_id:
        customer_profile_refresh(customer_id=call.customer_id)
