"""The customer's profile follows their calls and appointments, however often it is refreshed."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from calendars.models import Appointment
from calendars.services import customer_appointments_refresh
from calls.models import Call
from calls.services import customer_profile_refresh
from tests.conftest import client_for

NOW = timezone.now().replace(microsecond=0)


def ended_call(customer, *, days_ago, outcome, answered_by="unknown", billsec=0):
    placed = NOW - dt.timedelta(days=days_ago)
    call = Call.objects.create(
        office=customer.office,
        customer=customer,
        to_number=customer.phone,
        status="ended",
        outcome=outcome,
        answered_by=answered_by,
        answered_at=placed + dt.timedelta(seconds=8) if answered_by == "human" else None,
        billsec=billsec,
    )
    Call.objects.filter(pk=call.pk).update(created_at=placed)
    return call


def test_it_records_attempts_answers_and_the_last_outcome(customer):
    ended_call(customer, days_ago=9, outcome="no_answer")
    ended_call(customer, days_ago=5, outcome="booked", answered_by="human", billsec=95)
    ended_call(customer, days_ago=1, outcome="voicemail_left", answered_by="machine", billsec=21)
    customer_profile_refresh(customer_id=customer.pk)
    customer_profile_refresh(customer_id=customer.pk)  # repeated: same result
    customer.refresh_from_db()
    assert (customer.attempt_count, customer.answered_count, customer.last_outcome) == (3, 1, "voicemail_left")
    assert customer.last_contacted_at == NOW - dt.timedelta(days=1)
    assert customer.last_answered_at == NOW - dt.timedelta(days=5, seconds=-8)


def test_it_tracks_the_next_and_last_appointment(customer):
    def appointment(days, status="booked"):
        start = NOW + dt.timedelta(days=days)
        Appointment.objects.create(
            office=customer.office,
            customer=customer,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=30),
            title="Review",
            status=status,
        )

    appointment(-20, "completed")
    appointment(3)
    appointment(1, "cancelled")
    appointment(10)
    customer_appointments_refresh(customer_id=customer.pk, now=NOW)
    customer.refresh_from_db()
    assert customer.next_appointment_at == NOW + dt.timedelta(days=3)
    assert customer.last_appointment_at == NOW - dt.timedelta(days=20)


def test_it_shows_the_history_on_the_profile_page(colleague, customer):
    voicemail = ended_call(customer, days_ago=1, outcome="voicemail_left", answered_by="machine", billsec=21)
    ended_call(customer, days_ago=5, outcome="booked", answered_by="human", billsec=95)
    customer_profile_refresh(customer_id=customer.pk)
    page = client_for(colleague).get(reverse("customers:detail", args=[customer.pk])).text
    assert "yes, 1 time" in page
    assert "Voicemail left" in page and "Booked" in page
    assert "95 s" in page
    assert reverse("calls:detail", args=[voicemail.uuid]) in page
    assert "Add to the call queue" in page


def test_staff_see_the_extension_on_the_profile_and_the_list(colleague, customer):
    customer.phone_extension = "12"
    customer.save()
    client = client_for(colleague)
    assert "(202) 555-0143 ext. 12" in client.get(reverse("customers:detail", args=[customer.pk])).text
    assert "(202) 555-0143 ext. 12" in client.get(reverse("customers:list")).text
