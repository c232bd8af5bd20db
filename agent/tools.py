"""What the dialogue policy may do on a call, as services of the other apps: offer and check times and
book (calendars), schedule a callback (calls), add the number to the do-not-call list (customers). The
clock is injectable (`simulate --now`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from agent.appointment_tools import AppointmentTools
from agent.calendar_times import CalendarTimes
from agent.dialogue.policy import Booked
from agent.offers_on_the_table import offers_elsewhere, offers_made, offers_withdrawn
from calendars.booking import appointment_book
from calendars.models import Appointment
from calendars.services import booking_calendar_of
from calendars.slots import Interval
from calls.call_record import call_booked_record, call_wrong_number_record, callback_schedule
from calls.inbound import caller_message_record
from calls.models import Call
from customers.do_not_call import dnc_add
from customers.models import DoNotCallEntry

CALLBACK_DEFAULT = dt.timedelta(days=1)
OFFERS_KEEP = dt.timedelta(minutes=2)  # offers worked out ahead (while the greeting plays) stay good this long


def _staff_member_of(call: Call):
    """Whose calendar the call books into: who started its run, else who queued the person (a callback the
    scheduler makes books where the call that promised it would have); else the office's default."""
    if call.dial_run_id and call.dial_run.started_by_id:
        return call.dial_run.started_by
    if call.queue_entry_id and call.queue_entry.added_by_id:
        return call.queue_entry.added_by
    return None


class CallTools(AppointmentTools, CalendarTimes):
    def __init__(self, *, call: Call, script=None, clock: Callable[[], dt.datetime] = timezone.now) -> None:
        self.call = call
        calendar = booking_calendar_of(office=call.office, user=_staff_member_of(call))
        super().__init__(office=call.office, calendar=calendar, script=script, clock=clock)
        self._offers: dict[tuple, tuple[dt.datetime, list[dt.datetime]]] = {}

    def offer(self, *, count=3, day=None, part=None, not_before=None) -> list[dt.datetime]:
        """Free times to offer. Worked out once per question for a couple of minutes (the session asks for
        the first offer while the greeting plays); every booking re-checks the time anyway."""
        key = (count, day, part, not_before)
        kept = self._offers.get(key)
        if kept is not None and self.now() - kept[0] < OFFERS_KEEP:
            return list(kept[1])
        found = self._offer(count=count, day=day, part=part, not_before=not_before)
        self._offers[key] = (self.now(), found)
        return list(found)

    def _offer(self, *, count, day, part, not_before) -> list[dt.datetime]:
        """Free times, leaving out those other calls have on offer in this calendar while others are free."""
        if self.calendar is None:
            return []  # nowhere to book: the policy offers a callback from staff
        rules, busy, now = self._rules_and_busy()
        elsewhere = offers_elsewhere(calendar_id=self.calendar.pk, call=str(self.call.uuid))
        held = [Interval(moment, moment + rules.length) for moment in elsewhere]
        found = self._free(rules, [*busy, *held], now, count=count, day=day, part=part, not_before=not_before)
        if not found and held:
            found = self._free(rules, busy, now, count=count, day=day, part=part, not_before=not_before)
        offers_made(calendar_id=self.calendar.pk, call=str(self.call.uuid), times=found)
        return found

    def offers_release(self) -> None:
        if self.calendar is not None:
            offers_withdrawn(calendar_id=self.calendar.pk, call=str(self.call.uuid))

    def book(self, starts_at: dt.datetime) -> Booked:
        self._offers.clear()  # whatever happens, the calendar has changed or was found to differ
        if self.moving is not None:  # the time they picked for the appointment they have
            return self._move(starts_at)
        if self.calendar is None:
            return Booked(False, unusable=True)
        result = appointment_book(
            account=self.calendar,
            customer=self.call.customer,
            starts_at=starts_at,
            minutes=self.minutes,
            appointment_type=self.appointment_type,
            source=Appointment.Source.AGENT,
            call_uuid=self.call.uuid,
            now=self.now(),
            holidays=self._holidays(),
        )
        if result.booked:
            call_booked_record(call_id=self.call.pk)  # booked from now, whatever happens to the line
            self.offers_release()
            return Booked(True, result.appointment.starts_at, confirmed=result.confirmed_in_calendar)
        return Booked(False, alternatives=result.alternatives, unusable=not result.taken)

    def callback(self, when: dt.datetime | None) -> dt.datetime:
        when = when if when is not None and when > self.now() else self.now() + CALLBACK_DEFAULT
        callback_schedule(call=self.call, at=when, note="Asked on the call to be called back")
        return when

    def wrong_number(self) -> None:
        call_wrong_number_record(call=self.call)

    def caller_message(self, text: str) -> None:
        caller_message_record(call_id=self.call.pk, message=text)

    def do_not_call(self) -> None:
        dnc_add(
            office=self.office,
            number=self.call.customer.phone if self.call.customer_id else self.call.from_number,
            source=DoNotCallEntry.Source.CALL,
            reason="Asked on a call",
        )
