"""Writes for dialing that other rooms use: policy, the customer's profile, a call's recording, the agent's
status and flags (what a call came to is written by calls/call_record.py)."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

from calls.models import Call, DialingPolicy
from calls.selectors import call_history_of
from customers.services import customer_profile_record_calls
from issetter.models import Office


def dialing_policy_ensure(*, office: Office) -> DialingPolicy:
    policy, _ = DialingPolicy.objects.get_or_create(office=office)
    return policy


def customer_profile_refresh(*, customer_id: int) -> None:
    """Bring the customer's profile in line with their calls (safe to repeat: it recomputes)."""
    customer_profile_record_calls(customer_id=customer_id, history=call_history_of(customer_id=customer_id))


def call_recording_save(*, call_id: uuid.UUID | str, wav: bytes) -> str:
    """Keep the call's audio (a whole WAV file) as RECORDINGS_DIR/<office id>/<call uuid>.wav and note it on the
    call; returns that path relative to RECORDINGS_DIR. The file appears whole or not at all (written beside it,
    then renamed), so the call page never plays half a file; saving again replaces it."""
    if len(wav) < 12 or wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("A call recording must be a WAV file (RIFF/WAVE).")
    call = Call.objects.only("uuid", "office_id").get(pk=call_id)
    relative = f"{call.office_id}/{call.uuid}.wav"
    target = Path(settings.RECORDINGS_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{call.uuid}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(wav)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o640)  # the web process (same user or group) reads it; nobody else
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    Call.objects.filter(pk=call.pk).update(recording=relative)
    return relative


def call_agent_status_set(*, call_id: uuid.UUID | str, status: str) -> int | None:
    """Note what the agent is doing on the call now (one of `Call.AgentStatus`, "" when it is off the call), with
    one UPDATE that changes the row only when the status differs and the call has not ended — so a late word
    from the agent never outlives the call. Returns the call's office id when the status changed (the caller
    publishes that office's live block), None when nothing changed: no such call, the status was already so, or
    the call has ended."""
    if status and status not in Call.AgentStatus.values:
        raise ValueError(f"Unknown agent status {status!r}.")
    try:
        call_id = uuid.UUID(str(call_id))
    except ValueError:
        return None  # not a call id at all: no such call
    calls = Call.objects.filter(pk=call_id)
    if not calls.exclude(status=Call.Status.ENDED).exclude(agent_status=status).update(agent_status=status):
        return None
    return calls.values_list("office_id", flat=True).first()


def call_flag(*, call_id: uuid.UUID | str, reason: str) -> None:
    """Mark the call for staff's attention, with the reason the call page and the live list show."""
    Call.objects.filter(pk=call_id).update(flagged=True, flag_reason=reason[:255])
