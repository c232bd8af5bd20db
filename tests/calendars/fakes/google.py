"""FakeGoogle: Google OAuth and Calendar API v3 on one plain-HTTP server on 127.0.0.1.

with FakeGoogle() as fake:
    auth_uri, token_uri = fake.auth_uri, fake.token_uri   # {base}/o/oauth2/v2/auth, {base}/token
    api_endpoint = fake.calendar_base                     # {base}/calendar/v3/  (googleapiclient api_endpoint)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.calendars.fakes.google_calendar import GoogleCalendarApi, ListState, google_error_body
from tests.calendars.fakes.google_events import GoogleApiError, GoogleCalendar
from tests.calendars.fakes.google_oauth import GoogleOAuth, GoogleOAuthState, GoogleUser
from tests.calendars.fakes.server import FakeServer, RecordedRequest, Route

__all__ = ["FakeGoogle", "GoogleUser"]

API_FAILURES = {
    429: ("usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"),
    500: ("global", "backendError", "Backend Error"),
    503: ("global", "backendError", "Backend Error"),
    504: ("global", "backendError", "Deadline exceeded"),
}


class FakeGoogle(GoogleOAuth, GoogleCalendarApi, FakeServer):
    def __init__(
        self,
        *,
        client_id: str = "1234567890-fakeclient.apps.googleusercontent.com",
        client_secret: str = "GOCSPX-fake-google-client-secret",
        user: GoogleUser | None = None,
        redirect_uris: list[str] | None = None,
        access_token_lifetime: int = 3599,
        calendar_time_zone: str = "America/New_York",
        id_token_issuer: str = "https://accounts.google.com",
        enforce_scopes: bool = True,
        tls: bool = False,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self._user = user or GoogleUser()
        self.redirect_uris = redirect_uris  # None: any redirect_uri is registered
        self.access_token_lifetime = access_token_lifetime  # below 225 s google-auth refreshes before every call
        self.id_token_issuer = id_token_issuer
        self.enforce_scopes = enforce_scopes  # the API answers 403 insufficientPermissions without a fitting scope
        self.oauth = GoogleOAuthState()
        self.calendar = GoogleCalendar(owner_email=self._user.email, time_zone=calendar_time_zone)
        self._list_states: dict[str, ListState] = {}
        self._sync_tokens: dict[str, int] = {}
        super().__init__(tls=tls)

    @property
    def user(self) -> GoogleUser:
        """The person who signs in; their address is also the primary calendar's id."""
        return self._user

    @user.setter
    def user(self, user: GoogleUser) -> None:
        with self.lock:
            self._user = user
            self.calendar.owner_email = user.email

    @property
    def auth_uri(self) -> str:
        return f"{self.base}/o/oauth2/v2/auth"

    @property
    def token_uri(self) -> str:
        return f"{self.base}/token"

    @property
    def calendar_base(self) -> str:
        return f"{self.base}/calendar/v3/"

    def routes(self) -> list[Route]:
        return self.oauth_routes() + self.calendar_routes()

    def failure_body(self, status: int, request: RecordedRequest) -> Any:
        if request.path.startswith("/calendar/"):
            domain, reason, message = API_FAILURES.get(status, ("global", "backendError", "fake: injected failure"))
            return google_error_body(GoogleApiError(status, reason, message, domain=domain))
        return {"error": "internal_failure", "error_description": "Backend Error"}

    # -- the calendar, for tests -------------------------------------------------------------------------------
    def add_event(
        self,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        *,
        is_all_day: bool = False,
        show_as: str = "busy",
        **properties: Any,
    ) -> dict[str, Any]:
        """An event as if the user had created it in Google Calendar (aware datetimes; dates, end exclusive, for
        all-day events). show_as is "busy" (opaque) or "free" (transparent); extra event fields go in
        **properties (e.g. id=..., attendees=[...], status="tentative"). Returns the event as the API sends it."""
        with self.lock:
            event = self.calendar.add(
                summary, start, end, is_all_day=is_all_day, show_as=show_as, now=self._utc_now(), properties=properties
            )
            return self.calendar.render(event)

    def update_event(self, event_id: str, **fields: Any) -> dict[str, Any]:
        """Change an event as the user would in Google Calendar (patch semantics)."""
        with self.lock:
            event = self.calendar.patch(
                event_id, fields, now=self._utc_now(), conference_data_version=1, send_updates="none"
            )
            return self.calendar.render(event)

    def delete_event(self, event_id: str) -> None:
        with self.lock:
            self.calendar.delete(event_id, now=self._utc_now(), send_updates="none")

    @property
    def events(self) -> dict[str, dict[str, Any]]:
        """Current (not deleted) events by id, as the API would send them."""
        with self.lock:
            return {event.id: self.calendar.render(event) for event in self.calendar.live()}

    @property
    def deleted_event_ids(self) -> set[str]:
        with self.lock:
            return {event.id for event in self.calendar.events.values() if event.deleted}

    @property
    def sent_mail(self) -> list[dict[str, Any]]:
        """Invitations, updates and cancellations Google would have mailed per sendUpdates: {"kind", "event_id",
        "summary", "to"}."""
        with self.lock:
            return list(self.calendar.sent_mail)
