"""Outlook through msal and Microsoft Graph, against a local Entra ID + Graph server (HTTPS, as msal
demands) that checks every request: connect, token refresh, paging, delta sync, create with transactionId
and a retried create, 429 with Retry-After, a revoked grant."""

import datetime as dt
import time

import pytest
from django.db import connection
from django.urls import reverse

from calendars.booking import appointment_book
from calendars.models import Appointment, BookingPolicy, CalendarAccount, SyncedEvent
from calendars.providers import CalendarError, EventDraft, provider_for
from calendars.sync import calendar_sync
from tests.calendars.times import NEW_YORK, soon
from tests.conftest import TENANT, client_for, microsoft_connect


@pytest.fixture
def microsoft(microsoft, settings):
    """The shared Outlook fake (tests/conftest.py), with 5 s of Retry-After waited out here."""
    settings.CALENDAR_RETRY_SECONDS = 5
    return microsoft


def test_it_connects_outlook_with_pkce_and_keeps_the_tokens_encrypted(microsoft, colleague):
    microsoft.add_event("Team meeting", soon(2, 9), soon(2, 10))
    response = microsoft_connect(client_for(colleague), microsoft)
    assert response.status_code == 302
    account = CalendarAccount.objects.get(provider="microsoft")
    assert (account.account_email, account.status, account.is_booking_target) == (
        "sam.staff@contoso.example",
        "connected",
        True,
    )
    (token_call,) = microsoft.requests_to("POST", f"/{TENANT}/oauth2/v2.0/token")
    assert token_call.form_value("grant_type") == "authorization_code"
    assert token_call.form_value("client_secret") == microsoft.client_secret  # in the body, not HTTP Basic
    assert len(token_call.form_value("code_verifier")) >= 43
    assert token_call.form_value("redirect_uri").endswith("/calendar/connect/microsoft/done/")
    scopes = set(token_call.form_value("scope").split())
    assert {"Calendars.ReadWrite", "User.Read", "offline_access"} <= scopes
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_data FROM calendars_calendaraccount WHERE id = %s", [account.pk])
        stored = cursor.fetchone()[0]
    assert microsoft.current_refresh_tokens()[0] not in stored and "refresh_token" not in stored
    assert SyncedEvent.objects.get(account=account).subject == "Team meeting"  # read at once


def test_a_refused_consent_says_why_and_connects_nothing(microsoft, colleague):
    microsoft.deny_next_authorization()
    client = client_for(colleague)
    response = microsoft_connect(client, microsoft)
    assert not CalendarAccount.objects.filter(provider="microsoft").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Microsoft said: AADSTS65004: User declined to consent" in html


def test_an_expired_token_is_refreshed_once_and_the_rotated_refresh_token_kept(microsoft, outlook):
    first_rt = microsoft.current_refresh_tokens()
    microsoft.expire_access_tokens()
    provider_for(outlook).events(soon(1, 0), soon(9, 0))
    refreshes = [
        r
        for r in microsoft.requests_to("POST", f"/{TENANT}/oauth2/v2.0/token")
        if r.form_value("grant_type") == "refresh_token"
    ]
    assert len(refreshes) == 1
    assert microsoft.current_refresh_tokens() != first_rt  # rotated, and we hold the new one:
    microsoft.expire_access_tokens()
    provider_for(CalendarAccount.objects.get(pk=outlook.pk)).events(soon(1, 0), soon(9, 0))


def test_calendar_view_follows_every_page_with_utc_times(microsoft, outlook):
    for n in range(61):
        start = soon(1, 9) + dt.timedelta(minutes=20 * n)
        microsoft.add_event(f"Meeting {n}", start, start + dt.timedelta(minutes=15))
    events = provider_for(outlook).events(soon(1, 0), soon(8, 0))
    assert [e.subject for e in events] == [f"Meeting {n}" for n in range(61)]
    assert events[0].starts_at == soon(1, 9)
    views = [r for r in microsoft.requests_to("GET", "/v1.0/me/calendarView") if r.path == "/v1.0/me/calendarView"]
    assert len(views) == 2  # 61 events in pages of 50 (`$top`), the second through @odata.nextLink
    assert 'outlook.timezone="UTC"' in views[0].headers["Prefer"] and "ImmutableId" in views[0].headers["Prefer"]
    assert views[0].param("startDateTime").endswith("Z")


def test_delta_sync_brings_changes_and_deletions_and_starts_over_when_expired(microsoft, outlook):
    kept = microsoft.add_event("Dentist", soon(2, 13), soon(2, 14))
    gone = microsoft.add_event("Lunch", soon(3, 12), soon(3, 13))
    assert calendar_sync(account=outlook).changed == 2
    outlook.refresh_from_db()
    assert outlook.sync_cursor.startswith(microsoft.graph_base) and "deltatoken" in outlook.sync_cursor.lower()
    microsoft.delete_event(gone["id"])
    microsoft.update_event(kept["id"], subject="Dentist (moved)")
    summary = calendar_sync(account=outlook)
    assert (summary.changed, summary.removed, summary.full) == (1, 1, False)
    assert list(SyncedEvent.objects.values_list("subject", flat=True)) == ["Dentist (moved)"]
    microsoft.invalidate_delta_tokens()
    assert calendar_sync(account=CalendarAccount.objects.get(pk=outlook.pk)).full  # 410: read everything again
    assert list(SyncedEvent.objects.values_list("subject", flat=True)) == ["Dentist (moved)"]


def test_booking_creates_one_event_even_when_the_first_answer_is_lost(microsoft, outlook, customer, call):
    customer.email = "maria@example.com"
    customer.save()
    microsoft.fail_after_commit_next("POST", "/v1.0/me/events", 504)  # created, but the answer never came
    result = appointment_book(
        account=outlook, customer=customer, starts_at=soon(2, 11), appointment_type="annual review", call_uuid=call.uuid
    )
    assert result.booked and result.appointment.provider_event_id
    creates = microsoft.requests_to("POST", "/v1.0/me/events")
    assert len(creates) == 2 and creates[0].json["transactionId"] == creates[1].json["transactionId"]
    (event,) = microsoft.events.values()
    assert event["id"] == result.appointment.provider_event_id
    assert event["subject"] == "Annual review with Maria Lopez"
    assert event["attendees"][0]["emailAddress"]["address"] == "maria@example.com"
    assert "+12025550143" in event["body"]["content"]
    body = creates[0].json
    assert body["start"] == {"dateTime": soon(2, 11).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def test_an_office_meeting_online_gets_a_teams_meeting(microsoft, outlook, customer, office):
    BookingPolicy.objects.update_or_create(office=office, defaults={"meeting": BookingPolicy.Meeting.ONLINE})
    assert appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11)).booked
    sent = microsoft.requests_to("POST", "/v1.0/me/events")[-1].json
    assert sent["isOnlineMeeting"] is True and sent["onlineMeetingProvider"] == "teamsForBusiness"


def test_an_outlook_event_makes_the_time_busy(microsoft, outlook, customer):
    microsoft.add_event("Doctor", soon(2, 10), soon(2, 12))
    result = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11))
    assert not result.booked and result.alternatives
    assert not microsoft.requests_to("POST", "/v1.0/me/events")


def test_throttling_is_waited_out_by_retry_after(microsoft, outlook):
    microsoft.fail_next("GET", "/v1.0/me/calendarView", 429, retry_after=1)
    began = time.monotonic()
    provider_for(outlook).events(soon(1, 0), soon(3, 0))
    assert time.monotonic() - began >= 1.0
    views = [r for r in microsoft.requests_to("GET", "/v1.0/me/calendarView") if r.path == "/v1.0/me/calendarView"]
    assert [r.status for r in views] == [429, 200]


def test_throttling_longer_than_we_wait_is_reported_not_hidden(microsoft, outlook):
    microsoft.fail_next("GET", "/v1.0/me/calendarView", 503, retry_after=120)
    with pytest.raises(CalendarError, match="busy") as problem:
        provider_for(outlook).events(soon(1, 0), soon(3, 0))
    assert not problem.value.permanent


def test_a_revoked_grant_asks_to_reconnect_and_books_nothing(microsoft, outlook, customer, colleague):
    microsoft.revoke()
    result = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11))
    assert not result.booked and "could not be checked" in result.message
    outlook.refresh_from_db()
    assert outlook.status == CalendarAccount.Status.NEEDS_RECONNECT
    assert not Appointment.objects.exists() and not microsoft.requests_to("POST", "/v1.0/me/events")
    html = client_for(colleague).get(reverse("calendars:index")).content.decode()
    assert "needs reconnecting" in html and reverse("calendars:connect", args=["microsoft"]) in html
    microsoft_connect(client_for(colleague), microsoft)  # reconnecting makes it usable again
    outlook.refresh_from_db()
    assert outlook.status == CalendarAccount.Status.CONNECTED


def test_cancel_from_the_dashboard_cancels_the_outlook_event(microsoft, outlook, customer, colleague):
    booked = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11)).appointment
    client_for(colleague).post(reverse("calendars:appointment_cancel", args=[booked.pk]), {"comment": "Customer asked"})
    assert microsoft.removed_events[booked.provider_event_id]["how"] == "cancelled"
    assert microsoft.removed_events[booked.provider_event_id]["comment"] == "Customer asked"


def test_an_event_on_the_morning_clocks_change_is_sent_in_utc_and_read_back_right(microsoft, outlook):
    start = dt.datetime(2027, 3, 14, 6, 30, tzinfo=NEW_YORK)  # DST begins that morning in New York
    event = provider_for(outlook).create(
        EventDraft(
            subject="x", body="", starts_at=start, ends_at=start + dt.timedelta(minutes=30), transaction_id="t-dst"
        )
    )
    assert event.starts_at == dt.datetime(2027, 3, 14, 10, 30, tzinfo=dt.UTC)  # 06:30 EDT, not EST
    sent = microsoft.requests_to("POST", "/v1.0/me/events")[-1].json
    assert sent["start"] == {"dateTime": "2027-03-14T10:30:00", "timeZone": "UTC"}


def test_cancelling_an_event_already_gone_is_fine_and_a_missing_one_cannot_be_moved(microsoft, outlook):
    calendar = provider_for(outlook)
    start = soon(2, 11)
    draft = EventDraft(
        subject="x", body="", starts_at=start, ends_at=start + dt.timedelta(minutes=30), transaction_id="t"
    )
    made = calendar.create(draft)
    calendar.cancel(made.id)
    calendar.cancel(made.id)  # Graph answers 404 ErrorItemNotFound: what a cancel wants anyway
    assert [r.status for r in microsoft.requests_to("POST", f"/v1.0/me/events/{made.id}/cancel")] == [202, 404]
    with pytest.raises(CalendarError, match="Outlook said 404 ErrorItemNotFound") as refused:
        calendar.update(made.id, draft)
    assert refused.value.permanent and not refused.value.reconnect


def test_a_customer_confirming_on_a_call_is_noted_on_the_outlook_event(microsoft, outlook, customer):
    from calendars.booking import appointment_confirm

    booked = appointment_book(account=outlook, customer=customer, starts_at=soon(2, 11)).appointment
    assert appointment_confirm(appointment=booked, now=soon(1, 9)) == ""
    (update,) = microsoft.requests_to("PATCH", f"/v1.0/me/events/{booked.provider_event_id}")
    assert "Confirmed by the customer on a call" in update.json["body"]["content"]
    assert "Confirmed by the customer on a call" in microsoft.events[booked.provider_event_id]["body"]["content"]
    booked.refresh_from_db()
    assert booked.confirmed_at == soon(1, 9)
