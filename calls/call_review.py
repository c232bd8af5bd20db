"""Staff reviewing a call: correcting what it came to (the agent's outcome is kept beside the correction), and
what the call page shows of it — the appointment it booked, and each turn's place in the recording."""

from __future__ import annotations

from django.utils import timezone

from calendars.models import Appointment
from calls.call_summary import call_summary_write
from calls.models import Call


class ReviewError(ValueError):
    pass


def call_outcome_review(*, call: Call, outcome: str, user) -> Call:
    """Staff's outcome for `call` ("" takes the correction back); the agent's stays in `outcome`."""
    if outcome and outcome not in Call.Outcome.values:
        raise ReviewError(f"{outcome!r} is not an outcome.")
    if call.status != Call.Status.ENDED:
        raise ReviewError("The call has not ended yet: correct its outcome once it has.")
    corrected = outcome if outcome != call.outcome else ""
    Call.objects.filter(pk=call.pk).update(
        reviewed_outcome=corrected,
        reviewed_by=user if corrected else None,
        reviewed_at=timezone.now() if corrected else None,
    )
    call.refresh_from_db(fields=["reviewed_outcome", "reviewed_by", "reviewed_at"])
    call_summary_write(call=call)  # the summary says what the call came to
    return call


def call_appointment(*, call: Call) -> Appointment | None:
    return Appointment.objects.filter(office_id=call.office_id, source_call_uuid=call.uuid).first()
