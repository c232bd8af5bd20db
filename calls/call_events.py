"""What a switch event does to our records: the Call state machine (queued → dialing → ringing →
answered → ended, with an outcome), the CDR at hangup, and everything that follows a call's end (the
queue entry, retries, the customer's profile, the live page).

Events may repeat (a replay after reconnecting) or arrive out of order (BACKGROUND_JOB before or after
the hangup, HANGUP_COMPLETE before ANSWER was processed): each is stored once per (call, name,
sequence), a status only moves forward, and the end is applied once — so applying an event twice
changes nothing.

This runs for every event of every call (≈ 6 per call), so it is kept to four statements in one
transaction: lock the call, insert the event (a repeat is ignored by the database), update the fields
that changed, commit.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid as uuidlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from calls.call_summary import call_summary_write
from calls.campaigns import campaign_of_call, campaign_retry_at
from calls.inbound import inbound_call_open
from calls.models import Call, CallEvent, Campaign, DialingPolicy, QueueEntry
from calls.queue_services import queue_entry_add_if_free
from calls.telephony.fork_protocol import GOODBYE, ForkEvent

log = logging.getLogger(__name__)

RANK = {status: rank for rank, status in enumerate(Call.Status.values)}  # queued < dialing < … < ended
CAUSE_OUTCOMES = {
    "NO_ANSWER": Call.Outcome.NO_ANSWER,
    "NO_USER_RESPONSE": Call.Outcome.NO_ANSWER,
    "ORIGINATOR_CANCEL": Call.Outcome.NO_ANSWER,
    "ALLOTTED_TIMEOUT": Call.Outcome.NO_ANSWER,
    "USER_BUSY": Call.Outcome.BUSY,
    "CALL_REJECTED": Call.Outcome.BUSY,  # the person declined the call: try again later, as for busy
}
ANSWERED_ENDINGS = {"NORMAL_CLEARING", "MANAGER_REQUEST", "ALLOTTED_TIMEOUT", "NORMAL_UNSPECIFIED"}
# What the listener subscribes to. Not CHANNEL_OUTGOING (the same moment as CHANNEL_CREATE for the legs we
# originate) nor CHANNEL_HANGUP (HANGUP_COMPLETE follows at once with the CDR): they would add a third
# more events to handle and change nothing.
CHANNEL_EVENTS = (
    "CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB DTMF"
)
# The fields an event may change (saved only when they did).
EVENT_FIELDS = (
    "status",
    "outcome",
    "originated_at",
    "ringing_at",
    "answered_at",
    "ended_at",
    "last_event_at",
    "hangup_cause",
    "hangup_cause_q850",
    "duration_seconds",
    "billsec",
    "cdr",
    "answered_by",
    "beep_detected_at",
    "agent_status",
    "flagged",
    "flag_reason",
)
CUSTOM_EVENTS = " ".join(["avmd::beep", *ForkEvent])
# The agent's fork as mod_audio_fork reports its end: `disconnect` carries the data of the agent's own
# {"type": "disconnect", "data": {"reason": GOODBYE}} (it hangs up), and no body when the connection
# dropped from the agent's end (its process died); `connect_failed` when it could not be reached at all.
AGENT_LOST = {
    ForkEvent.DISCONNECT: (
        "The agent stopped in the middle of the call (its connection dropped), so the call was ended."
    ),
    ForkEvent.CONNECT_FAILED: "The agent could not be reached when the call was answered, so the call was ended.",
}
# How the listener hangs up a call whose agent was lost: not a normal clearing, so the call ends `failed` (the
# office's rule for failed calls retries it once) unless the agent had already booked, or a callback or an
# opt-out was recorded.
AGENT_LOST_CAUSE = "NORMAL_TEMPORARY_FAILURE"


@dataclass(frozen=True)
class Applied:
    """What an event changed, for the listener's follow-up work (start the agent, publish)."""

    call: Call
    answered_now: bool = False
    ended_now: bool = False
    ringing_now: bool = False
    changed: bool = False
    agent_lost: bool = False  # the agent left the answered call without its goodbye: end it (AGENT_LOST_CAUSE)


def call_event_record(*, headers: dict[str, str], body: str = "", now: dt.datetime | None = None) -> Applied | None:
    """Apply one switch event; None when it is not about one of our calls. A repeat changes nothing."""
    now = now or timezone.now()
    name = headers.get("Event-Name", "")
    call_id = _call_id_of(headers)
    if call_id is None:
        return None
    subclass = headers.get("Event-Subclass", "")
    sequence = _int(headers.get("Event-Sequence"))
    with transaction.atomic():  # one commit per event: the event kept and its effect applied together
        # The row lock serialises every event of this call.
        call = Call.objects.select_for_update().filter(pk=call_id).order_by().first()
        if call is None:
            call = inbound_call_open(headers=headers, call_id=call_id, now=now)  # someone calling the office
        if call is None:
            return None  # not one of our calls
        kept = CallEvent(
            call=call,
            name=name,
            subclass=subclass,
            sequence=sequence,
            occurred_at=_moment(headers.get("Event-Date-Timestamp")) or now,
            headers=headers,
            body=body,
        )
        CallEvent.objects.bulk_create([kept], ignore_conflicts=True)  # a repeat (same call, name, sequence): kept once
        applied = _apply(call, name, subclass, headers, body, now)
    if applied.ended_now or (name == "CHANNEL_HANGUP_COMPLETE" and _follow_up_missing(applied.call)):
        # The second case: a replayed hangup whose first application committed but whose follow-up was cut
        # short (the database went away in between); the follow-up is all or nothing, so it is due in full.
        call_ended_follow_up(call=applied.call, now=now)
    return applied


def _follow_up_missing(call: Call) -> bool:
    """An ended call whose queue entry still says calling: its end's follow-up never committed."""
    return (
        call.status == Call.Status.ENDED
        and call.queue_entry_id is not None
        and QueueEntry.objects.filter(pk=call.queue_entry_id, status=QueueEntry.Status.CALLING).exists()
    )


def _apply(call: Call, name: str, subclass: str, headers: dict, body: str, now: dt.datetime) -> Applied:
    loaded = {field: getattr(call, field) for field in EVENT_FIELDS}
    before = (call.status, call.answered_by, call.outcome)
    call.last_event_at = now
    answered_now = ended_now = ringing_now = agent_lost = False
    if name in ("CHANNEL_CREATE", "CHANNEL_OUTGOING"):
        _advance(call, Call.Status.DIALING)
        call.originated_at = call.originated_at or now
    elif name in ("CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA"):
        if _advance(call, Call.Status.RINGING):
            call.ringing_at = call.ringing_at or now
            ringing_now = True
    elif name == "CHANNEL_ANSWER":
        answered_now = _advance(call, Call.Status.ANSWERED)
        call.answered_at = call.answered_at or now
    elif name == "CUSTOM" and subclass == "avmd::beep":
        call.answered_by = Call.AnsweredBy.MACHINE
        call.beep_detected_at = call.beep_detected_at or now
    elif name == "CUSTOM" and _agent_lost(call, subclass, body):
        call.flagged, call.flag_reason, agent_lost = True, AGENT_LOST[subclass], True
    elif name == "CHANNEL_HANGUP_COMPLETE":
        ended_now = _end(call, headers, now)
    elif name == "BACKGROUND_JOB" and body.startswith("-ERR") and call.status != Call.Status.ENDED:
        if not call.events.filter(name__in=("CHANNEL_CREATE", "CHANNEL_OUTGOING")).exists():
            # Refused before a channel existed (gateway down, bad number): no hangup event will come.
            cause = body.removeprefix("-ERR").strip().split()[0] if body.strip() != "-ERR" else "FAILED"
            ended_now = _end(call, {"Hangup-Cause": cause}, now)
    call.save(update_fields=[field for field in EVENT_FIELDS if getattr(call, field) != loaded[field]])
    changed = before != (call.status, call.answered_by, call.outcome) or ended_now
    return Applied(
        call=call, answered_now=answered_now, ended_now=ended_now, changed=changed, ringing_now=ringing_now,
        agent_lost=agent_lost,
    )  # fmt: skip


def _agent_lost(call: Call, subclass: str, body: str) -> bool:
    """The agent's fork ended without the agent's goodbye while the callee is on the line (a call put through
    to a person goes on without the agent)."""
    if subclass not in AGENT_LOST or call.status != Call.Status.ANSWERED or call.outcome == Call.Outcome.TRANSFERRED:
        return False
    return subclass == ForkEvent.CONNECT_FAILED or _fork_reason(body) != GOODBYE


def _fork_reason(body: str) -> str:
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        return ""
    return str(data.get("reason", "")) if isinstance(data, dict) else ""


def _advance(call: Call, status: str) -> bool:
    if RANK[status] <= RANK[call.status]:
        return False
    call.status = status
    return True


def _end(call: Call, headers: dict, now: dt.datetime) -> bool:
    if call.status == Call.Status.ENDED:
        return False
    variables = {key.removeprefix("variable_"): value for key, value in headers.items() if key.startswith("variable_")}
    cause = headers.get("Hangup-Cause") or variables.get("hangup_cause") or "NORMAL_CLEARING"
    call.status = Call.Status.ENDED
    call.agent_status = ""  # nobody is speaking or listening on an ended call
    call.ended_at = _moment(variables.get("end_uepoch")) or now
    answered = _moment(variables.get("answer_uepoch"))
    if answered and not call.answered_at:
        call.answered_at = answered
    call.hangup_cause = cause
    call.hangup_cause_q850 = _int(variables.get("hangup_cause_q850"))
    call.duration_seconds = _int(variables.get("duration"))
    call.billsec = _int(variables.get("billsec"))
    if variables:
        call.cdr = variables
    call_outcome_settle(call, cause=cause)
    return True


def call_outcome_settle(call: Call, *, cause: str) -> None:
    """An ending call's outcome (one the agent recorded stands) and who answered, from the hangup cause and what
    was heard on the call: for an end heard from the switch, and for one that was not (`calls.watch`)."""
    call.outcome = call.outcome or _outcome(call, cause)
    if call.answered_at and call.answered_by == Call.AnsweredBy.UNKNOWN and call.outcome not in CAUSE_OUTCOMES.values():
        call.answered_by = Call.AnsweredBy.HUMAN if not call.beep_detected_at else Call.AnsweredBy.MACHINE


def _outcome(call: Call, cause: str) -> str:
    if call.answered_at and cause in ANSWERED_ENDINGS:
        if call.answered_by == Call.AnsweredBy.MACHINE or call.beep_detected_at:
            # A machine took the call: a message left is a voicemail; none is as good as no answer.
            return Call.Outcome.VOICEMAIL_LEFT if call.voicemail_message else Call.Outcome.NO_ANSWER
        return Call.Outcome.HUNG_UP  # answered, and nothing the agent recorded says otherwise
    return CAUSE_OUTCOMES.get(cause, Call.Outcome.FAILED)  # AGENT_LOST_CAUSE too: the agent was lost


def call_ended_follow_up(*, call: Call, now: dt.datetime) -> None:
    """Once per ended call: close its queue entry, queue a retry the office's policy asks for, and
    bring the customer's profile up to date — all in one transaction, so a replay finds it done or not."""
    with transaction.atomic():
        _follow_up(call, now)


def _follow_up(call: Call, now: dt.datetime) -> None:
    from calls.services import customer_profile_refresh

    call_summary_write(call=call)
    if call.queue_entry_id:
        QueueEntry.objects.filter(pk=call.queue_entry_id, status=QueueEntry.Status.CALLING).update(
            status=QueueEntry.Status.DONE, updated_at=now
        )
    campaign = campaign_of_call(call)
    outbound = call.direction == Call.Direction.OUTBOUND and call.customer_id
    retry_at = _retry_at(call, campaign) if outbound else None
    if retry_at is not None:  # unless someone queued the customer meanwhile: that entry stands
        queue_entry_add_if_free(
            office_id=call.office_id,
            customer_id=call.customer_id,
            reason=QueueEntry.Reason.RETRY,
            due_at=retry_at,
            campaign=campaign,  # a campaign's retry is dialed by the campaign, in its hours
            note=f"Retry after {call.get_outcome_display().lower()}",
        )
    if call.customer_id:  # a caller we do not know has no profile
        customer_profile_refresh(customer_id=call.customer_id)


def call_retry_at(*, call: Call) -> dt.datetime | None:
    """When to try this customer again after `call`, by the office's policy (None: not automatically).
    No answer or busy: after N minutes, up to M attempts since they were last queued by hand; failed: once.
    A call made for a campaign follows the campaign's own retry rules instead."""
    return _retry_at(call, campaign_of_call(call))


def _retry_at(call: Call, campaign: Campaign | None) -> dt.datetime | None:
    if campaign is not None:
        return campaign_retry_at(campaign=campaign, call=call)
    policy, _ = DialingPolicy.objects.get_or_create(office_id=call.office_id)
    ended = call.ended_at or timezone.now()
    if call.outcome in (Call.Outcome.NO_ANSWER, Call.Outcome.BUSY):
        if _attempts_this_round(call) >= policy.max_attempts:
            return None
        return ended + dt.timedelta(minutes=policy.retry_no_answer_minutes)
    if call.outcome == Call.Outcome.FAILED and policy.retry_failed_once:
        previous = Call.objects.filter(customer_id=call.customer_id, created_at__lt=call.created_at)
        last = previous.order_by("-created_at").values_list("outcome", flat=True).first()
        if last != Call.Outcome.FAILED:
            return ended + dt.timedelta(minutes=policy.retry_no_answer_minutes)
    return None


def _attempts_this_round(call: Call) -> int:
    """Calls to the customer since staff (or a callback) last queued them."""
    started = (
        QueueEntry.objects.filter(customer_id=call.customer_id)
        .exclude(reason=QueueEntry.Reason.RETRY)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    calls = Call.objects.filter(customer_id=call.customer_id)
    if started:
        calls = calls.filter(created_at__gte=started)
    return calls.count()


def _call_id_of(headers: dict) -> uuidlib.UUID | None:
    """Our call's id: the channel's uuid (= origination_uuid), our own variable, or the bgapi Job-UUID
    (we name each originate job after its call)."""
    if headers.get("Event-Name") == "BACKGROUND_JOB":
        candidate = headers.get("Job-UUID", "")
    else:
        candidate = headers.get("variable_app_call_uuid") or headers.get("Unique-ID", "")
    try:
        return uuidlib.UUID(candidate)
    except ValueError:
        return None  # not a channel of ours


def _moment(microseconds: str | None) -> dt.datetime | None:
    value = _int(microseconds)
    return dt.datetime.fromtimestamp(value / 1_000_000, tz=dt.UTC) if value else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None
