"""The fakes themselves, exercised with the real client libraries where we have them (msal, requests)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import msal
import pytest
import requests

from tests.calendars.fakes.google import FakeGoogle
from tests.calendars.fakes.microsoft import FakeMicrosoft

REDIRECT_URI = "http://testserver/calendars/callback/"
MONDAY = datetime(2025, 3, 10, tzinfo=UTC)


@pytest.fixture
def microsoft():
    with FakeMicrosoft() as fake:
        yield fake


@pytest.fixture
def google():
    with FakeGoogle() as fake:
        yield fake


def msal_app(fake: FakeMicrosoft, cache: msal.SerializableTokenCache | None = None):
    return msal.ConfidentialClientApplication(
        fake.client_id,
        client_credential=fake.client_secret,
        authority=f"{fake.base}/contoso-tenant",
        instance_discovery=False,
        http_client=fake.session(),
        http_cache={},  # msal replays identical failed POSTs from this cache (notes §1.4): one per test
        token_cache=cache,
    )


def graph(fake: FakeMicrosoft, token: str):
    session = fake.session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended")
def test_it_signs_in_with_msal_rotates_the_refresh_token_and_revokes(microsoft):
    app = msal_app(microsoft)
    flow = app.initiate_auth_code_flow(["Calendars.ReadWrite", "User.Read"], redirect_uri=REDIRECT_URI)

    signed_in = app.acquire_token_by_auth_code_flow(flow, microsoft.sign_in(flow["auth_uri"]))

    assert "error" not in signed_in, signed_in
    assert signed_in["id_token_claims"]["preferred_username"] == microsoft.user.preferred_username
    account = app.get_accounts()[0]
    assert account["home_account_id"] == f"{microsoft.user.oid}.{microsoft.user.tid}"
    assert account["realm"] == "contoso-tenant"

    refreshed = app.acquire_token_silent_with_error(["Calendars.ReadWrite"], account=account, force_refresh=True)

    assert refreshed["refresh_token"] != signed_in["refresh_token"]
    assert microsoft.current_refresh_tokens() == [refreshed["refresh_token"]]
    token_request = microsoft.requests_to("POST", "/contoso-tenant/oauth2/v2.0/token")[-1]
    assert token_request.form["grant_type"] == "refresh_token"
    assert token_request.headers["X-AnchorMailbox"] == f"Oid:{microsoft.user.oid}@{microsoft.user.tid}"

    spent = microsoft.session().post(
        f"{microsoft.base}/contoso-tenant/oauth2/v2.0/token",
        data={
            "client_id": microsoft.client_id,
            "client_secret": microsoft.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": signed_in["refresh_token"],
        },
    )
    assert spent.status_code == 400
    assert spent.json()["error"] == "invalid_grant" and spent.json()["error_codes"] == [70000]

    microsoft.revoke()
    failed = app.acquire_token_silent_with_error(["Calendars.ReadWrite"], account=account, force_refresh=True)

    assert failed["error"] == "invalid_grant"
    assert graph(microsoft, refreshed["access_token"]).get(f"{microsoft.graph_base}/me").status_code == 401


def test_it_posts_the_authorization_response_and_reports_a_declined_consent(microsoft):
    app = msal_app(microsoft)
    flow = app.initiate_auth_code_flow(["Calendars.ReadWrite"], redirect_uri=REDIRECT_URI, response_mode="form_post")
    page = microsoft.session().get(flow["auth_uri"], allow_redirects=False)
    assert page.status_code == 200 and f'action="{REDIRECT_URI}"' in page.text
    assert "error" not in app.acquire_token_by_auth_code_flow(flow, microsoft.sign_in(flow["auth_uri"]))

    microsoft.deny_next_authorization()
    flow = app.initiate_auth_code_flow(["Calendars.ReadWrite"], redirect_uri=REDIRECT_URI, response_mode="form_post")
    declined = app.acquire_token_by_auth_code_flow(flow, microsoft.sign_in(flow["auth_uri"]))

    assert declined["error"] == "access_denied"


def test_it_pages_the_calendar_view_in_the_preferred_zone(microsoft):
    for hour in range(12):
        microsoft.add_event(f"Busy {hour}", MONDAY + timedelta(hours=hour), MONDAY + timedelta(hours=hour, minutes=30))
    microsoft.add_event("Outside", MONDAY + timedelta(days=2), MONDAY + timedelta(days=2, hours=1))
    client = graph(microsoft, microsoft.issue_tokens()["access_token"])
    client.headers["Prefer"] = 'outlook.timezone="America/New_York"'

    url = f"{microsoft.graph_base}/me/calendarView?" + urlencode(
        {"startDateTime": "2025-03-10T00:00:00Z", "endDateTime": "2025-03-11T00:00:00Z"}
    )
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        pages.append(response.json()["value"])
        url = response.json().get("@odata.nextLink")

    assert [len(page) for page in pages] == [10, 2]
    subjects = [event["subject"] for page in pages for event in page]
    assert subjects == [f"Busy {hour}" for hour in range(12)]
    assert pages[0][0]["start"] == {"dateTime": "2025-03-09T20:00:00.0000000", "timeZone": "America/New_York"}
    assert client.get(f"{microsoft.graph_base}/me/calendarView").json()["error"]["code"] == "ErrorInvalidParameter"


def test_it_tracks_changes_through_delta_links(microsoft):
    kept = microsoft.add_event("Kept", MONDAY, MONDAY + timedelta(hours=1))
    gone = microsoft.add_event("Gone", MONDAY + timedelta(hours=2), MONDAY + timedelta(hours=3))
    client = graph(microsoft, microsoft.issue_tokens()["access_token"])
    client.headers["Prefer"] = "odata.maxpagesize=1"
    window = {"startDateTime": "2025-03-10T00:00:00Z", "endDateTime": "2025-03-11T00:00:00Z"}

    def sync(url):
        items = []
        while True:
            body = client.get(url).json()
            items += body["value"]
            if "@odata.deltaLink" in body:
                return items, body["@odata.deltaLink"]
            url = body["@odata.nextLink"]

    first, delta_link = sync(f"{microsoft.graph_base}/me/calendarView/delta?{urlencode(window)}")
    assert [item["id"] for item in first] == [kept["id"], gone["id"]]

    microsoft.delete_event(gone["id"])
    added = microsoft.add_event("Added", MONDAY + timedelta(hours=5), MONDAY + timedelta(hours=6))
    changes, _ = sync(delta_link)

    assert changes == [
        {"@odata.type": "#microsoft.graph.event", "id": gone["id"], "@removed": {"reason": "deleted"}},
        changes[1],
    ]
    assert changes[1]["id"] == added["id"]

    microsoft.invalidate_delta_tokens()
    expired = client.get(delta_link)
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "SyncStateNotFound"
    selected = client.get(f"{microsoft.graph_base}/me/calendarView/delta?{urlencode(window)}&$select=subject")
    assert selected.status_code == 400


def test_it_creates_one_event_per_transaction_id_across_retries(microsoft):
    client = graph(microsoft, microsoft.issue_tokens()["access_token"])
    event = {
        "subject": "Intro call",
        "start": {"dateTime": "2025-03-10T15:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-10T15:30:00", "timeZone": "UTC"},
        "attendees": [{"emailAddress": {"address": "lead@example.com", "name": "Lead"}, "type": "required"}],
        "transactionId": "booking-42",
    }
    microsoft.fail_next("POST", "/v1.0/me/events", 429, retry_after=2)
    microsoft.fail_after_commit_next("POST", "/v1.0/me/events", 504)

    throttled = client.post(f"{microsoft.graph_base}/me/events", json=event)
    timed_out = client.post(f"{microsoft.graph_base}/me/events", json=event)
    retried = client.post(f"{microsoft.graph_base}/me/events", json=event)

    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
    assert throttled.json()["error"]["code"] == "TooManyRequests"
    assert timed_out.status_code == 504
    assert retried.status_code == 201 and retried.json()["transactionId"] == "booking-42"
    assert list(microsoft.events) == [retried.json()["id"]]
    assert retried.json()["start"] == {"dateTime": "2025-03-10T15:00:00.0000000", "timeZone": "UTC"}
    assert [mail["kind"] for mail in microsoft.sent_mail] == ["invitation"]

    bad_zone = {
        **event,
        "transactionId": "booking-43",
        "start": {"dateTime": "2025-03-10T15:00:00", "timeZone": "Mars"},
    }
    refused = client.post(f"{microsoft.graph_base}/me/events", json=bad_zone)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "TimeZoneNotSupportedException"


def test_it_holds_requests_silent_or_slow(microsoft):
    client = graph(microsoft, microsoft.issue_tokens()["access_token"])
    url = f"{microsoft.graph_base}/me/events"
    event = {
        "subject": "Intro call",
        "start": {"dateTime": "2025-03-10T15:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-10T15:30:00", "timeZone": "UTC"},
        "transactionId": "booking-44",
    }

    microsoft.hold_next("POST", "/v1.0/me/events")  # silent: never performed, never answered
    with pytest.raises(requests.ReadTimeout):
        client.post(url, json=event, timeout=(2, 0.3))
    (silent,) = microsoft.requests_to("POST", "/v1.0/me/events")
    assert silent.status is None and not microsoft.events

    microsoft.hold_next("POST", "/v1.0/me/events", seconds=0.5)  # slow: performed after the client gave up
    began = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        client.post(url, json=event, timeout=(2, 0.2))
    slow = microsoft.requests_to("POST", "/v1.0/me/events")[-1]
    while slow.status is None and time.monotonic() - began < 5:
        time.sleep(0.01)
    assert slow.status == 201 and time.monotonic() - began >= 0.5 and len(microsoft.events) == 1
    again = client.post(url, json=event, timeout=(2, 2))  # the holds are used up: answered at once
    assert again.status_code == 201 and list(microsoft.events) == [again.json()["id"]]

    microsoft.hold_next("GET", "/v1.0/me")
    outcome = []

    def ask():
        try:
            outcome.append(client.get(f"{microsoft.graph_base}/me", timeout=(2, 10)).status_code)
        except requests.RequestException as problem:
            outcome.append(type(problem))

    waiting = threading.Thread(target=ask)
    waiting.start()
    microsoft.wait_for_requests("GET", "/v1.0/me")
    released = time.monotonic()
    microsoft.release_holds()  # a silent request released is closed unanswered
    waiting.join(timeout=5)
    assert outcome == [requests.ConnectionError] and time.monotonic() - released < 2
    assert client.get(f"{microsoft.graph_base}/me", timeout=(2, 2)).status_code == 200


def test_it_answers_get_schedule_and_refuses_expired_tokens(microsoft):
    microsoft.add_event("Tentative", MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=10), show_as="tentative")
    microsoft.add_event("Busy", MONDAY + timedelta(hours=10), MONDAY + timedelta(hours=11))
    client = graph(microsoft, microsoft.issue_tokens()["access_token"])
    query = {
        "schedules": [microsoft.user.mail],
        "startTime": {"dateTime": "2025-03-10T08:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2025-03-10T12:00:00", "timeZone": "UTC"},
        "availabilityViewInterval": 60,
    }

    schedule = client.post(f"{microsoft.graph_base}/me/calendar/getSchedule", json=query).json()["value"][0]

    assert schedule["availabilityView"] == "0120"
    assert [item["status"] for item in schedule["scheduleItems"]] == ["tentative", "busy"]

    microsoft.expire_access_tokens()
    expired = client.get(f"{microsoft.graph_base}/me")
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "InvalidAuthenticationToken"


def google_sign_in(google: FakeGoogle) -> dict:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    auth_uri = f"{google.auth_uri}?" + urlencode(
        {
            "client_id": google.client_id,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "openid email https://www.googleapis.com/auth/calendar.events",
            "state": "xyz",
            "access_type": "offline",
            "prompt": "consent",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    callback = google.sign_in(auth_uri)
    assert callback["state"] == "xyz"
    session = google.session()
    session.auth = (google.client_id, google.client_secret)  # HTTP Basic, as google-auth-oauthlib sends it
    response = session.post(
        google.token_uri,
        data={
            "grant_type": "authorization_code",
            "code": callback["code"],
            "code_verifier": verifier,
            "redirect_uri": REDIRECT_URI,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_it_runs_google_oauth_and_the_event_round_trip(google):
    tokens = google_sign_in(google)
    assert {"access_token", "refresh_token", "id_token", "scope", "expires_in"} <= tokens.keys()
    api = google.session()
    api.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    events_url = f"{google.calendar_base}calendars/primary/events"
    google.add_event("Lunch", MONDAY + timedelta(hours=16), MONDAY + timedelta(hours=17))
    google.add_event("Holiday", date(2025, 3, 11), date(2025, 3, 12), is_all_day=True)

    google.fail_after_commit_next("POST", "/calendar/v3/calendars/primary/events", 503, retry_after=1)
    booking = {
        "id": "booking42r1",
        "summary": "Intro call",
        "attendees": [{"email": "lead@example.org"}],
        "start": {"dateTime": "2025-03-10T11:00:00-04:00"},
        "end": {"dateTime": "2025-03-10T11:30:00-04:00"},
    }

    timed_out = api.post(events_url, params={"sendUpdates": "all"}, json=booking)
    retried = api.post(events_url, params={"sendUpdates": "all"}, json=booking)

    assert timed_out.status_code == 503 and timed_out.headers["Retry-After"] == "1"
    assert (
        retried.status_code == 409 and retried.json()["error"]["message"] == "The requested identifier already exists."
    )
    assert api.get(f"{events_url}/booking42r1").json()["summary"] == "Intro call"
    assert google.requests_to("POST", "/calendar/v3/calendars/primary/events")[0].query == {"sendUpdates": "all"}
    assert google.sent_mail == [
        {"kind": "invitation", "event_id": "booking42r1", "summary": "Intro call", "to": ["lead@example.org"]}
    ]
    assert api.post(events_url, json={**booking, "id": "Not-Base32"}).json()["error"]["message"] == (
        "Invalid resource id value."
    )

    first = api.get(
        events_url,
        params={"timeMin": "2025-03-10T00:00:00Z", "singleEvents": "true", "orderBy": "startTime", "maxResults": 2},
    ).json()
    second = api.get(events_url, params={"pageToken": first["nextPageToken"]}).json()
    assert [e["summary"] for e in first["items"] + second["items"]] == ["Intro call", "Lunch", "Holiday"]
    assert "nextSyncToken" not in first and first["items"][0]["start"]["dateTime"] == "2025-03-10T11:00:00-04:00"

    assert api.delete(f"{events_url}/booking42r1").status_code == 204
    assert api.delete(f"{events_url}/booking42r1").json()["error"]["message"] == "Resource has been deleted"
    changes = api.get(events_url, params={"syncToken": second["nextSyncToken"]}).json()
    assert changes["items"] == [
        {"kind": "calendar#event", "etag": changes["items"][0]["etag"], "id": "booking42r1", "status": "cancelled"}
    ]
    assert (
        api.get(
            events_url, params={"syncToken": changes["nextSyncToken"], "timeMin": "2025-03-10T00:00:00Z"}
        ).status_code
        == 400
    )
    google.invalidate_sync_tokens()
    gone = api.get(events_url, params={"syncToken": changes["nextSyncToken"]})
    assert gone.status_code == 410 and gone.json()["error"]["errors"][0]["reason"] == "fullSyncRequired"

    google.revoke()
    refresh = google.session().post(
        google.token_uri,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": google.client_id,
            "client_secret": google.client_secret,
        },
    )
    assert refresh.json() == {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
    assert api.get(events_url).status_code == 401


def test_it_answers_google_free_busy_and_keeps_the_refresh_token(google):
    tokens = google.issue_tokens()
    google.add_event("A", MONDAY + timedelta(hours=14), MONDAY + timedelta(hours=15))
    google.add_event("B", MONDAY + timedelta(hours=14, minutes=30), MONDAY + timedelta(hours=16))
    google.add_event("Free", MONDAY + timedelta(hours=17), MONDAY + timedelta(hours=18), show_as="free")
    google.fail_next("POST", "/calendar/v3/freeBusy", 503, retry_after=1)
    api = google.session()
    api.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    query = {"timeMin": "2025-03-10T14:15:00Z", "timeMax": "2025-03-10T20:00:00Z", "items": [{"id": "primary"}]}

    assert api.post(f"{google.base}/calendar/v3/freeBusy", json=query).status_code == 503
    busy = api.post(f"{google.base}/calendar/v3/freeBusy", json=query).json()["calendars"]["primary"]["busy"]

    assert busy == [{"start": "2025-03-10T14:15:00Z", "end": "2025-03-10T16:00:00Z"}]
    refreshed = (
        google.session()
        .post(
            google.token_uri,
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=(google.client_id, google.client_secret),
        )
        .json()
    )
    assert "refresh_token" not in refreshed and refreshed["access_token"] != tokens["access_token"]
    assert len(google.requests_to("POST", "/calendar/v3/freeBusy")) == 2
