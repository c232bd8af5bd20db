"""The Calendar page in a real browser: the agent's booking shows in the week and the upcoming list, and
staff move it to another free time and cancel it."""

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import expect

from calendars.booking import appointment_book
from calendars.models import Appointment
from calendars.services import booking_calendar_of
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def weekday_ahead(hour: int) -> dt.datetime:
    day = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK)


def test_staff_see_move_and_cancel_the_agents_booking(page, live_server_url, supervisor, customer, call):
    starts = weekday_ahead(10)
    calendar = booking_calendar_of(office=supervisor.membership.office, user=supervisor)
    booked = appointment_book(
        account=calendar, customer=customer, starts_at=starts, appointment_type="annual review", call_uuid=call.uuid
    ).appointment
    sign_in(page, live_server_url)
    page.get_by_role("link", name="Calendar").click()
    page.goto(f"{live_server_url}/calendar/?week={starts.date().isoformat()}")
    agent_item = page.locator(".week-item.agent")
    expect(agent_item).to_contain_text("10:00–10:30")
    expect(agent_item).to_contain_text("Booked by the agent")
    expect(agent_item.get_by_role("link", name="the call")).to_have_attribute("href", f"/calls/{call.uuid}/")

    row = page.locator("#upcoming tbody tr", has_text="Maria Lopez")
    row.get_by_label("New time").fill(starts.replace(hour=15).strftime("%Y-%m-%dT%H:%M"))
    row.get_by_role("button", name="Move").click()
    expect(page.locator(".messages")).to_contain_text("moved to")
    expect(page.locator("#upcoming")).to_contain_text("15:00")

    page.locator("#upcoming tbody tr", has_text="Maria Lopez").get_by_role("button", name="Cancel").click()
    expect(page.locator(".messages")).to_contain_text("cancelled")
    expect(page.locator("#upcoming")).to_contain_text("No upcoming appointments.")
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert not page.server_errors
