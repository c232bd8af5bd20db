"""The Outlook calendar behind the Graph fake: events, their validation, changes for delta, getSchedule.
Pure data; `microsoft.py` speaks HTTP around it."""

from __future__ import annotations

import html
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from tests.calendars.fakes.oauth import b64url
from tests.calendars.fakes.timezones import graph_utc_stamp, graph_wall_time, graph_zone

WRITABLE_PROPERTIES = {
    "@odata.type",
    "allowNewTimeProposals",
    "attendees",
    "body",
    "categories",
    "end",
    "hideAttendees",
    "importance",
    "isAllDay",
    "isOnlineMeeting",
    "isReminderOn",
    "location",
    "locations",
    "multiValueExtendedProperties",
    "onlineMeetingProvider",
    "originalEndTimeZone",
    "originalStartTimeZone",
    "recurrence",
    "reminderMinutesBeforeStart",
    "responseRequested",
    "sensitivity",
    "showAs",
    "singleValueExtendedProperties",
    "start",
    "subject",
    "transactionId",
}
SHOW_AS = {"free", "tentative", "busy", "oof", "workingElsewhere", "unknown"}
AVAILABILITY_DIGITS = {"free": "0", "workingElsewhere": "0", "unknown": "0", "tentative": "1", "busy": "2", "oof": "3"}


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def bad_request(message: str, code: str = "ErrorInvalidRequest") -> GraphError:
    return GraphError(400, code, message)


def not_found() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


@dataclass
class GraphView:
    """How the caller wants events written: zone of start/end, body type, $select, $expand of extended properties."""

    base: str
    organizer: dict[str, str]  # {"name", "address"} of the mailbox owner
    zone_label: str = "UTC"
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    text_body: bool = False
    select: set[str] | None = None
    expand_property: Callable[[dict], bool] | None = None


@dataclass
class GraphEvent:
    id: str
    properties: dict[str, Any]  # the writable Graph properties as sent (start/end/isAllDay kept apart)
    start: datetime  # aware UTC; all-day: midnight of the first day in the start zone
    end: datetime
    start_zone: str
    end_zone: str
    is_all_day: bool
    created: datetime
    modified: datetime
    change_key: str
    change: int  # the calendar's change counter when this event last changed
    is_organizer: bool = True
    removed: str | None = None  # "deleted" or "cancelled" once gone
    cancel_comment: str | None = None

    @property
    def show_as(self) -> str:
        return self.properties.get("showAs") or "busy"

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and self.end > start


class GraphCalendar:
    def __init__(self) -> None:
        self.events: dict[str, GraphEvent] = {}  # removed events stay, for delta
        self.change = 0
        self.sent_mail: list[dict[str, Any]] = []

    # -- reads -------------------------------------------------------------------------------------------------
    def live(self) -> list[GraphEvent]:
        return sorted((e for e in self.events.values() if not e.removed), key=lambda e: (e.start, e.created))

    def get(self, event_id: str) -> GraphEvent:
        event = self.events.get(event_id)
        if event is None or event.removed:
            raise not_found()
        return event

    def in_window(self, start: datetime, end: datetime) -> list[GraphEvent]:
        return [event for event in self.live() if event.overlaps(start, end)]

    def changed_since(self, change: int) -> list[GraphEvent]:
        return sorted((e for e in self.events.values() if e.change > change), key=lambda e: e.change)

    # -- writes ------------------------------------------------------------------------------------------------
    def create(self, payload: Any, *, now: datetime, is_organizer: bool = True) -> tuple[GraphEvent, bool]:
        """The event for this POST body, and whether it is new."""
        properties = self._checked_properties(payload)
        transaction_id = properties.get("transactionId")
        if transaction_id:
            for event in self.live():
                if event.properties.get("transactionId") == transaction_id:
                    # Graph documents transactionId as "for the server to avoid redundant POST operations in case
                    # of client retries" but not what the repeated POST answers. We answer 201 with the event the
                    # first POST created, so a client that retries after a timeout sees one event, same id.
                    return event, False
        if "start" not in properties or "end" not in properties:
            raise bad_request("An event needs both start and end, each with dateTime and timeZone.")
        event = GraphEvent(
            id="AAMkA" + b64url(secrets.token_bytes(40)) + "=",
            properties={},
            start=now,
            end=now,
            start_zone="UTC",
            end_zone="UTC",
            is_all_day=False,
            created=now,
            modified=now,
            change_key="",
            change=0,
            is_organizer=is_organizer,
        )
        self._apply(event, properties, now=now)
        self.events[event.id] = event
        if event.properties.get("attendees"):
            self._mail("invitation", event)
        return event, True

    def update(self, event_id: str, payload: Any, *, now: datetime) -> GraphEvent:
        event = self.get(event_id)
        properties = self._checked_properties(payload)
        if "transactionId" in properties and properties["transactionId"] != event.properties.get("transactionId"):
            raise bad_request("The transactionId of an event cannot be changed.")
        self._apply(event, properties, now=now)
        if event.properties.get("attendees") and {"start", "end", "attendees", "location"} & properties.keys():
            self._mail("update", event)
        return event

    def delete(self, event_id: str, *, now: datetime) -> None:
        self._remove(self.get(event_id), "deleted", now=now)

    def cancel(self, event_id: str, comment: str | None, *, now: datetime) -> None:
        event = self.get(event_id)
        if not event.is_organizer:
            raise bad_request("You need to be an organizer to cancel a meeting.", "ErrorAccessDenied")
        event.cancel_comment = comment
        self._mail("cancellation", event, comment=comment)
        self._remove(event, "cancelled", now=now)

    def _remove(self, event: GraphEvent, how: str, *, now: datetime) -> None:
        event.removed = how
        self._touch(event, now)

    def _touch(self, event: GraphEvent, now: datetime) -> None:
        self.change += 1
        event.change = self.change
        event.modified = now
        event.change_key = b64url(secrets.token_bytes(12))

    def _mail(self, kind: str, event: GraphEvent, comment: str | None = None) -> None:
        recipients = [a["emailAddress"]["address"] for a in event.properties.get("attendees") or []]
        self.sent_mail.append(
            {"kind": kind, "event_id": event.id, "subject": event.properties.get("subject"), "to": recipients}
            | ({"comment": comment} if kind == "cancellation" else {})
        )

    # -- validation --------------------------------------------------------------------------------------------
    def _checked_properties(self, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise bad_request("The request body must be a JSON object (Content-Type: application/json).")
        for name in payload:
            if name not in WRITABLE_PROPERTIES:
                raise bad_request(f"Property '{name}' does not exist on type 'microsoft.graph.event' or is read-only.")
        if payload.get("recurrence"):
            raise bad_request("fake: recurring events are not implemented", "NotImplementedByFake")
        if "showAs" in payload and payload["showAs"] not in SHOW_AS:
            raise bad_request(f"Invalid showAs value '{payload['showAs']}'.")
        body = payload.get("body")
        if body is not None and (
            not isinstance(body, dict) or str(body.get("contentType", "html")).lower() not in ("html", "text")
        ):
            raise bad_request("body must be {contentType: html|text, content}.")
        for attendee in payload.get("attendees") or []:
            if not isinstance(attendee, dict) or not (attendee.get("emailAddress") or {}).get("address"):
                raise bad_request("Every attendee needs emailAddress.address.", "ErrorInvalidRecipients")
        return payload

    def _apply(self, event: GraphEvent, properties: dict[str, Any], *, now: datetime) -> None:
        merged = {**event.properties, **properties}
        if "start" in properties or "end" in properties or "isAllDay" in properties:
            start_wall, start_zone = wall_time(merged.get("start"), "start")
            end_wall, end_zone = wall_time(merged.get("end"), "end")
            is_all_day = bool(merged.get("isAllDay"))
            start = start_wall.replace(tzinfo=graph_zone(start_zone)).astimezone(UTC)
            end = end_wall.replace(tzinfo=graph_zone(end_zone)).astimezone(UTC)
            if is_all_day and (start_wall.time() != time(0) or end_wall.time() != time(0)):
                raise bad_request("An all-day event must start and end at midnight.", "ErrorPropertyValidationFailure")
            if is_all_day and start_zone != end_zone:
                raise bad_request("An all-day event must start and end in the same time zone.")
            if end < start or (is_all_day and end == start):
                raise bad_request("The end of an event must not be before its start.", "ErrorInvalidRequest")
            event.start, event.end, event.is_all_day = start, end, is_all_day
            event.start_zone, event.end_zone = start_zone, end_zone
        event.properties = {k: v for k, v in merged.items() if k not in ("start", "end", "isAllDay")}
        self._touch(event, now)

    # -- helpers for tests -------------------------------------------------------------------------------------
    def add(
        self,
        subject: str,
        start: datetime | date,
        end: datetime | date,
        *,
        is_all_day: bool,
        show_as: str,
        mailbox_zone: str,
        now: datetime,
        is_organizer: bool,
        properties: dict[str, Any],
    ) -> GraphEvent:
        if is_all_day:
            day = start.date() if isinstance(start, datetime) else start
            last = end.date() if isinstance(end, datetime) else end
            zone = mailbox_zone
            times = {"start": f"{day.isoformat()}T00:00:00", "end": f"{last.isoformat()}T00:00:00"}
        else:
            if not (isinstance(start, datetime) and start.tzinfo and isinstance(end, datetime) and end.tzinfo):
                raise ValueError("timed events need aware datetimes")
            zone = "UTC"
            times = {
                key: value.astimezone(UTC).replace(tzinfo=None).isoformat()
                for key, value in (("start", start), ("end", end))
            }
        payload = {
            "subject": subject,
            "start": {"dateTime": times["start"], "timeZone": zone},
            "end": {"dateTime": times["end"], "timeZone": zone},
            "isAllDay": is_all_day,
            "showAs": show_as,
            **properties,
        }
        event, _ = self.create(payload, now=now, is_organizer=is_organizer)
        return event

    # -- writing events out ------------------------------------------------------------------------------------
    def render(self, event: GraphEvent, view: GraphView) -> dict[str, Any]:
        props = event.properties
        body = dict(props.get("body") or {"contentType": "html", "content": ""})
        body["contentType"] = str(body.get("contentType", "html")).lower()
        text = _plain_text(body.get("content") or "") if body["contentType"] == "html" else body.get("content") or ""
        if view.text_body and body["contentType"] == "html":
            body = {"contentType": "text", "content": text}
        location = props.get("location") or {"displayName": ""}
        online = bool(props.get("isOnlineMeeting"))
        rendered: dict[str, Any] = {
            "@odata.etag": f'W/"{event.change_key}"',
            "id": event.id,
            "createdDateTime": graph_utc_stamp(event.created),
            "lastModifiedDateTime": graph_utc_stamp(event.modified),
            "changeKey": event.change_key,
            "categories": props.get("categories") or [],
            "transactionId": props.get("transactionId"),
            "originalStartTimeZone": props.get("originalStartTimeZone") or event.start_zone,
            "originalEndTimeZone": props.get("originalEndTimeZone") or event.end_zone,
            "iCalUId": "040000008200E00074C5B7101A82E00800000000" + event.id[-24:].encode().hex()[:32],
            "reminderMinutesBeforeStart": props.get("reminderMinutesBeforeStart", 15),
            "isReminderOn": props.get("isReminderOn", True),
            "hasAttachments": False,
            "subject": props.get("subject") or "",
            "bodyPreview": " ".join(text.split())[:255],
            "importance": props.get("importance") or "normal",
            "sensitivity": props.get("sensitivity") or "normal",
            "isAllDay": event.is_all_day,
            "isCancelled": event.removed == "cancelled",
            "isOrganizer": event.is_organizer,
            "responseRequested": props.get("responseRequested", True),
            "seriesMasterId": None,
            "showAs": event.show_as,
            "type": "singleInstance",
            "webLink": f"https://outlook.office365.com/owa/?itemid={quote(event.id, safe='')}&exvsurl=1&path=/calendar/item",
            "onlineMeetingUrl": None,
            "isOnlineMeeting": online,
            "onlineMeetingProvider": props.get("onlineMeetingProvider") or "unknown",
            "allowNewTimeProposals": props.get("allowNewTimeProposals", True),
            "isDraft": False,
            "hideAttendees": props.get("hideAttendees", False),
            "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
            "body": body,
            "start": self._graph_time(event.start, event, view),
            "end": self._graph_time(event.end, event, view),
            "location": location,
            "locations": props.get("locations") or ([location] if location.get("displayName") else []),
            "recurrence": None,
            "attendees": [_attendee(a) for a in props.get("attendees") or []],
            "organizer": {"emailAddress": view.organizer},
            "onlineMeeting": {"joinUrl": _join_url(event.id)} if online else None,
        }
        if not rendered["transactionId"]:
            del rendered["transactionId"]  # "returned only if set"
        if view.select is not None:
            keep = {name.lower() for name in view.select} | {"id", "@odata.etag"}
            rendered = {name: value for name, value in rendered.items() if name.lower() in keep}
        if view.expand_property is not None:
            extended = [p for p in props.get("singleValueExtendedProperties") or [] if view.expand_property(p)]
            rendered["singleValueExtendedProperties"] = extended
        return rendered

    def _graph_time(self, moment: datetime, event: GraphEvent, view: GraphView) -> dict[str, str]:
        if event.is_all_day:  # midnight "regardless of time zone", even with Prefer: outlook.timezone
            day = moment.astimezone(graph_zone(event.start_zone)).date()
            return {"dateTime": f"{day.isoformat()}T00:00:00.0000000", "timeZone": view.zone_label}
        return {"dateTime": graph_wall_time(moment.astimezone(view.zone)), "timeZone": view.zone_label}

    def schedule(
        self, start: datetime, end: datetime, interval_minutes: int, view: GraphView
    ) -> tuple[str, list[dict[str, Any]]]:
        """(availabilityView, scheduleItems) of the mailbox for the window."""
        events = [event for event in self.in_window(start, end) if event.removed is None]
        slots = math.ceil((end - start) / timedelta(minutes=interval_minutes))
        digits = []
        for index in range(slots):
            slot_start = start + timedelta(minutes=interval_minutes * index)
            slot_end = slot_start + timedelta(minutes=interval_minutes)
            overlapping = [AVAILABILITY_DIGITS[e.show_as] for e in events if e.overlaps(slot_start, slot_end)]
            digits.append(max(overlapping, default="0"))
        items = [
            {
                "isPrivate": event.properties.get("sensitivity") == "private",
                "status": event.show_as,
                "subject": event.properties.get("subject") or "",
                "location": (event.properties.get("location") or {}).get("displayName", ""),
                "isMeeting": bool(event.properties.get("attendees")),
                "isRecurring": False,
                "isException": False,
                "isReminderSet": event.properties.get("isReminderOn", True),
                "start": {"dateTime": graph_wall_time(event.start.astimezone(view.zone)), "timeZone": view.zone_label},
                "end": {"dateTime": graph_wall_time(event.end.astimezone(view.zone)), "timeZone": view.zone_label},
            }
            for event in events
        ]
        return "".join(digits), items


def wall_time(value: Any, name: str) -> tuple[datetime, str]:
    """(naive wall time, zone name) of a dateTimeTimeZone, validated as Graph would."""
    if not isinstance(value, dict) or not value.get("dateTime") or not value.get("timeZone"):
        raise bad_request(f"The {name} of an event needs both dateTime and timeZone.")
    zone_name = value["timeZone"]
    zone = graph_zone(zone_name)
    if zone is None:
        raise bad_request(
            f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{zone_name}'.",
            "TimeZoneNotSupportedException",
        )
    try:
        parsed = datetime.fromisoformat(value["dateTime"])
    except (TypeError, ValueError):
        raise bad_request(f"Cannot convert the literal '{value['dateTime']}' to a date-time.") from None
    if parsed.tzinfo is not None:
        wall = parsed.replace(tzinfo=None)
        if parsed.utcoffset() != wall.replace(tzinfo=zone).utcoffset():
            raise bad_request(
                f"The offset in {name}.dateTime '{value['dateTime']}' contradicts timeZone '{zone_name}'."
            )
        parsed = wall
    return parsed, zone_name


def _attendee(attendee: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": attendee.get("type", "required"),
        "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
        "emailAddress": {
            "name": attendee["emailAddress"].get("name", attendee["emailAddress"]["address"]),
            "address": attendee["emailAddress"]["address"],
        },
    }


def _join_url(event_id: str) -> str:
    return f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{event_id[-20:]}%40thread.v2/0"


def _plain_text(content: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", content)).strip()
