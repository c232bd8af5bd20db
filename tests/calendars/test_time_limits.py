"""Time limits on calendar calls, against the local Entra ID + Graph and Google servers held silent or slow:
every request gives up after its connect/read timeout, no database lock is held while a sign-in service is
asked (another writer goes on meanwhile, on SQLite too), two processes refreshing at once redeem the
refresh token once, and a booking on a call waits for the calendar at most its deadline, then keeps the
time here ("Not in the calendar yet") for the sync to put in once, with the same transaction id."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from calendars.booking import appointment_book
from calendars.models import Appointment, CalendarAccount, SyncedEvent
from calendars.providers import CalendarError, provider_for
from calendars.providers.microsoft_login import access_token
from calendars.sync import calendar_sync
from tests.calendars.fakes.google import FakeGoogle
from tests.calendars.test_google import connect as google_connect
from tests.calendars.times import soon
from tests.conftest import SHORT_DEADLINE, SHORT_READ_TIMEOUT, TENANT, client_for

pytestmark = pytest.mark.usefixtures("short_limits")  # tests/conftest.py: every test here, on short time limits

READ_TIMEOUT = SHORT_READ_TIMEOUT
DEADLINE = SHORT_DEADLINE
SLACK = 1.0  # what a loaded test machine may add to a time limit
TOKEN_PATH = f"/{TENANT}/oauth2/v2.0/token"


@pytest.fixture
def google(settings):
    with FakeGoogle() as fake:
        settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = fake.client_id, fake.client_secret
        settings.GOOGLE_AUTH_URL, settings.GOOGLE_TOKEN_URL = fake.auth_uri, fake.token_uri
        settings.GOOGLE_CALENDAR_URL = fake.calendar_base.rstrip("/")
        yield fake


@pytest.fixture
def gcal(google, colleague) -> CalendarAccount:
    google_connect(client_for(colleague), google)
    return CalendarAccount.objects.get(provider="google")


def refreshes(fake, path: str) -> list:
    return [r for r in fake.requests_to("POST", path) if r.form_value("grant_type") == "refresh_token"]


@pytest.mark.django_db(transaction=True)
def test_a_silent_token_endpoint_fails_within_the_timeout_and_locks_nothing(microsoft, outlook):
    microsoft.expire_access_tokens()  # Graph answers 401, so the next request refreshes
    microsoft.hold_next("POST", TOKEN_PATH)  # and the token endpoint never answers
    outcome = {}

    def read_calendar():
        began = time.monotonic()
        try:
            provider_for(CalendarAccount.objects.get(pk=outlook.pk)).events(soon(1, 0), soon(3, 0))
        except CalendarError as problem:
            outcome["problem"] = problem
        finally:
            outcome["seconds"] = time.monotonic() - began
            connection.close()

    reader = threading.Thread(target=read_calendar)
    reader.start()
    microsoft.wait_for_requests("POST", TOKEN_PATH, count=2)  # the sign-in's code exchange, then this refresh
    # While the sign-in service is silent, the account carries a refresh lease, not a lock: another writer
    # (a booking writes this row first) goes straight on, and so does any write on SQLite.
    assert CalendarAccount.objects.get(pk=outlook.pk).token_refresh_until is not None
    began = time.monotonic()
    CalendarAccount.objects.filter(pk=outlook.pk).update(last_booking_at=timezone.now())
    assert time.monotonic() - began < 0.5
    reader.join(timeout=30)

    assert str(outcome["problem"]) == "Microsoft sign-in did not answer in time (ReadTimeout)"
    assert not outcome["problem"].permanent
    assert READ_TIMEOUT <= outcome["seconds"] < READ_TIMEOUT + SLACK
    account = CalendarAccount.objects.get(pk=outlook.pk)
    assert account.token_refresh_until is None and account.status == CalendarAccount.Status.CONNECTED
    # The silent request was never performed, so the refresh token is still good for the next try.
    assert len(provider_for(account).events(soon(1, 0), soon(3, 0))) == 0
    assert len(refreshes(microsoft, TOKEN_PATH)) == 2


@pytest.mark.django_db(transaction=True)
def test_two_processes_refreshing_at_once_redeem_the_refresh_token_once(microsoft, outlook):
    microsoft.hold_next("POST", TOKEN_PATH, seconds=0.5)  # a slow token endpoint: the second one arrives meanwhile
    tokens, start = [], threading.Barrier(2)

    def refresh():
        try:
            start.wait()
            tokens.append(access_token(outlook.pk, force_refresh=True))
        finally:
            connection.close()

    workers = [threading.Thread(target=refresh) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert len(refreshes(microsoft, TOKEN_PATH)) == 1  # the rotating refresh token was redeemed once
    rotated = microsoft.current_refresh_tokens()[0]
    account = CalendarAccount.objects.get(pk=outlook.pk)
    assert rotated in account.token_data and account.token_refresh_until is None


def test_a_silent_graph_takes_one_read_timeout_not_three(microsoft, outlook):
    microsoft.hold_next("GET", "/v1.0/me/calendarView", times=3)
    began = time.monotonic()
    with pytest.raises(CalendarError, match=r"^Microsoft did not answer in time \(ReadTimeout\)$"):
        provider_for(outlook).events(soon(1, 0), soon(3, 0))
    assert READ_TIMEOUT <= time.monotonic() - began < READ_TIMEOUT + SLACK
    views = [r for r in microsoft.requests_to("GET", "/v1.0/me/calendarView") if r.path == "/v1.0/me/calendarView"]
    assert len(views) == 1  # a timeout is not retried


def test_a_silent_graph_keeps_a_booking_on_a_call_here_and_the_sync_puts_it_in_once(microsoft, outlook, customer, call):
    microsoft.hold_next("*", "/v1.0/me", times=10)  # neither the live check nor the create is answered
    began = time.monotonic()
    result = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid)
    took = time.monotonic() - began

    assert took < DEADLINE + SLACK  # CALENDAR_BOOKING_DEADLINE_SECONDS, as the booking is on a call
    assert result.booked and not result.confirmed_in_calendar
    appointment = Appointment.objects.get()
    assert appointment.provider_event_id == "" and "did not answer" in appointment.provider_error
    assert "not in the calendar yet" in result.message
    again = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid)
    assert again.appointment.pk == appointment.pk and not again.confirmed_in_calendar

    microsoft.release_holds()
    assert calendar_sync(account=CalendarAccount.objects.get(pk=outlook.pk)).pushed == 1
    (event,) = microsoft.events.values()
    appointment.refresh_from_db()
    assert (appointment.provider_event_id, appointment.provider_error) == (event["id"], "")
    assert event["transactionId"] == appointment.provider_transaction_id
    assert not SyncedEvent.objects.exists()  # read back as our own appointment, not as someone else's event
    assert calendar_sync(account=CalendarAccount.objects.get(pk=outlook.pk)).pushed == 0
    assert len(microsoft.events) == 1


def test_a_create_that_lands_after_the_deadline_is_found_by_the_sync_not_made_again(microsoft, outlook, customer, call):
    microsoft.hold_next("POST", "/v1.0/me/events", seconds=DEADLINE + 0.5)  # Graph creates it, too late to say
    began = time.monotonic()
    result = appointment_book(
        account=outlook, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid, deadline_seconds=DEADLINE
    )
    assert time.monotonic() - began < DEADLINE + SLACK
    assert result.booked and not result.confirmed_in_calendar
    (late,) = microsoft.requests_to("POST", "/v1.0/me/events")
    while late.status is None and time.monotonic() - began < 10:
        time.sleep(0.02)
    assert len(microsoft.events) == 1  # it is in the calendar; we do not know yet

    assert calendar_sync(account=CalendarAccount.objects.get(pk=outlook.pk)).pushed == 1
    creates = microsoft.requests_to("POST", "/v1.0/me/events")
    assert len(creates) == 2 and creates[0].json["transactionId"] == creates[1].json["transactionId"]
    (event,) = microsoft.events.values()
    assert Appointment.objects.get().provider_event_id == event["id"]


def test_throttling_longer_than_the_deadline_leaves_the_booking_pending_not_blocked(microsoft, outlook, customer, call):
    microsoft.fail_next("GET", "/v1.0/me/calendarView", 429, retry_after=30)
    microsoft.fail_next("POST", "/v1.0/me/events", 429, retry_after=30)
    began = time.monotonic()
    result = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid)
    assert time.monotonic() - began < DEADLINE  # nothing waited for a Retry-After it could not afford
    assert result.booked and not result.confirmed_in_calendar
    assert "busy (HTTP 429)" in Appointment.objects.get().provider_error
    assert calendar_sync(account=CalendarAccount.objects.get(pk=outlook.pk)).pushed == 1
    assert len(microsoft.events) == 1


def test_a_revoked_grant_still_books_nothing_on_a_call(microsoft, outlook, customer, call):
    microsoft.revoke()
    result = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid)
    assert not result.booked and "could not be checked" in result.message
    assert not Appointment.objects.exists()


def test_staff_booking_without_a_deadline_is_refused_when_the_calendar_cannot_be_checked(microsoft, outlook, customer):
    microsoft.hold_next("GET", "/v1.0/me/calendarView")
    result = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11))
    assert (
        not result.booked
        and result.message == "The calendar could not be checked: Microsoft did not answer in time (ReadTimeout)"
    )


@pytest.mark.django_db(transaction=True)
def test_a_silent_google_token_endpoint_fails_within_the_timeout_and_locks_nothing(google, gcal):
    google.expire_access_tokens()  # Google answers 401, so the next request refreshes
    google.hold_next("POST", "/token")
    outcome = {}

    def read_calendar():
        began = time.monotonic()
        try:
            provider_for(CalendarAccount.objects.get(pk=gcal.pk)).events(soon(1, 0), soon(3, 0))
        except CalendarError as problem:
            outcome["problem"] = problem
        finally:
            outcome["seconds"] = time.monotonic() - began
            connection.close()

    reader = threading.Thread(target=read_calendar)
    reader.start()
    google.wait_for_requests("POST", "/token", count=2)  # the sign-in's code exchange, then this refresh
    began = time.monotonic()
    CalendarAccount.objects.filter(pk=gcal.pk).update(last_booking_at=timezone.now())
    assert time.monotonic() - began < 0.5
    reader.join(timeout=30)
    assert str(outcome["problem"]) == "Google sign-in did not answer in time (ReadTimeout)"
    assert READ_TIMEOUT <= outcome["seconds"] < READ_TIMEOUT + SLACK
    assert CalendarAccount.objects.get(pk=gcal.pk).token_refresh_until is None


def test_a_silent_google_calendar_keeps_a_booking_on_a_call_here_and_the_sync_puts_it_in_once(
    google, gcal, customer, call
):
    google.hold_next("*", "/calendar/v3", times=10)
    began = time.monotonic()
    result = appointment_book(account=gcal, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid)
    assert time.monotonic() - began < DEADLINE + SLACK
    assert result.booked and not result.confirmed_in_calendar
    google.release_holds()
    assert calendar_sync(account=CalendarAccount.objects.get(pk=gcal.pk)).pushed == 1
    (event_id,) = google.events
    appointment = Appointment.objects.get()
    assert appointment.provider_event_id == event_id == appointment.provider_transaction_id
    assert not SyncedEvent.objects.exists()
