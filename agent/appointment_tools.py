"""The call's tools for an appointment the customer already has (a reminder call, or a customer calling in):
which one it is, and keeping, moving or cancelling it — each answer written at once, on the appointment (and
its calendar event) and as the call's outcome, whatever happens to the line afterwards."""

from __future__ import annotations

import datetime as dt

from agent.dialogue.actions import Booked
from calendars.booking import appointment_cancel, appointment_confirm, appointment_reschedule
from calendars.models import Appointment
from calls.call_record import call_agent_end_record
from calls.models import Call, QueueEntry


def appointment_of_call(call: Call, *, now: dt.datetime) -> Appointment | None:
    """A reminder call's appointment; else the customer's next booked one; None when there is none to come."""
    booked = Appointment.objects.filter(status=Appointment.Status.BOOKED, starts_at__gt=now)
    entry = call.queue_entry if call.queue_entry_id else None
    if entry is not None and entry.reason == QueueEntry.Reason.REMINDER and entry.appointment_id:
        return booked.filter(pk=entry.appointment_id).first()
    if not call.customer_id:
        return None
    return booked.filter(customer_id=call.customer_id).order_by("starts_at").first()


class AppointmentTools:
    """Mixed into CallTools (which has `call`, `now()`)."""

    moving: Appointment | None = None  # set while the callee picks a new time for it: `book` moves it

    def appointment(self) -> Appointment | None:
        if not hasattr(self, "_appointment"):
            self._appointment = appointment_of_call(self.call, now=self.now())
        return self._appointment

    def appointment_confirm(self) -> None:
        appointment_confirm(appointment=self.appointment(), now=self.now())
        call_agent_end_record(call_id=self.call.pk, outcome=Call.Outcome.APPOINTMENT_CONFIRMED)

    def appointment_cancel(self) -> None:
        appointment_cancel(
            appointment=self.appointment(), comment="Cancelled by the customer on a call.", now=self.now()
        )
        call_agent_end_record(call_id=self.call.pk, outcome=Call.Outcome.APPOINTMENT_CANCELLED)

    def appointment_move_start(self) -> None:
        self.moving = self.appointment()

    def _move(self, starts_at: dt.datetime) -> Booked:
        result = appointment_reschedule(appointment=self.moving, starts_at=starts_at, now=self.now())
        if result.appointment is None or result.appointment.starts_at != starts_at:
            return Booked(False, alternatives=result.alternatives)
        call_agent_end_record(call_id=self.call.pk, outcome=Call.Outcome.RESCHEDULED)
        return Booked(True, starts_at, confirmed=result.confirmed_in_calendar)
