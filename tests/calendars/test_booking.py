"""Booking into the local calendar (the embedded default): the time is re-checked, the same call books
once, a taken time gives the nearest free ones, cancel and move update the customer's profile, and two
calls reaching for one slot at once end with one appointment."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection

from calendars.availability import slot_answer, slots_offer
from calendars.booking import appointment_book, appointment_cancel, appointment_reschedule
from calendars.models import Appointment
from calendars.services import booking_calendar_of
from customers.models import Customer

# Tuesday 24 November 2026, 08:00 in New York (13:00 UTC): the office opens 09:00–17:00 on weekdays.
NOW = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
TUESDAY_2PM = dt.datetime(2026, 11, 24, 19, 0, tzinfo=dt.UTC)


@pytest.fixture
def calendar(office, colleague):
    return booking_calendar_of(office=office, user=colleague)


def test_a_booking_lands_in_the_calendar_and_on_the_profile(calendar, customer, call):
    result = appointment_book(
        account=calendar,
        customer=customer,
        starts_at=TUESDAY_2PM,
        appointment_type="annual review",
        call_uuid=call.uuid,
        now=NOW,
    )
    assert result.booked
    appointment = result.appointment
    assert (appointment.starts_at, appointment.ends_at) == (TUESDAY_2PM, TUESDAY_2PM + dt.timedelta(minutes=30))
    assert appointment.title == "Annual review with Maria Lopez"
    assert appointment.provider_event_id.startswith("local-")
    customer.refresh_from_db()
    assert customer.next_appointment_at == TUESDAY_2PM


def test_the_same_call_asking_again_gets_the_same_booking(calendar, customer, call):
    first = appointment_book(account=calendar, customer=customer, starts_at=TUESDAY_2PM, call_uuid=call.uuid, now=NOW)
    again = appointment_book(
        account=calendar, customer=customer, starts_at=TUESDAY_2PM + dt.timedelta(hours=1), call_uuid=call.uuid, now=NOW
    )
    assert again.appointment.pk == first.appointment.pk
    assert Appointment.objects.count() == 1


def test_a_taken_time_is_refused_with_the_nearest_free_ones(calendar, customer, office):
    appointment_book(account=calendar, customer=customer, starts_at=TUESDAY_2PM, now=NOW)
    other = Customer.objects.create(office=office, first_name="Ken", phone="+12025550177")
    result = appointment_book(account=calendar, customer=other, starts_at=TUESDAY_2PM, now=NOW)
    assert not result.booked and result.message == "That time is not free."
    assert result.alternatives and TUESDAY_2PM not in result.alternatives
    # 14:00–14:30 is taken and a new appointment needs 10 minutes free after it: 13:30 would run into
    # 14:00, so the nearest starts are 14:30 and 13:00 (New York)
    assert result.alternatives == [TUESDAY_2PM + dt.timedelta(minutes=30), TUESDAY_2PM - dt.timedelta(hours=1)]
    free, nearest = slot_answer(account=calendar, wanted=TUESDAY_2PM, now=NOW)
    assert not free and nearest == result.alternatives


def test_times_outside_opening_hours_or_too_soon_are_refused(calendar, customer):
    evening = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)  # 18:30 in New York
    assert not appointment_book(account=calendar, customer=customer, starts_at=evening, now=NOW).booked
    too_soon = dt.datetime(2026, 11, 24, 14, 0, tzinfo=dt.UTC)  # 09:00, one hour from now (notice: two)
    assert not appointment_book(account=calendar, customer=customer, starts_at=too_soon, now=NOW).booked


def test_offers_are_free_times_inside_the_rules(calendar, customer):
    appointment_book(account=calendar, customer=customer, starts_at=TUESDAY_2PM, now=NOW)
    offers = slots_offer(account=calendar, now=NOW)
    assert 2 <= len(offers) <= 3 and offers == sorted(offers)
    assert TUESDAY_2PM not in offers
    assert all(offer >= NOW + dt.timedelta(hours=2) for offer in offers)


def test_cancel_and_move_update_the_profile(calendar, customer):
    booked = appointment_book(account=calendar, customer=customer, starts_at=TUESDAY_2PM, now=NOW).appointment
    thursday = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)  # Thanksgiving is not a holiday of this office
    moved = appointment_reschedule(appointment=booked, starts_at=thursday, now=NOW)
    assert moved.booked
    customer.refresh_from_db()
    assert customer.next_appointment_at == thursday
    assert appointment_cancel(appointment=booked, now=NOW) == ""
    customer.refresh_from_db()
    assert customer.next_appointment_at is None
    assert Appointment.objects.get(pk=booked.pk).status == Appointment.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_calls_booking_one_slot_at_once_make_one_appointment(office, colleague):
    calendar = booking_calendar_of(office=office, user=colleague)
    people = [Customer.objects.create(office=office, first_name=f"P{n}", phone=f"+1202555{n:04d}") for n in range(6)]
    results, start = [], threading.Barrier(len(people))

    def book(person):
        try:
            start.wait()
            results.append(
                appointment_book(
                    account=calendar, customer=person, starts_at=TUESDAY_2PM, call_uuid=uuid.uuid4(), now=NOW
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == len(people)
    assert sum(result.booked for result in results) == 1
    assert Appointment.objects.filter(starts_at=TUESDAY_2PM).count() == 1
    assert all(result.alternatives for result in results if not result.booked)
