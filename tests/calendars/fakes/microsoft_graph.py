"""Microsoft Graph v1.0 (the signed-in user's profile, mailbox settings and calendar) as HTTP.
A mixin of FakeMicrosoft; notes/calendars.md §2 is the behaviour it copies."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from tests.calendars.fakes.entra import EntraAccessToken, EntraState
from tests.calendars.fakes.microsoft_events import GraphCalendar, GraphError, GraphView, bad_request, wall_time
from tests.calendars.fakes.oauth import b64url_json, new_secret
from tests.calendars.fakes.server import RecordedRequest, Reply, Route
from tests.calendars.fakes.timezones import graph_zone, parse_instant

ME = r"/v1\.0/me"
CALENDAR = r"/v1\.0/me(?:/calendar)?"  # /me/events and /me/calendar/events are the same calendar
EVENT = CALENDAR + r"/events/(?P<event_id>[^/]+)"

READ_USER = {"user.read", "user.readwrite", "user.readbasic.all", "user.read.all"}
READ_MAILBOX_SETTINGS = {"mailboxsettings.read", "mailboxsettings.readwrite"}
WRITE_CALENDARS = {"calendars.readwrite", "calendars.readwrite.shared"}
READ_CALENDARS = WRITE_CALENDARS | {"calendars.read", "calendars.read.shared", "calendars.readbasic"}
DELTA_UNSUPPORTED = {"$select", "$filter", "$orderby", "$expand", "$search", "$top"}
DEFAULT_PAGE_SIZE = 10

EXTENDED_PROPERTY_FILTER = re.compile(
    r"singleValueExtendedProperties/any\((?P<v>\w+):\s*(?P=v)/id eq '(?P<id>[^']*)' and (?P=v)/value eq '(?P<value>[^']*)'\)",
    re.IGNORECASE,
)
EXTENDED_PROPERTY_EXPAND = re.compile(
    r"singleValueExtendedProperties(?:\(\$filter=id eq '(?P<id>[^']*)'\))?", re.IGNORECASE
)


@dataclass
class DeltaState:
    """What a $skiptoken (pending ids left to send) or a $deltatoken (pending None) stands for."""

    window: tuple[datetime, datetime]
    change: int  # the calendar's change counter the round started from
    pending: list[str] | None = None


def preferences(request: RecordedRequest) -> dict[str, str]:
    """The Prefer header(s) as {lower-cased name: unquoted value}."""
    prefs = {}
    for part in re.findall(r"""(?:[^,"']|"[^"]*"|'[^']*')+""", request.headers.get("Prefer", "")):
        name, _, value = part.partition("=")
        prefs[name.strip().lower()] = value.strip().strip("\"'")
    return prefs


def query_value(request: RecordedRequest, name: str) -> str | None:
    """A query value looked up case-insensitively, as Graph does."""
    for key in request.query:
        if key.lower() == name.lower():
            return request.param(key)
    return None


class GraphApi:
    """Expects from the class it is mixed into: base, lock, now(), user, entra, calendar, mailbox_time_zone,
    working_hours, enforce_scopes, empty_first_delta_page."""

    calendar: GraphCalendar
    entra: EntraState

    def graph_routes(self) -> list[Route]:
        graph = self._graph
        return [
            Route("GET", ME, graph(self._me, READ_USER)),
            Route("GET", ME + "/mailboxSettings", graph(self._mailbox_settings, READ_MAILBOX_SETTINGS)),
            Route("GET", ME + "/mailboxSettings/timeZone", graph(self._mailbox_time_zone, READ_MAILBOX_SETTINGS)),
            Route("GET", CALENDAR + "/calendarView", graph(self._calendar_view, READ_CALENDARS)),
            Route("GET", CALENDAR + "/calendarView/delta", graph(self._delta, READ_CALENDARS)),
            Route("GET", CALENDAR + "/events", graph(self._list_events, READ_CALENDARS)),
            Route("POST", CALENDAR + "/events", graph(self._create_event, WRITE_CALENDARS)),
            Route("GET", EVENT, graph(self._get_event, READ_CALENDARS)),
            Route("PATCH", EVENT, graph(self._update_event, WRITE_CALENDARS)),
            Route("DELETE", EVENT, graph(self._delete_event, WRITE_CALENDARS)),
            Route("POST", EVENT + "/cancel", graph(self._cancel_event, WRITE_CALENDARS)),
            Route("POST", ME + "/calendar/getSchedule", graph(self._get_schedule, READ_CALENDARS)),
        ]

    def invalidate_delta_tokens(self) -> None:
        """Every deltaLink and nextLink handed out so far answers 410 SyncStateNotFound."""
        with self.lock:
            self._delta_states.clear()

    # -- the frame around every Graph handler ------------------------------------------------------------------
    def _graph(self, handler: Callable[..., Reply], scopes: set[str]) -> Callable[..., Reply]:
        def serve(request: RecordedRequest, **arguments: str) -> Reply:
            try:
                self._authenticate(request, scopes)
                reply = handler(request, **arguments)
            except GraphError as error:
                reply = Reply(error.status, self.graph_error_body(error.code, error.message, request))
                if error.status == 401:
                    reply.headers["WWW-Authenticate"] = 'Bearer realm="", error="invalid_token"'
            reply.headers["request-id"] = str(uuid.uuid4())
            reply.headers["client-request-id"] = request.headers.get("client-request-id", reply.headers["request-id"])
            applied = [
                f"{k}={v}" if k == "odata.maxpagesize" else f'{k}="{v}"'
                for k, v in preferences(request).items()
                if k in ("outlook.timezone", "outlook.body-content-type", "odata.maxpagesize")
            ]
            if applied and reply.status < 300:
                reply.headers["Preference-Applied"] = ", ".join(applied)
            return reply

        return serve

    def graph_error_body(self, code: str, message: str, request: RecordedRequest) -> dict[str, Any]:
        inner = {
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "request-id": str(uuid.uuid4()),
            "client-request-id": request.headers.get("client-request-id", str(uuid.uuid4())),
        }
        return {"error": {"code": code, "message": message, "innerError": inner}}

    def _authenticate(self, request: RecordedRequest, scopes: set[str]) -> EntraAccessToken:
        token = request.bearer_token()
        if not token:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
        access = self.entra.access_tokens.get(token)
        if access is None:
            raise GraphError(401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed.")
        if access.revoked or access.grant.revoked:
            raise GraphError(401, "InvalidAuthenticationToken", "The access token has been revoked.")
        if access.expires_at <= self.now():
            raise GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
        if self.enforce_scopes and not access.scope_set() & scopes:
            raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        return access

    def _view(self, request: RecordedRequest, *, select: str | None = None, expand: str | None = None) -> GraphView:
        prefs = preferences(request)
        zone_label = prefs.get("outlook.timezone") or "UTC"
        zone = graph_zone(zone_label)
        if zone is None:
            raise bad_request(
                f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{zone_label}'.",
                "TimeZoneNotSupportedException",
            )
        view = GraphView(
            base=self.base,
            organizer={"name": self.user.name, "address": self.user.mail},
            zone_label=zone_label,
            zone=zone,
            text_body=prefs.get("outlook.body-content-type", "").lower() == "text",
            select={name.strip() for name in select.split(",")} if select else None,
        )
        if expand:
            match = EXTENDED_PROPERTY_EXPAND.fullmatch(expand.strip())
            if match is None:
                raise bad_request(f"fake: $expand={expand} is not implemented", "NotImplementedByFake")
            wanted = match["id"]
            view.expand_property = lambda p: wanted is None or str(p.get("id", "")).lower() == wanted.lower()
        return view

    def _check_query(self, request: RecordedRequest, allowed: set[str]) -> None:
        allowed_lower = {name.lower() for name in allowed}
        for name in request.query:
            if name.lower() in allowed_lower:
                continue
            if name.startswith("$"):
                raise bad_request(f"fake: query option '{name}' is not implemented here", "NotImplementedByFake")
            raise bad_request(f"fake: unexpected query parameter '{name}'", "BadRequest")

    def _page_size(self, request: RecordedRequest, value: str | None) -> int:
        if value is None:
            return DEFAULT_PAGE_SIZE
        if not value.isdigit() or not 1 <= int(value) <= 1000:
            raise bad_request(f"Invalid page size '{value}'.", "ErrorInvalidParameter")
        return int(value)

    def _window(self, request: RecordedRequest) -> tuple[datetime, datetime]:
        raw_start, raw_end = query_value(request, "startDateTime"), query_value(request, "endDateTime")
        if not raw_start or not raw_end:
            raise GraphError(
                400,
                "ErrorInvalidParameter",
                "This request requires a time window specified by the query string parameters StartDateTime and "
                "EndDateTime.",
            )
        start, end = parse_instant(raw_start, naive_zone=UTC), parse_instant(raw_end, naive_zone=UTC)
        for raw, parsed, name in ((raw_start, start, "StartDateTime"), (raw_end, end, "EndDateTime")):
            if parsed is None:
                raise GraphError(400, "ErrorInvalidParameter", f"The value '{raw}' of parameter '{name}' is invalid.")
        if end <= start:
            raise GraphError(400, "ErrorInvalidParameter", "EndDateTime must be after StartDateTime.")
        return start, end

    def _paged(
        self, request: RecordedRequest, items: list[Any], render: Callable[[Any], dict], context: str
    ) -> dict[str, Any]:
        """A page of `items` per $top/$skiptoken, with an absolute nextLink that carries the rest of the query."""
        size = self._page_size(request, query_value(request, "$top"))
        offset = self._skip_offset(query_value(request, "$skiptoken"))
        body: dict[str, Any] = {
            "@odata.context": f"{self.base}/v1.0/$metadata#{context}",
            "value": [render(item) for item in items[offset : offset + size]],
        }
        if offset + size < len(items):
            query = {k: v for k, v in request.query.items() if k.lower() != "$skiptoken"}
            query["$skiptoken"] = b64url_json({"offset": offset + size})
            body["@odata.nextLink"] = self._link(request.path, query)
        return body

    def _skip_offset(self, token: str | None) -> int:
        if token is None:
            return 0
        try:
            return int(json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["offset"])
        except (ValueError, KeyError, TypeError):
            raise bad_request(f"Invalid $skiptoken '{token}'.", "ErrorInvalidParameter") from None

    def _link(self, path: str, query: dict[str, Any]) -> str:
        return f"{self.base}{path}?{urlencode(query, doseq=True, quote_via=quote, safe='$:/,()')}"

    # -- profile -----------------------------------------------------------------------------------------------
    def _me(self, request: RecordedRequest) -> Reply:
        self._check_query(request, {"$select"})
        first, _, last = self.user.name.partition(" ")
        profile = {
            "businessPhones": [],
            "displayName": self.user.name,
            "givenName": first,
            "jobTitle": None,
            "mail": self.user.mail,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": "en-US",
            "surname": last or None,
            "userPrincipalName": self.user.preferred_username,
            "id": self.user.oid,
        }
        select = query_value(request, "$select")
        if select:
            wanted = {name.strip().lower() for name in select.split(",")} | {"id"}
            profile = {name: value for name, value in profile.items() if name.lower() in wanted}
        return Reply(200, {"@odata.context": f"{self.base}/v1.0/$metadata#users/$entity", **profile})

    def _mailbox_settings(self, request: RecordedRequest) -> Reply:
        self._check_query(request, set())
        return Reply(
            200,
            {
                "@odata.context": f"{self.base}/v1.0/$metadata#users('{self.user.oid}')/mailboxSettings",
                "timeZone": self.mailbox_time_zone,
                "dateFormat": "M/d/yyyy",
                "timeFormat": "h:mm tt",
                "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
                "userPurpose": "user",
                "language": {"locale": "en-US", "displayName": "English (United States)"},
                "workingHours": self.working_hours,
                "automaticRepliesSetting": {"status": "disabled", "externalAudience": "all"},
            },
        )

    def _mailbox_time_zone(self, request: RecordedRequest) -> Reply:
        context = f"{self.base}/v1.0/$metadata#users('{self.user.oid}')/mailboxSettings/timeZone"
        return Reply(200, {"@odata.context": context, "value": self.mailbox_time_zone})

    # -- reading the calendar ----------------------------------------------------------------------------------
    def _calendar_view(self, request: RecordedRequest) -> Reply:
        self._check_query(request, {"startDateTime", "endDateTime", "$top", "$skiptoken", "$select", "$orderby"})
        orderby = query_value(request, "$orderby")
        if orderby and orderby.strip().removesuffix(" asc").strip() != "start/dateTime":
            raise bad_request(f"fake: $orderby={orderby} is not implemented", "NotImplementedByFake")
        start, end = self._window(request)
        view = self._view(request, select=query_value(request, "$select"))
        events = self.calendar.in_window(start, end)
        context = f"users('{self.user.oid}')/calendarView"
        return Reply(200, self._paged(request, events, lambda e: self.calendar.render(e, view), context))

    def _delta(self, request: RecordedRequest) -> Reply:
        for name in request.query:
            if name.lower() in DELTA_UNSUPPORTED:
                raise bad_request(
                    f"The following parameters are not supported with change tracking over the 'CalendarView' "
                    f"resource: '{name}'.",
                    "ErrorInvalidParameter",
                )
        token = query_value(request, "$skiptoken") or query_value(request, "$deltatoken")
        if token is not None:
            if len(request.query) != 1:
                raise bad_request("fake: follow @odata.nextLink/@odata.deltaLink verbatim, adding no parameters")
            state = self._delta_states.get(token)
            if state is None:
                raise GraphError(410, "SyncStateNotFound", "The sync state generation is not found.")
            if state.pending is None:  # a deltaLink: what changed since that round
                state = DeltaState(
                    state.window, self.calendar.change, [e.id for e in self.calendar.changed_since(state.change)]
                )
        else:
            self._check_query(request, {"startDateTime", "endDateTime"})
            window = self._window(request)
            state = DeltaState(window, self.calendar.change, [e.id for e in self.calendar.in_window(*window)])
            if self.empty_first_delta_page:
                return Reply(200, self._delta_page(state, [], state.pending))
        size = self._page_size(request, preferences(request).get("odata.maxpagesize"))
        view = self._view(request)
        items = [self._delta_item(event_id, state.window, view) for event_id in state.pending[:size]]
        return Reply(200, self._delta_page(state, items, state.pending[size:]))

    def _delta_page(self, state: DeltaState, items: list[dict], rest: list[str]) -> dict[str, Any]:
        token = new_secret("")
        body: dict[str, Any] = {"@odata.context": f"{self.base}/v1.0/$metadata#Collection(event)", "value": items}
        if rest:
            self._delta_states[token] = DeltaState(state.window, state.change, rest)
            body["@odata.nextLink"] = f"{self.base}/v1.0/me/calendarView/delta?$skiptoken={token}"
        else:
            self._delta_states[token] = DeltaState(state.window, state.change)
            body["@odata.deltaLink"] = f"{self.base}/v1.0/me/calendarView/delta?$deltatoken={token}"
        return body

    def _delta_item(self, event_id: str, window: tuple[datetime, datetime], view: GraphView) -> dict[str, Any]:
        event = self.calendar.events[event_id]
        if event.removed is None and event.overlaps(*window):
            return self.calendar.render(event, view)
        # Deleted, cancelled, or moved out of the window: Graph reports all three as removed.
        return {"@odata.type": "#microsoft.graph.event", "id": event_id, "@removed": {"reason": "deleted"}}

    def _list_events(self, request: RecordedRequest) -> Reply:
        self._check_query(request, {"$filter", "$expand", "$top", "$skiptoken", "$select"})
        events = self.calendar.live()
        condition = query_value(request, "$filter")
        if condition:
            match = EXTENDED_PROPERTY_FILTER.fullmatch(condition.strip())
            if match is None:
                raise bad_request(f"fake: $filter={condition} is not implemented", "NotImplementedByFake")
            events = [e for e in events if _has_extended_property(e.properties, match["id"], match["value"])]
        view = self._view(request, select=query_value(request, "$select"), expand=query_value(request, "$expand"))
        context = f"users('{self.user.oid}')/events"
        return Reply(200, self._paged(request, events, lambda e: self.calendar.render(e, view), context))

    def _get_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, {"$select", "$expand"})
        view = self._view(request, select=query_value(request, "$select"), expand=query_value(request, "$expand"))
        return Reply(200, self.calendar.render(self.calendar.get(event_id), view))

    # -- writing the calendar ----------------------------------------------------------------------------------
    def _create_event(self, request: RecordedRequest) -> Reply:
        self._check_query(request, set())
        view = self._view(request)
        event, _ = self.calendar.create(request.json, now=self._utc_now())
        location = f"{self.base}/v1.0/Users('{self.user.oid}')/Events('{event.id}')"
        return Reply(201, self.calendar.render(event, view), {"Location": location})

    def _update_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, set())
        view = self._view(request)
        return Reply(200, self.calendar.render(self.calendar.update(event_id, request.json, now=self._utc_now()), view))

    def _delete_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, set())
        self.calendar.delete(event_id, now=self._utc_now())
        return Reply(204)

    def _cancel_event(self, request: RecordedRequest, event_id: str) -> Reply:
        self._check_query(request, set())
        payload = request.json if request.body else {}
        if not isinstance(payload, dict) or set(payload) - {"comment"}:
            raise bad_request('The cancel body is {"comment": "..."} (application/json).')
        self.calendar.cancel(event_id, payload.get("comment"), now=self._utc_now())
        return Reply(202)

    def _get_schedule(self, request: RecordedRequest) -> Reply:
        self._check_query(request, set())
        payload = request.json
        if not isinstance(payload, dict):
            raise bad_request("The request body must be a JSON object (Content-Type: application/json).")
        unknown = set(payload) - {"schedules", "startTime", "endTime", "availabilityViewInterval"}
        if unknown:
            raise bad_request(f"Property '{sorted(unknown)[0]}' does not exist on the getSchedule action.")
        schedules = payload.get("schedules")
        if not isinstance(schedules, list) or not schedules or not all(isinstance(s, str) for s in schedules):
            raise bad_request("schedules must be a non-empty list of SMTP addresses.", "ErrorInvalidParameter")
        instants = []
        for name in ("startTime", "endTime"):
            wall, zone_name = wall_time(payload.get(name), name)
            instants.append(wall.replace(tzinfo=graph_zone(zone_name)).astimezone(UTC))
        start, end = instants
        if end <= start:
            raise bad_request("endTime must be after startTime.", "ErrorInvalidParameter")
        interval = payload.get("availabilityViewInterval", 30)
        if not isinstance(interval, int) or not 5 <= interval <= 1440:
            raise bad_request("availabilityViewInterval must be between 5 and 1440 minutes.", "ErrorInvalidParameter")
        view = self._view(request)
        own = {self.user.mail.lower(), self.user.preferred_username.lower()}
        value = []
        for schedule_id in schedules:
            if schedule_id.lower() in own:
                availability, items = self.calendar.schedule(start, end, interval, view)
                value.append(
                    {
                        "scheduleId": schedule_id,
                        "availabilityView": availability,
                        "scheduleItems": items,
                        "workingHours": self.working_hours,
                    }
                )
            else:
                value.append(
                    {
                        "scheduleId": schedule_id,
                        "availabilityView": "",
                        "scheduleItems": [],
                        "error": {
                            "message": f"fake: no mailbox {schedule_id} here",
                            "responseCode": "ErrorMailRecipientNotFound",
                        },
                    }
                )
        context = "Collection(microsoft.graph.scheduleInformation)"
        return Reply(200, {"@odata.context": f"{self.base}/v1.0/$metadata#{context}", "value": value})

    def _utc_now(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)


def _has_extended_property(properties: dict[str, Any], property_id: str, value: str) -> bool:
    return any(
        str(p.get("id", "")).lower() == property_id.lower() and p.get("value") == value
        for p in properties.get("singleValueExtendedProperties") or []
    )
