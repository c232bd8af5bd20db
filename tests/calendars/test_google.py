"""Google Calendar through OAuth (PKCE, offline access) and Calendar v3, against a local Google token and
calendar server that checks every request: connect, refresh, paging, sync tokens (and their expiry), a
retried create that finds its event instead of making a second, freeBusy, 429, a revoked grant."""

import datetime as dt

import pytest
from django.urls import reverse

from calendars.booking import appointment_book, appointment_reschedule
from calendars.models import CalendarAccount, SyncedEvent
from calendars.providers import CalendarError, EventDraft, provider_for
from calendars.sync import calendar_sync
from tests.calendars.fakes.google import FakeGoogle
from tests.calendars.times import soon
from tests.conftest import client_for


@pytest.fixture
def google(settings):
    with FakeGoogle() as fake:
        settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = fake.client_id, fake.client_secret
        settings.GOOGLE_AUTH_URL, settings.GOOGLE_TOKEN_URL = fake.auth_uri, fake.token_uri
        settings.GOOGLE_CALENDAR_URL = fake.calendar_base.rstrip("/")
        settings.CALENDAR_RETRY_SECONDS = 5
        yield fake


def connect(client, fake: FakeGoogle):
    start = client.get(reverse("calendars:connect", args=["google"]))
    assert start.status_code == 302 and start["Location"].startswith(fake.auth_uri)
    return client.get(reverse("calendars:connect_done", args=["google"]), fake.sign_in(start["Location"]))


@pytest.fixture
def gcal(google, colleague) -> CalendarAccount:
    connect(client_for(colleague), google)
    return CalendarAccount.objects.get(provider="google")


def test_it_connects_google_with_offline_access_and_pkce(google, colleague):
    google.add_event("Standup", soon(2, 9), soon(2, 10))
    connect(client_for(colleague), google)
    account = CalendarAccount.objects.get(provider="google")
    assert (account.account_email, account.status) == ("sam.staff@example.com", "connected")
    (authorize,) = google.requests_to("GET", "/o/oauth2/v2/auth")
    assert authorize.param("access_type") == "offline" and authorize.param("prompt") == "consent"
    assert authorize.param("code_challenge_method") == "S256"
    assert "https://www.googleapis.com/auth/calendar.freebusy" in authorize.param("scope").split()
    (exchange,) = google.requests_to("POST", "/token")
    assert exchange.form_value("grant_type") == "authorization_code" and exchange.form_value("code_verifier")
    assert "refresh_token" in account.token_data  # readable to us, encrypted in the database
    assert SyncedEvent.objects.get(account=account).subject == "Standup"


def test_an_expired_token_is_refreshed_and_a_revoked_grant_asks_to_reconnect(google, gcal, customer):
    google.expire_access_tokens()
    provider_for(gcal).events(soon(1, 0), soon(5, 0))
    refreshes = [r for r in google.requests_to("POST", "/token") if r.form_value("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    google.revoke()
    result = appointment_book(account=CalendarAccount.objects.get(pk=gcal.pk), customer=customer, starts_at=soon(2, 11))
    assert not result.booked
    gcal.refresh_from_db()
    assert gcal.status == CalendarAccount.Status.NEEDS_RECONNECT


def test_a_retried_create_finds_its_event_instead_of_making_another(google, gcal, customer, call):
    customer.email = "maria@example.com"
    customer.save()
    google.fail_after_commit_next("POST", "/calendar/v3/calendars/", 503)
    result = appointment_book(account=gcal, customer=customer, starts_at=soon(2, 11), call_uuid=call.uuid)
    assert result.booked
    (event,) = google.events.values()
    assert event["id"] == result.appointment.provider_event_id == result.appointment.provider_transaction_id
    assert event["attendees"][0]["email"] == "maria@example.com"
    creates = google.requests_to("POST", "/calendar/v3/calendars/")
    assert [r.status for r in creates] == [503, 409]
    assert all(r.param("sendUpdates") == "all" for r in creates)


def test_free_busy_and_synced_events_keep_booked_times_free_of_clashes(google, gcal, customer):
    google.add_event("Client lunch", soon(3, 12), soon(3, 14))
    assert not appointment_book(account=gcal, customer=customer, starts_at=soon(3, 13)).booked
    busy = google.requests_to("POST", "/calendar/v3/freeBusy")
    assert busy and busy[-1].json["items"] == [{"id": "primary"}]
    assert appointment_book(account=gcal, customer=customer, starts_at=soon(3, 15)).booked


def test_sync_pages_then_follows_the_sync_token_and_starts_over_when_it_expires(google, gcal):
    made = [
        google.add_event(
            f"Event {n}", soon(2, 9) + dt.timedelta(minutes=10 * n), soon(2, 9) + dt.timedelta(minutes=10 * n + 5)
        )
        for n in range(260)
    ]
    first = calendar_sync(account=gcal)
    assert first.changed == 260
    lists = google.requests_to("GET", "/calendar/v3/calendars/primary/events")
    assert any(r.param("pageToken") for r in lists)  # more than one page of 250
    google.delete_event(made[0]["id"])
    second = calendar_sync(account=CalendarAccount.objects.get(pk=gcal.pk))
    assert (second.removed, second.full) == (1, False)
    assert google.requests_to("GET", "/calendar/v3/calendars/primary/events")[-1].param("syncToken")
    google.invalidate_sync_tokens()
    third = calendar_sync(account=CalendarAccount.objects.get(pk=gcal.pk))
    assert third.full and SyncedEvent.objects.filter(account=gcal).count() == 259


def test_moving_an_appointment_moves_the_google_event(google, gcal, customer):
    booked = appointment_book(account=gcal, customer=customer, starts_at=soon(2, 11)).appointment
    assert appointment_reschedule(appointment=booked, starts_at=soon(2, 15)).booked
    event = google.events[booked.provider_event_id]
    assert dt.datetime.fromisoformat(event["start"]["dateTime"]) == soon(2, 15)


def test_throttled_requests_wait_for_retry_after(google, gcal):
    google.fail_next("GET", "/calendar/v3/calendars/primary/events", 429, retry_after=1)
    provider_for(gcal).events(soon(1, 0), soon(4, 0))
    statuses = [r.status for r in google.requests_to("GET", "/calendar/v3/calendars/primary/events")]
    assert statuses[-2:] == [429, 200]


def test_cancelling_an_event_already_gone_is_fine_and_a_missing_one_cannot_be_moved(google, gcal):
    calendar = provider_for(gcal)
    start = soon(2, 11)
    draft = EventDraft(
        subject="x",
        body="",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        transaction_id="3f0c1a2b-4d5e-6f70-8192-a3b4c5d6e7f8",
    )
    made = calendar.create(draft)
    calendar.cancel(made.id)
    calendar.cancel(made.id)  # Google answers 410 deleted: what a cancel wants anyway
    assert [r.status for r in google.requests_to("DELETE", f"/calendar/v3/calendars/primary/events/{made.id}")] == [
        204,
        410,
    ]
    with pytest.raises(CalendarError, match="Google said 404 notFound") as refused:
        calendar.update("nosuchevent", draft)
    assert refused.value.permanent and not refused.value.reconnect


def test_a_customer_confirming_on_a_call_is_noted_on_the_google_event(google, gcal, customer):
    from calendars.booking import appointment_confirm

    booked = appointment_book(account=gcal, customer=customer, starts_at=soon(2, 11)).appointment
    assert appointment_confirm(appointment=booked, now=soon(1, 9)) == ""
    assert "Confirmed by the customer on a call" in google.events[booked.provider_event_id]["description"]
