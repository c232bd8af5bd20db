"""An appointment the customer already has, by voice, through the whole system in text mode: a reminder call
the scheduler makes the day before (kept → confirmed; "can't make it" → moved to a time they pick), and a
customer who calls in to cancel theirs (read back first, cancelled on a clear yes)."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from calendars.booking import appointment_book
from calendars.models import Appointment
from calendars.services import booking_calendar_of
from calls.dialer import dial_run_drive
from calls.models import Call, DialingPolicy, DialRun, QueueEntry
from calls.scheduled_dialing import scheduled_dialing_tick
from calls.telephony import telephony_open
from customers.models import Customer
from phonify.personas import Persona, Turn
from tests.agent.whole_system import whole_system
from tests.calls.dialing_helpers import PINNED, follow_ups_done, pinned_now
from tests.conftest import client_for

NEW_YORK = ZoneInfo("America/New_York")
TOMORROW_2PM = dt.datetime(2026, 11, 25, 14, 0, tzinfo=NEW_YORK)  # PINNED is Tue 24 Nov, 10:00 in New York

KEEPER = Persona(
    name="keeper", number="+12025550301", first_name="Maria",
    turns=(Turn(say="Yes, speaking."), Turn(say="Yes, I'll be there.")),
)  # fmt: skip
MOVER = Persona(
    name="mover", number="+12025550302", first_name="Tom",
    turns=(Turn(say="Yes, that's me."), Turn(say="I can't make it, can we move it?"), Turn(say="The first one.")),
)  # fmt: skip
INBOUND_MOVER = Persona(
    name="inbound-mover", number="+12025550304", first_name="Leo", greeting="",
    turns=(Turn(say="Hi, I'd like to reschedule my appointment."), Turn(say="The second one, please.")),
)  # fmt: skip
CANCELLER = Persona(
    name="canceller", number="+12025550303", first_name="Ana", greeting="",
    turns=(Turn(say="Hi, I need to cancel my appointment."), Turn(say="Yes, please.")),
)  # fmt: skip


@pytest.fixture
def booked(settings, office, script, colleague):
    """The four have an appointment tomorrow at 2, 3, 4 and 11; nobody is in the queue."""
    script.appointment_type = "annual review"
    script.save()
    with whole_system(settings, office, script, [KEEPER, MOVER, CANCELLER, INBOUND_MOVER]) as runner:
        QueueEntry.objects.all().delete()
        calendar = booking_calendar_of(office=office, user=None)
        for hour, persona in zip((14, 15, 16, 11), (KEEPER, MOVER, CANCELLER, INBOUND_MOVER), strict=True):
            appointment_book(
                account=calendar, customer=Customer.objects.get(phone=persona.number),
                starts_at=TOMORROW_2PM.replace(hour=hour), now=PINNED, appointment_type="annual review",
            )  # fmt: skip
        Appointment.objects.update(created_at=PINNED - dt.timedelta(days=3))  # booked last week
        yield runner


def appointment_of(persona: Persona) -> Appointment:
    return Appointment.objects.get(customer__phone=persona.number)


def reminder_round() -> list[DialRun]:
    runs = scheduled_dialing_tick(now=PINNED)
    with telephony_open() as telephony:
        for run in runs:
            dial_run_drive(run=run, telephony=telephony, now=pinned_now, seconds=90, idle=0.1)
    follow_ups_done()
    return runs


@pytest.mark.django_db(transaction=True)
def test_reminder_calls_the_day_before_confirm_or_move_the_appointment(booked, office, supervisor):
    DialingPolicy.objects.filter(office=office).update(reminder_hours_before=32)
    moved_from = appointment_of(MOVER).starts_at
    runs = reminder_round()
    assert [run.kind for run in runs] == [DialRun.Kind.PROMISES]
    assert QueueEntry.objects.filter(reason=QueueEntry.Reason.REMINDER).count() == 4  # one each

    keeper = Call.objects.get(customer__phone=KEEPER.number)
    assert keeper.outcome == Call.Outcome.APPOINTMENT_CONFIRMED
    said = list(keeper.turns.filter(speaker="agent").order_by("index").values_list("text", flat=True))
    assert "remind you of your annual review tomorrow at 2 PM" in said[1]
    appointment = appointment_of(KEEPER)
    assert appointment.confirmed_at is not None and "Confirmed by the customer" in appointment.notes

    mover = Call.objects.get(customer__phone=MOVER.number)
    assert mover.outcome == Call.Outcome.RESCHEDULED
    moved = appointment_of(MOVER)
    assert moved.status == Appointment.Status.BOOKED and moved.starts_at != moved_from  # the same one, moved
    assert "your appointment is now" in mover.turns.order_by("-index").first().text

    assert reminder_round() == []  # one reminder per appointment, however many rounds
    fresh = appointment_book(
        account=booking_calendar_of(office=office, user=None), customer=Customer.objects.get(phone=KEEPER.number),
        starts_at=TOMORROW_2PM.replace(hour=9), now=PINNED, appointment_type="annual review",
    )  # fmt: skip
    assert fresh.booked and reminder_round() == []  # booked just now: no reminder call on top of it
    assert Call.objects.count() == 4
    profile = client_for(supervisor).get(reverse("customers:detail", args=[keeper.customer_id])).content.decode()
    assert "Appointment confirmed" in profile


def inbound_call(runner, persona: Persona, office) -> Call:
    uuid = runner.call(runner.switch.call_in(persona.number, office.caller_id_number))
    assert runner.switch.channels[uuid].settled.wait(30)
    call = Call.objects.get(pk=uuid)
    for _ in range(50):  # the agent's last word lands a moment after the switch is done
        call.refresh_from_db()
        if call.outcome:
            break
        time.sleep(0.1)
    return call


@pytest.mark.django_db(transaction=True)
def test_a_customer_calls_in_to_cancel_and_it_is_read_back_before_it_is_cancelled(booked, office):
    call = inbound_call(booked, CANCELLER, office)
    assert call.outcome == Call.Outcome.APPOINTMENT_CANCELLED
    agent = list(call.turns.filter(speaker="agent").order_by("index").values_list("text", flat=True))
    assert "Hi Ana, thanks for calling. I see your annual review tomorrow at 4 PM" in agent[0]
    assert "Just to be sure: shall I cancel your appointment tomorrow at 4 PM?" in agent[1]
    assert appointment_of(CANCELLER).status == Appointment.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_a_customer_calls_in_and_moves_their_appointment_to_a_time_offered(booked, office):
    before = appointment_of(INBOUND_MOVER).starts_at
    call = inbound_call(booked, INBOUND_MOVER, office)
    assert (call.direction, call.outcome) == ("inbound", Call.Outcome.RESCHEDULED)
    agent = list(call.turns.filter(speaker="agent").order_by("index").values_list("text", flat=True))
    assert "I have" in agent[1]
    moved = appointment_of(INBOUND_MOVER)  # the same appointment, at the second time offered
    assert moved.status == Appointment.Status.BOOKED and moved.starts_at != before
    assert Appointment.objects.filter(customer=moved.customer).count() == 1
    assert "your appointment is now" in agent[-1]
