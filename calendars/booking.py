"""Booking, one service for the agent and for staff: re-check the time (against the provider too), then
— one booking at a time per calendar — check again against what we hold and create the Appointment; put
the event into the provider after that transaction. The same call books once, however often it asks; two
calls reaching for one slot: one wins, the other is told the nearest free times. Cancel and reschedule
update the provider. A provider that fails leaves the appointment booked here with the problem shown;
the next sync retries it. A revoked grant marks the calendar "reconnect" and books nothing more there.
No database lock is held while a provider is asked. A booking on a call is time-boxed: the provider gets
CALENDAR_BOOKING_DEADLINE_SECONDS in all, then the time is held here and the sync puts it in later."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from calendars.availability import booking_policy_of, booking_rules, busy_known, busy_live
from calendars.models import Appointment, BookingPolicy, CalendarAccount
from calendars.providers import CalendarError, EventDraft, provider_for
from calendars.providers.http import deadline_after
from calendars.services import calendar_account_problem, customer_appointments_refresh
from calendars.slots import slot_is_free, slot_nearest
from customers.models import Customer

log = logging.getLogger(__name__)


@dataclass
class BookingResult:
    """What a booking (or a move) came to.

    - `booked` (an `appointment`): the time is the customer's; it is kept here and nothing else can take it.
      - `confirmed_in_calendar` True: the event is in the staff member's calendar too (always, for the local
        calendar). Say it is booked.
      - `confirmed_in_calendar` False: "Not in the calendar yet": the calendar did not answer in time or
        refused for now (`appointment.provider_error` says how; `message` too). The next sync puts it in,
        with the same transaction id, so it is never lost and never made twice. Say the time is held and
        will be confirmed.
    - not booked: `taken` when the time is not free (taken, or outside the rules), with the nearest free times
      in `alternatives`; else the calendar could not be used (it needs reconnecting or could not be
      checked). `message` says which.
    """

    appointment: Appointment | None = None
    alternatives: list[dt.datetime] = field(default_factory=list)
    message: str = ""
    confirmed_in_calendar: bool = False
    taken: bool = False

    @property
    def booked(self) -> bool:
        return self.appointment is not None


def appointment_book(
    *,
    account: CalendarAccount,
    customer: Customer,
    starts_at: dt.datetime,
    minutes: int | None = None,
    appointment_type: str = "",
    source: str = Appointment.Source.AGENT,
    call_uuid: uuid.UUID | str | None = None,
    staff=None,
    now: dt.datetime | None = None,
    holidays=(),
    deadline_seconds: float | None = None,
) -> BookingResult:
    """Book `starts_at` for the customer (see BookingResult for what comes back).

    `deadline_seconds` bounds the time spent with the provider in all (the live re-check, the sign-in and
    the push); on a call (`call_uuid` given) it defaults to CALENDAR_BOOKING_DEADLINE_SECONDS, otherwise
    only each request's own timeouts apply. With a deadline, a calendar that cannot be checked in time
    (silent, throttled, unreachable — not a revoked grant) does not stop the booking: it is checked
    against what we hold (our appointments and the last sync) and kept here until the push succeeds."""
    now = now or timezone.now()
    if call_uuid and (earlier := _booked_on_call(call_uuid)):
        # the same call asking again (a retried tool call): the same booking
        return BookingResult(earlier, confirmed_in_calendar=_in_calendar(earlier))
    account.refresh_from_db(fields=["status"])  # a call holds its account from its start: disconnected since?
    if account.status != CalendarAccount.Status.CONNECTED:
        return BookingResult(message=f"{account} needs reconnecting before anything can be booked into it.")
    if deadline_seconds is None and call_uuid:
        deadline_seconds = settings.CALENDAR_BOOKING_DEADLINE_SECONDS
    deadline = deadline_after(deadline_seconds)
    rules = booking_rules(office=account.office, minutes=minutes, holidays=holidays)
    ends_at = starts_at + rules.length
    window = (starts_at - rules.buffer_before - dt.timedelta(minutes=1), ends_at + rules.buffer_after)
    try:
        live = busy_live(account=account, start=window[0], end=window[1], deadline=deadline)
    except CalendarError as problem:
        calendar_account_problem(account=account, problem=problem)
        if deadline is None or problem.permanent:
            return BookingResult(message=f"The calendar could not be checked: {problem}")
        log.warning("calendar account %s: not checked live before a booking on a call: %s", account.pk, problem)
        live = []  # someone is waiting on the line: what we hold decides, the push follows later
    with transaction.atomic():
        # Written first, so every other booking into this calendar waits here until this one commits.
        CalendarAccount.objects.filter(pk=account.pk).update(last_booking_at=now)
        horizon = now + dt.timedelta(days=rules.max_days_ahead + 1)
        busy = busy_known(account=account, start=now, end=horizon)
        if not slot_is_free(rules=rules, busy=[*busy, *live], now=now, start=starts_at):
            alternatives = slot_nearest(rules=rules, busy=[*busy, *live], now=now, wanted=starts_at)
            return BookingResult(alternatives=alternatives, message="That time is not free.", taken=True)
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    office_id=account.office_id,
                    customer=customer,
                    staff=staff or account.user,
                    calendar_account=account,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    appointment_type=appointment_type,
                    title=_title(appointment_type, customer),
                    source=source,
                    source_call_uuid=call_uuid or None,
                    provider_transaction_id=uuid.uuid4().hex,
                )
        except IntegrityError:
            if call_uuid and (earlier := _booked_on_call(call_uuid)):
                return BookingResult(earlier)
            raise
    confirmed = appointment_push(appointment=appointment, deadline=deadline)
    customer_appointments_refresh(customer_id=customer.pk, now=now)
    if confirmed:
        return BookingResult(appointment, confirmed_in_calendar=True)
    return BookingResult(
        appointment,
        message=f"Booked here, not in the calendar yet ({appointment.provider_error}); the next sync puts it in.",
    )


def appointment_push(*, appointment: Appointment, deadline: float | None = None) -> bool:
    """Put the appointment into its provider calendar (create once, by transaction id). True when it is there;
    False leaves it "not in the calendar yet", with the problem in `provider_error`, for the next sync.
    `deadline` (time.monotonic()) bounds the provider's time, sign-in included."""
    account = appointment.calendar_account
    if account is None:
        return True
    try:
        event = provider_for(account, deadline=deadline).create(_draft(appointment))
    except CalendarError as problem:
        log.warning("appointment %s: not in the calendar yet: %s", appointment.pk, problem)
        Appointment.objects.filter(pk=appointment.pk).update(provider_error=str(problem)[:255])
        appointment.provider_error = str(problem)[:255]
        calendar_account_problem(account=account, problem=problem)
        return False
    Appointment.objects.filter(pk=appointment.pk).update(provider_event_id=event.id, provider_error="")
    appointment.provider_event_id, appointment.provider_error = event.id, ""
    return True


def appointment_cancel(*, appointment: Appointment, comment: str = "", now: dt.datetime | None = None) -> str:
    """Cancel here and in the calendar (attendees are told). Returns a problem to show, or ''."""
    now = now or timezone.now()
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED, cancelled_at=now)
    problem = ""
    if appointment.provider_event_id and appointment.calendar_account:
        try:
            provider_for(appointment.calendar_account).cancel(appointment.provider_event_id, comment)
        except CalendarError as error:
            calendar_account_problem(account=appointment.calendar_account, problem=error)
            problem = f"Cancelled here, but the calendar said: {error}"
    customer_appointments_refresh(customer_id=appointment.customer_id, now=now)
    return problem


def appointment_confirm(*, appointment: Appointment, now: dt.datetime | None = None) -> str:
    """The customer confirmed they are coming: noted here and on the calendar's event. Returns a problem, or ''."""
    now = now or timezone.now()
    note = f"Confirmed by the customer on a call, {now.astimezone(appointment.office.zone):%a %b %-d, %-I:%M %p}."
    notes = f"{appointment.notes}\n{note}".strip()
    Appointment.objects.filter(pk=appointment.pk).update(confirmed_at=now, notes=notes)
    appointment.refresh_from_db()
    if appointment.provider_event_id and appointment.calendar_account:
        try:
            provider_for(appointment.calendar_account).update(appointment.provider_event_id, _draft(appointment))
        except CalendarError as problem:
            calendar_account_problem(account=appointment.calendar_account, problem=problem)
            return f"Confirmed here, but the calendar said: {problem}"
    return ""


def appointment_reschedule(
    *, appointment: Appointment, starts_at: dt.datetime, now: dt.datetime | None = None
) -> BookingResult:
    """Move an appointment to a free time (same length) here and in the calendar."""
    now = now or timezone.now()
    account = appointment.calendar_account
    length = appointment.ends_at - appointment.starts_at
    rules = booking_rules(office=appointment.office, minutes=round(length.total_seconds() / 60))
    with transaction.atomic():
        if account:
            CalendarAccount.objects.filter(pk=account.pk).update(last_booking_at=now)
            busy = busy_known(
                account=account,
                start=now,
                end=now + dt.timedelta(days=rules.max_days_ahead + 1),
                except_appointment=appointment.pk,
            )
        else:
            busy = []
        if not slot_is_free(rules=rules, busy=busy, now=now, start=starts_at):
            return BookingResult(
                alternatives=slot_nearest(rules=rules, busy=busy, now=now, wanted=starts_at),
                message="That time is not free.",
            )
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=starts_at, ends_at=starts_at + length)
    appointment.refresh_from_db()
    if appointment.provider_event_id and account:
        try:
            provider_for(account).update(appointment.provider_event_id, _draft(appointment))
        except CalendarError as problem:
            calendar_account_problem(account=account, problem=problem)
            Appointment.objects.filter(pk=appointment.pk).update(provider_error=str(problem)[:255])
            return BookingResult(appointment, message=f"Moved here, but the calendar said: {problem}")
    customer_appointments_refresh(customer_id=appointment.customer_id, now=now)
    return BookingResult(appointment, confirmed_in_calendar=_in_calendar(appointment))


def _booked_on_call(call_uuid) -> Appointment | None:
    return Appointment.objects.filter(source_call_uuid=call_uuid, status__in=Appointment.ACTIVE_STATUSES).first()


def _in_calendar(appointment: Appointment) -> bool:
    return appointment.calendar_account_id is None or bool(appointment.provider_event_id)


def _title(appointment_type: str, customer: Customer) -> str:
    name = f"{customer.first_name} {customer.last_name}".strip() or customer.phone
    return f"{(appointment_type or 'Appointment').capitalize()} with {name}"[:200]


def _draft(appointment: Appointment) -> EventDraft:
    customer = appointment.customer
    policy = booking_policy_of(office=appointment.office)
    booked_by = (
        "the office's automated assistant on a call" if appointment.source == Appointment.Source.AGENT else "staff"
    )
    lines = [
        f"Who: {customer.first_name} {customer.last_name}".rstrip(),
        f"Phone: {customer.phone}",
        f"Why: {appointment.appointment_type or 'appointment'}",
        f"Booked by {booked_by}.",
    ]
    if appointment.notes:
        lines.append(appointment.notes)
    return EventDraft(
        subject=appointment.title,
        body="\n".join(lines),
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        transaction_id=appointment.provider_transaction_id,
        attendee_email=customer.email or "",
        attendee_name=f"{customer.first_name} {customer.last_name}".strip(),
        location=policy.location
        or (f"Phone: {customer.phone}" if policy.meeting == BookingPolicy.Meeting.PHONE else ""),
        online_meeting=policy.meeting == BookingPolicy.Meeting.ONLINE,
    )
