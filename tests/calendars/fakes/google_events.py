"""The primary Google calendar behind the Calendar v3 fake: events, their validation, changes for sync tokens,
free/busy. Pure data; `google_calendar.py` speaks HTTP around it."""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.calendars.fakes.timezones import iana_zone, midnight, rfc3339, rfc3339_millis_utc

EVENT_ID = re.compile(r"[a-v0-9]{5,1024}")
BASE32HEX = "abcdefghijklmnopqrstuv0123456789"
READ_ONLY_FIELDS = {"kind", "etag", "htmlLink", "created", "updated", "creator", "organizer", "hangoutLink", "iCalUID"}


class GoogleApiError(Exception):
    def __init__(self, status: int, reason: str, message: str, *, domain: str = "global", **where: str) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status, self.reason, self.message, self.domain, self.where = status, reason, message, domain, where


def invalid(message: str, reason: str = "invalid", **where: str) -> GoogleApiError:
    return GoogleApiError(400, reason, message, **where)


@dataclass
class GoogleEvent:
    id: str
    resource: dict[str, Any]  # what the client (or test) sent, less id/start/end and read-only fields
    start: dict[str, Any]  # as sent: {"dateTime", "timeZone"?} or {"date"}
    end: dict[str, Any]
    start_at: datetime  # aware UTC; all-day: midnight in the calendar's zone
    end_at: datetime
    all_day: bool
    created: datetime
    updated: datetime
    change: int  # the calendar's change counter when this event last changed
    sequence: int = 0
    deleted: bool = False

    @property
    def status(self) -> str:
        return "cancelled" if self.deleted else self.resource.get("status") or "confirmed"

    @property
    def busy(self) -> bool:
        return not self.deleted and self.status != "cancelled" and self.resource.get("transparency") != "transparent"

    def overlaps(self, start: datetime | None, end: datetime | None) -> bool:
        return (start is None or self.end_at > start) and (end is None or self.start_at < end)


class GoogleCalendar:
    def __init__(self, *, owner_email: str, time_zone: str) -> None:
        self.owner_email = owner_email
        self.time_zone = time_zone
        self.events: dict[str, GoogleEvent] = {}  # deleted events stay: their ids stay taken
        self.change = 0
        self.sent_mail: list[dict[str, Any]] = []

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    # -- reads -------------------------------------------------------------------------------------------------
    def get(self, event_id: str) -> GoogleEvent:
        event = self.events.get(event_id)
        if event is None:
            raise GoogleApiError(404, "notFound", "Not Found")
        return event

    def live(self) -> list[GoogleEvent]:
        return sorted((e for e in self.events.values() if not e.deleted), key=lambda e: (e.start_at, e.created))

    def listing(
        self, time_min: datetime | None, time_max: datetime | None, *, show_deleted: bool, order_by: str | None
    ) -> list[GoogleEvent]:
        events = [e for e in self.events.values() if (show_deleted or not e.deleted) and e.overlaps(time_min, time_max)]
        key = (lambda e: (e.updated, e.id)) if order_by == "updated" else (lambda e: (e.start_at, e.created))
        return sorted(events, key=key)

    def changed_since(self, change: int) -> list[GoogleEvent]:
        return sorted((e for e in self.events.values() if e.change > change), key=lambda e: e.change)

    def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """Merged busy intervals, clipped to the window."""
        merged: list[list[datetime]] = []
        for event in sorted(
            (e for e in self.events.values() if e.busy and e.overlaps(start, end)), key=lambda e: e.start_at
        ):
            begin, finish = max(event.start_at, start), min(event.end_at, end)
            if merged and begin <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], finish)
            else:
                merged.append([begin, finish])
        return [(begin, finish) for begin, finish in merged]

    # -- writes ------------------------------------------------------------------------------------------------
    def insert(self, body: Any, *, now: datetime, conference_data_version: int, send_updates: str) -> GoogleEvent:
        resource = self._checked(body)
        event_id = resource.pop("id", None)
        if event_id is None:
            event_id = "".join(secrets.choice(BASE32HEX) for _ in range(26))
        elif not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
            raise invalid("Invalid resource id value.")
        if event_id in self.events:
            raise GoogleApiError(409, "duplicate", "The requested identifier already exists.")
        if "start" not in resource:
            raise invalid("Missing start time.", "required")
        if "end" not in resource:
            raise invalid("Missing end time.", "required")
        event = GoogleEvent(event_id, {}, {}, {}, now, now, False, now, now, 0)
        self._apply(event, resource, now=now, conference_data_version=conference_data_version)
        self.events[event_id] = event
        self._notify("invitation", event, send_updates)
        return event

    def patch(
        self, event_id: str, body: Any, *, now: datetime, conference_data_version: int, send_updates: str
    ) -> GoogleEvent:
        event = self.get(event_id)
        if event.deleted:
            raise GoogleApiError(410, "deleted", "Resource has been deleted")
        resource = self._checked(body)
        if resource.pop("id", event_id) != event_id:
            raise invalid("The id of an event cannot be changed.")
        merged = _merge({**event.resource, "start": event.start, "end": event.end}, resource)
        if {"start", "end"} & resource.keys():
            event.sequence += 1
        self._apply(event, merged, now=now, conference_data_version=conference_data_version)
        self._notify("update", event, send_updates)
        return event

    def delete(self, event_id: str, *, now: datetime, send_updates: str) -> None:
        event = self.get(event_id)
        if event.deleted:
            raise GoogleApiError(410, "deleted", "Resource has been deleted")
        event.deleted = True
        self._touch(event, now)
        self._notify("cancellation", event, send_updates)

    def _touch(self, event: GoogleEvent, now: datetime) -> None:
        self.change += 1
        event.change = self.change
        event.updated = now

    def _notify(self, kind: str, event: GoogleEvent, send_updates: str) -> None:
        guests = [
            a["email"] for a in event.resource.get("attendees") or [] if a["email"].lower() != self.owner_email.lower()
        ]
        if send_updates == "externalOnly":
            domain = self.owner_email.rpartition("@")[2].lower()
            guests = [email for email in guests if email.rpartition("@")[2].lower() != domain]
        if guests and send_updates in ("all", "externalOnly"):
            self.sent_mail.append(
                {"kind": kind, "event_id": event.id, "summary": event.resource.get("summary"), "to": guests}
            )

    def _checked(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise invalid("Parse Error: the body must be a JSON object (Content-Type: application/json).", "parseError")
        resource = {k: copy.deepcopy(v) for k, v in body.items() if k not in READ_ONLY_FIELDS}
        if resource.get("recurrence"):
            raise invalid("fake: recurring events are not implemented", "notImplementedByFake")
        if resource.get("transparency", "opaque") not in ("opaque", "transparent"):
            raise invalid("Invalid transparency value.")
        if resource.get("status", "confirmed") not in ("confirmed", "tentative"):
            raise invalid("Invalid status value.")
        for attendee in resource.get("attendees") or []:
            if not isinstance(attendee, dict) or not attendee.get("email"):
                raise invalid("Missing attendee email.", "required")
        return resource

    def _apply(
        self, event: GoogleEvent, resource: dict[str, Any], *, now: datetime, conference_data_version: int
    ) -> None:
        start_at, start_all_day = self._when(resource.get("start"), "start")
        end_at, end_all_day = self._when(resource.get("end"), "end")
        if start_all_day != end_all_day:
            raise invalid("Start and end must both be dates or both be date-times.")
        if end_at < start_at or (start_all_day and end_at == start_at):
            raise invalid("The specified time range is empty.", "timeRangeEmpty")
        event.start, event.end = resource.pop("start"), resource.pop("end")
        event.start_at, event.end_at, event.all_day = start_at, end_at, start_all_day
        conference, previous = resource.pop("conferenceData", None), event.resource.get("conferenceData")
        if conference_data_version < 1:  # Google ignores conferenceData unless conferenceDataVersion=1
            conference = previous
        elif conference and conference.get("createRequest") and "entryPoints" not in conference:
            conference = _meet_conference(conference["createRequest"])
        if conference is not None:
            resource["conferenceData"] = conference
        event.resource = resource
        self._touch(event, now)

    def _when(self, value: Any, name: str) -> tuple[datetime, bool]:
        if not isinstance(value, dict) or not (value.get("date") or value.get("dateTime")):
            raise invalid(f"Missing {name} time.", "required")
        if value.get("date") and value.get("dateTime"):
            raise invalid(f"Invalid {name} time: give date or dateTime, not both.")
        if value.get("date"):
            try:
                day = date.fromisoformat(value["date"])
            except (TypeError, ValueError):
                raise invalid(f"Invalid {name} date.") from None
            return midnight(day, self.zone), True
        try:
            moment = datetime.fromisoformat(value["dateTime"])
        except (TypeError, ValueError):
            raise invalid(f"Invalid {name} time.") from None
        zone_name = value.get("timeZone")
        zone = iana_zone(zone_name) if zone_name else None
        if zone_name and zone is None:
            raise invalid(f"Invalid time zone definition for {name} time.")
        if moment.tzinfo is None:
            if zone is None:
                raise invalid(f"Missing time zone definition for {name} time.", "required")
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC), False

    # -- helpers for tests -------------------------------------------------------------------------------------
    def add(
        self,
        summary: str,
        start: datetime | date,
        end: datetime | date,
        *,
        is_all_day: bool,
        show_as: str,
        now: datetime,
        properties: dict[str, Any],
    ) -> GoogleEvent:
        if show_as not in ("busy", "free"):
            raise ValueError("Google events are busy (opaque) or free (transparent)")
        if is_all_day:
            times = {
                key: {"date": (v.date() if isinstance(v, datetime) else v).isoformat()}
                for key, v in (("start", start), ("end", end))
            }
        else:
            if not (isinstance(start, datetime) and start.tzinfo and isinstance(end, datetime) and end.tzinfo):
                raise ValueError("timed events need aware datetimes")
            times = {
                key: {"dateTime": v.astimezone(self.zone).isoformat(), "timeZone": self.time_zone}
                for key, v in (("start", start), ("end", end))
            }
        body = {
            "summary": summary,
            **times,
            "transparency": "transparent" if show_as == "free" else "opaque",
            **properties,
        }
        return self.insert(body, now=now, conference_data_version=1, send_updates="none")

    # -- writing events out ------------------------------------------------------------------------------------
    def render(self, event: GoogleEvent, zone: ZoneInfo | None = None) -> dict[str, Any]:
        """The API's event resource; date-times in `zone`, else in the event's own timeZone, else the calendar's."""
        etag = f'"{int(event.updated.timestamp() * 1000)}{event.change:04d}"'
        if event.deleted:
            return {"kind": "calendar#event", "etag": etag, "id": event.id, "status": "cancelled"}
        rendered = {
            "kind": "calendar#event",
            "etag": etag,
            "id": event.id,
            "status": event.status,
            "htmlLink": f"https://www.google.com/calendar/event?eid={event.id}",
            "created": rfc3339_millis_utc(event.created),
            "updated": rfc3339_millis_utc(event.updated),
            "summary": event.resource.get("summary", ""),
            "creator": {"email": self.owner_email, "self": True},
            "organizer": {"email": self.owner_email, "self": True},
            "start": self._time(event.start, event.start_at, zone),
            "end": self._time(event.end, event.end_at, zone),
            "iCalUID": f"{event.id}@google.com",
            "sequence": event.sequence,
            "reminders": {"useDefault": True},
            "eventType": "default",
            **{k: v for k, v in event.resource.items() if k not in ("summary",)},
        }
        if "attendees" in rendered:
            rendered["attendees"] = [{"responseStatus": "needsAction", **a} for a in rendered["attendees"]]
        conference = event.resource.get("conferenceData") or {}
        for entry in conference.get("entryPoints") or []:
            if entry.get("entryPointType") == "video":
                rendered["hangoutLink"] = entry["uri"]
        return rendered

    def _time(self, sent: dict[str, Any], moment: datetime, zone: ZoneInfo | None) -> dict[str, str]:
        if sent.get("date"):
            return {"date": sent["date"]}
        written = {"dateTime": rfc3339(moment, zone or iana_zone(sent.get("timeZone")) or self.zone)}
        if sent.get("timeZone"):
            written["timeZone"] = sent["timeZone"]
        return written


def _merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Patch semantics: objects merge field by field, arrays and scalars are replaced, null clears."""
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _meet_conference(create_request: dict[str, Any]) -> dict[str, Any]:
    code = "-".join("".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)) for n in (3, 4, 3))
    return {
        "createRequest": {**create_request, "status": {"statusCode": "success"}},
        "entryPoints": [
            {"entryPointType": "video", "uri": f"https://meet.google.com/{code}", "label": f"meet.google.com/{code}"}
        ],
        "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
        "conferenceId": code,
    }
