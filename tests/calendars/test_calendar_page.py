"""The Calendar page: the week and the upcoming list with the agent's bookings marked and linked to their
call, other offices' appointments never shown, cancel and move from the page, and `calendar_sync`."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calendars.booking import appointment_book
from calendars.models import Appointment, CalendarAccount, SyncedEvent
from calendars.services import booking_calendar_of
from tests.conftest import client_for

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def next_weekday_at(hour: int) -> dt.datetime:
    """A weekday two or more days ahead at `hour` in New York (inside opening hours, past the notice)."""
    day = timezone.localdate(timezone.now(), timezone=NEW_YORK) + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK).astimezone(dt.UTC)


@pytest.fixture
def booked(office, colleague, customer, call):
    calendar = booking_calendar_of(office=office, user=colleague)
    return appointment_book(
        account=calendar,
        customer=customer,
        starts_at=next_weekday_at(10),
        appointment_type="annual review",
        call_uuid=call.uuid,
    ).appointment


def test_it_shows_the_agents_booking_in_the_week_and_the_upcoming_list(colleague, booked, call):
    account = booked.calendar_account
    SyncedEvent.objects.create(
        account=account,
        provider_event_id="x1",
        subject="Dentist",
        starts_at=booked.starts_at + dt.timedelta(hours=3),
        ends_at=booked.starts_at + dt.timedelta(hours=4),
    )
    page = client_for(colleague).get(
        reverse("calendars:index"), {"week": timezone.localdate(booked.starts_at).isoformat()}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-kind="agent"' in html and "Booked by the agent" in html and "Annual review with Maria Lopez" in html
    assert reverse("calls:detail", args=[call.uuid]) in html
    assert 'data-kind="event"' in html and "Dentist" in html
    assert "10:00–10:30" in html  # shown in the office's time


def test_another_office_sees_none_of_it(outsider, booked):
    html = client_for(outsider).get(reverse("calendars:index")).content.decode()
    assert "Maria Lopez" not in html
    response = client_for(outsider).post(reverse("calendars:appointment_cancel", args=[booked.pk]))
    assert response.status_code == 404
    assert Appointment.objects.get(pk=booked.pk).status == Appointment.Status.BOOKED


def test_staff_cancel_and_move_from_the_page(colleague, booked, customer):
    client = client_for(colleague)
    later = (booked.starts_at + dt.timedelta(hours=2)).astimezone(NEW_YORK)  # the page speaks the office's time
    response = client.post(
        reverse("calendars:appointment_move", args=[booked.pk]), {"starts_at": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.starts_at == later
    client.post(reverse("calendars:appointment_cancel", args=[booked.pk]))
    booked.refresh_from_db()
    customer.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED and customer.next_appointment_at is None


def test_a_calendar_needing_reconnection_shows_a_banner_and_takes_no_booking(office, colleague, customer):
    account = CalendarAccount.objects.create(
        office=office,
        user=colleague,
        provider="microsoft",
        account_email="bob@north.example",
        status=CalendarAccount.Status.NEEDS_RECONNECT,
        status_detail="Microsoft no longer accepts this connection",
    )
    html = client_for(colleague).get(reverse("calendars:index")).content.decode()
    assert "needs reconnecting" in html and 'role="alert"' in html
    result = appointment_book(account=account, customer=customer, starts_at=next_weekday_at(11))
    assert not result.booked and "reconnect" in result.message
    assert booking_calendar_of(office=office, user=colleague).provider == "local"


def test_calendar_sync_prints_a_summary(office, capsys):
    call_command("calendar_sync", "--office", office.slug, "--json")
    assert json.loads(capsys.readouterr().out) == []
    call_command("calendar_sync")
    assert "No connected calendars." in capsys.readouterr().out


def test_the_worker_reads_calendars_every_ten_minutes(db):
    from django_q.models import Schedule

    from calendars.tasks import calendar_sync_task

    schedule = Schedule.objects.get(name="calendar sync")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == ("calendars.tasks.calendar_sync_task", "I", 10)
    assert calendar_sync_task() == 0  # nothing connected yet


def test_it_opens_on_the_week_of_the_next_appointment_as_a_time_grid(colleague, office, customer):
    today = timezone.localdate(timezone.now(), timezone=NEW_YORK)  # the office's day
    starts = dt.datetime.combine(today + dt.timedelta(days=23), dt.time(13, 30), tzinfo=NEW_YORK)
    Appointment.objects.create(office=office, customer=customer, title="Annual review", starts_at=starts,
                               ends_at=starts + dt.timedelta(minutes=30))  # fmt: skip
    page = client_for(colleague).get(reverse("calendars:index"))
    week = page.context["week"]
    assert week.start == starts.date() - dt.timedelta(days=starts.weekday())
    assert (week.first_hour, week.last_hour) == (7, 19)
    # 13:30 is 6.5 of the 12 hours shown: 54.17% down its day's column; 30 minutes are 4.17% of it
    assert 'style="top:54.17%;height:4.17%"' in page.text


def test_it_opens_on_this_week_when_nothing_is_booked_ahead(colleague):
    week = client_for(colleague).get(reverse("calendars:index")).context["week"]
    today = timezone.localdate(timezone.now(), timezone=NEW_YORK)
    assert week.start == today - dt.timedelta(days=today.weekday())
