"""Google Calendar API v3 under /calendar/v3 (events and freeBusy of the primary calendar) as HTTP.
A mixin of FakeGoogle; notes/calendars.md §3.3–3.6 is the behaviour it copies."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.calendars.fakes.google_events import GoogleApiError, GoogleCalendar, invalid
from tests.calendars.fakes.google_oauth import GoogleAccessToken, GoogleOAuthState
from tests.calendars.fakes.server import RecordedRequest, Reply, Route
from tests.calendars.fakes.timezones import iana_zone, parse_instant, rfc3339, rfc3339_millis_utc

AUTH = "https://www.googleapis.com/auth/"
READ_CALENDAR = {
    AUTH + s for s in ("calendar", "calendar.readonly", "calendar.calendars", "calendar.calendars.readonly")
}
WRITE_EVENTS = {AUTH + s for s in ("calendar", "calendar.events", "calendar.events.owned")}
READ_EVENTS = WRITE_EVENTS | {
    AUTH + s for s in ("calendar.readonly", "calendar.events.readonly", "calendar.events.owned.readonly")
}
FREEBUSY = {AUTH + s for s in ("calendar", "calendar.readonly", "calendar.freebusy", "calendar.events.freebusy")}

STANDARD_PARAMETERS = {"alt", "fields", "prettyPrint", "quotaUser", "key", "userIp", "$.xgafv"}
LIST_PARAMETERS = {
    "timeMin",
    "timeMax",
    "singleEvents",
    "orderBy",
    "maxResults",
    "pageToken",
    "syncToken",
    "showDeleted",
    "timeZone",
    "maxAttendees",
    "alwaysIncludeEmail",
    "showHiddenInvitations",
}
NOT_WITH_SYNC_TOKEN = {
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
}
UNIMPLEMENTED_LIST_PARAMETERS = {
    "iCalUID",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "updatedMin",
    "eventTypes",
}
WRITE_PARAMETERS = {"sendUpdates", "sendNotifications", "conferenceDataVersion", "supportsAttachments", "maxAttendees"}
CALENDAR_ID = r"/calendar/v3/calendars/(?P<calendar_id>[^/]+)"
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "GONE",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


@dataclass
class ListState:
    """What a pageToken stands for: the rest of a listing, and where its nextSyncToken will start from."""

    ids: list[str]
    offset: int
    change: int


def google_error_body(error: GoogleApiError) -> dict[str, Any]:
    detail = {"domain": error.domain, "reason": error.reason, "message": error.message, **error.where}
    return {
        "error": {
            "code": error.status,
            "message": error.message,
            "errors": [detail],
            "status": STATUS_NAMES.get(error.status, "UNKNOWN"),
        }
    }


class GoogleCalendarApi:
    """Expects from the class it is mixed into: base, lock, now(), user, oauth, calendar, enforce_scopes."""

    calendar: GoogleCalendar
    oauth: GoogleOAuthState

    def calendar_routes(self) -> list[Route]:
        api = self._api
        return [
            Route("GET", CALENDAR_ID, api(self._get_calendar, READ_CALENDAR)),
            Route("GET", CALENDAR_ID + "/events", api(self._list_events, READ_EVENTS)),
            Route("POST", CALENDAR_ID + "/events", api(self._insert_event, WRITE_EVENTS)),
            Route("GET", CALENDAR_ID + "/events/(?P<event_id>[^/]+)", api(self._get_event, READ_EVENTS)),
            Route("PATCH", CALENDAR_ID + "/events/(?P<event_id>[^/]+)", api(self._patch_event, WRITE_EVENTS)),
            Route("DELETE", CALENDAR_ID + "/events/(?P<event_id>[^/]+)", api(self._delete_event, WRITE_EVENTS)),
            Route("POST", r"/calendar/v3/freeBusy", api(self._free_busy, FREEBUSY)),
        ]

    def invalidate_sync_tokens(self) -> None:
        """Every nextSyncToken handed out so far answers 410 fullSyncRequired."""
        with self.lock:
            self._sync_tokens.clear()

    # -- the frame around every API handler --------------------------------------------------------------------
    def _api(self, handler: Callable[..., Reply], scopes: set[str]) -> Callable[..., Reply]:
        def serve(request: RecordedRequest, **arguments: str) -> Reply:
            try:
                self._authenticate(request, scopes)
                if request.param("alt") not in (None, "json"):
                    raise invalid(f"fake: alt={request.param('alt')} is not implemented")
                if "calendar_id" in arguments:
                    self._check_calendar(arguments.pop("calendar_id"))
                return handler(request, **arguments)
            except GoogleApiError as error:
                reply = Reply(error.status, google_error_body(error))
                if error.status == 401:
                    reply.headers["WWW-Authenticate"] = (
                        'Bearer realm="https://accounts.google.com/", error="invalid_token"'
                    )
                return reply

        return serve

    def _authenticate(self, request: RecordedRequest, scopes: set[str]) -> GoogleAccessToken:
        access = self.oauth.access_tokens.get(request.bearer_token() or "")
        if access is None or access.revoked or access.grant.revoked or access.expires_at <= self.now():
            raise GoogleApiError(
                401,
                "authError",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
                "valid authentication credential.",
                location="Authorization",
                locationType="header",
            )
        if self.enforce_scopes and not set(access.grant.scopes) & scopes:
            raise GoogleApiError(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
        return access

    def _check_calendar(self, calendar_id: str) -> None:
        if calendar_id != "primary" and calendar_id.lower() != self.user.email.lower():
            raise GoogleApiError(404, "notFound", "Not Found")

    def _check_query(self, request: RecordedRequest, allowed: set[str]) -> None:
        for name in request.query:
            if name not in allowed | STANDARD_PARAMETERS:
                raise invalid(f"fake: unexpected query parameter '{name}'", location=name, locationType="parameter")

    def _response_zone(self, request: RecordedRequest) -> ZoneInfo | None:
        name = request.param("timeZone")
        if name is None:
            return None
        zone = iana_zone(name)
        if zone is None:
            raise invalid("Invalid time zone definition.", location="timeZone", locationType="parameter")
        return zone

    def _flag(self, request: RecordedRequest, name: str) -> bool | None:
        value = request.param(name)
        if value not in (None, "true", "false"):
            raise invalid(f"Invalid boolean value: '{value}'.", location=name, locationType="parameter")
        return None if value is None else value == "true"

    def _rfc3339(self, value: str | None, name: str) -> datetime | None:
        if value is None:
            return None
        moment = parse_instant(value)  # an offset is mandatory
        if moment is None:
            raise invalid(
                f"Bad Request: invalid {name} '{value}' (RFC3339 with offset)", location=name, locationType="parameter"
            )
        return moment

    def _utc_now(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    # -- calendars and events ----------------------------------------------------------------------------------
    def _get_calendar(self, request: RecordedRequest) -> Reply:
        self._check_query(request, set())
        return Reply(
            200,
            {
                "kind": "calendar#calendar",
                "etag": '"fake-calendar-etag"',
                "id": self.user.email,
                "summary": self.user.email,
                "timeZone": self.calendar.time_zone,
                "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
            },
        )

    def _list_events(self, request: RecordedRequest) -> Reply:
        unimplemented = sorted(UNIMPLEMENTED_LIST_PARAMETERS & request.query.keys())
        if (
            unimplemented and "syncToken" not in request.query
        ):  # with a syncToken they are refused below, as Google does
            raise invalid(f"fake: {unimplemented[0]} is not implemented", "notImplementedByFake")
        self._check_query(request, LIST_PARAMETERS | UNIMPLEMENTED_LIST_PARAMETERS)
        single_events, show_deleted = self._flag(request, "singleEvents"), self._flag(request, "showDeleted")
        max_results = request.param("maxResults") or "250"
        if not max_results.isdigit() or int(max_results) < 1:
            raise invalid(
                f"Invalid value '{max_results}' for maxResults.", location="maxResults", locationType="parameter"
            )
        page_size = min(int(max_results), 2500)
        zone = self._response_zone(request) or self.calendar.zone  # "default is the time zone of the calendar"
        page_token, sync_token = request.param("pageToken"), request.param("syncToken")
        if page_token is not None:
            state = self._list_states.get(page_token)
            if state is None:
                raise invalid("Invalid page token value.", location="pageToken", locationType="parameter")
        elif sync_token is not None:
            clash = sorted(NOT_WITH_SYNC_TOKEN & request.query.keys())
            if clash:
                raise invalid(
                    f"Sync token cannot be used with {', '.join(clash)}.",
                    location="syncToken",
                    locationType="parameter",
                )
            since = self._sync_tokens.get(sync_token)
            if since is None:
                raise GoogleApiError(
                    410,
                    "fullSyncRequired",
                    "Sync token is no longer valid, a full sync is required.",
                    domain="calendar",
                    location="syncToken",
                    locationType="parameter",
                )
            state = ListState([e.id for e in self.calendar.changed_since(since)], 0, self.calendar.change)
        else:
            order_by = request.param("orderBy")
            if order_by not in (None, "startTime", "updated"):
                raise invalid(f"Invalid value '{order_by}' for orderBy.", location="orderBy", locationType="parameter")
            if order_by == "startTime" and not single_events:
                raise invalid("The requested ordering is not available for the particular query.", "badRequest")
            time_min = self._rfc3339(request.param("timeMin"), "timeMin")
            time_max = self._rfc3339(request.param("timeMax"), "timeMax")
            if time_min and time_max and time_max <= time_min:
                raise invalid(
                    "The specified time range is empty.", "timeRangeEmpty", location="timeMax", locationType="parameter"
                )
            events = self.calendar.listing(time_min, time_max, show_deleted=bool(show_deleted), order_by=order_by)
            state = ListState([e.id for e in events], 0, self.calendar.change)
        page = state.ids[state.offset : state.offset + page_size]
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"{self.calendar.change}"',
            "summary": self.user.email,
            "description": "",
            "updated": rfc3339_millis_utc(self._utc_now()),
            "timeZone": self.calendar.time_zone,
            "accessRole": "owner",
            "defaultReminders": [{"method": "popup", "minutes": 10}],
            "items": [self.calendar.render(self.calendar.events[event_id], zone) for event_id in page],
        }
        if state.offset + page_size < len(state.ids):
            token = secrets.token_urlsafe(24)
            self._list_states[token] = ListState(state.ids, state.offset + page_size, state.change)
            body["nextPageToken"] = token
        else:
            token = "CP" + secrets.token_urlsafe(24)
            self._sync_tokens[token] = state.change
            body["nextSyncToken"] = token
        return Reply(200, body)

    def _get_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, {"timeZone", "maxAttendees", "alwaysIncludeEmail"})
        return Reply(200, self.calendar.render(self.calendar.get(event_id), self._response_zone(request)))

    def _insert_event(self, request: RecordedRequest) -> Reply:
        self._check_query(request, WRITE_PARAMETERS)
        event = self.calendar.insert(
            request.json,
            now=self._utc_now(),
            conference_data_version=self._conference_version(request),
            send_updates=self._send_updates(request),
        )
        return Reply(200, self.calendar.render(event))

    def _patch_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, WRITE_PARAMETERS)
        event = self.calendar.patch(
            event_id,
            request.json,
            now=self._utc_now(),
            conference_data_version=self._conference_version(request),
            send_updates=self._send_updates(request),
        )
        return Reply(200, self.calendar.render(event))

    def _delete_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, {"sendUpdates", "sendNotifications"})
        self.calendar.delete(event_id, now=self._utc_now(), send_updates=self._send_updates(request))
        return Reply(204)

    def _send_updates(self, request: RecordedRequest) -> str:
        value = request.param("sendUpdates")
        if value is None:
            return "all" if self._flag(request, "sendNotifications") else "none"
        if value not in ("all", "externalOnly", "none"):
            raise invalid(f"Invalid value '{value}' for sendUpdates.", location="sendUpdates", locationType="parameter")
        return value

    def _conference_version(self, request: RecordedRequest) -> int:
        value = request.param("conferenceDataVersion") or "0"
        if value not in ("0", "1"):
            raise invalid(
                f"Invalid conferenceDataVersion '{value}'.", location="conferenceDataVersion", locationType="parameter"
            )
        return int(value)

    # -- free/busy ---------------------------------------------------------------------------------------------
    def _free_busy(self, request: RecordedRequest) -> Reply:
        self._check_query(request, set())
        body = request.json
        if not isinstance(body, dict):
            raise invalid("Parse Error: the body must be a JSON object (Content-Type: application/json).", "parseError")
        for name in ("timeMin", "timeMax"):
            if not body.get(name):
                raise invalid(f"Missing {name} parameter.", "required")
        start, end = self._rfc3339(body["timeMin"], "timeMin"), self._rfc3339(body["timeMax"], "timeMax")
        if end <= start:
            raise invalid("The specified time range is empty.", "timeRangeEmpty")
        zone = iana_zone(body.get("timeZone") or "UTC")
        if zone is None:
            raise invalid("Invalid time zone definition.")
        if int(body.get("calendarExpansionMax") or 0) > 50 or int(body.get("groupExpansionMax") or 0) > 100:
            raise invalid("Invalid expansion maximum.")
        calendars: dict[str, Any] = {}
        for item in body.get("items") or []:
            calendar_id = item.get("id") if isinstance(item, dict) else None
            if calendar_id == "primary" or (calendar_id or "").lower() == self.user.email.lower():
                busy = self.calendar.busy(start, end)
                calendars[calendar_id] = {
                    "busy": [{"start": rfc3339(b, zone), "end": rfc3339(f, zone)} for b, f in busy]
                }
            else:
                calendars[calendar_id] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
        return Reply(
            200,
            {
                "kind": "calendar#freeBusy",
                "timeMin": rfc3339_millis_utc(start),
                "timeMax": rfc3339_millis_utc(end),
                "calendars": calendars,
            },
        )
