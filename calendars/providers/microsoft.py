"""Outlook calendars through Microsoft Graph. Every request goes through `_request` (the one HTTP
chokepoint): base URL from MICROSOFT_GRAPH_URL, bearer token from msal, `Prefer` asking for UTC times and
immutable ids, the session's timeouts (and the deadline of a booking on a call), throttling waited out,
errors turned into CalendarError by Graph's error code.

Reads use calendarView (expands recurring series; works for personal accounts, unlike getSchedule),
following `@odata.nextLink` to the last page. Sync uses calendarView/delta and keeps the whole deltaLink
as the cursor; an expired one (410) starts over. Creates carry our `transactionId`, so a retried create
after a timeout never makes a second event.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings

from calendars.providers.http import MISSING, calendar_request, calendar_session
from calendars.providers.interface import CalendarError, EventDraft, ProviderEvent, SyncBatch
from calendars.providers.microsoft_login import access_token

PREFER = 'outlook.timezone="UTC", IdType="ImmutableId", outlook.body-content-type="text"'
PAGE = 50
RECONNECT_CODES = {"InvalidAuthenticationToken", "AuthenticationError", "ErrorAccessDenied"}


class MicrosoftCalendar:
    def __init__(self, account, *, deadline: float | None = None) -> None:
        self.account = account
        self.deadline = deadline
        self.session = calendar_session(deadline=deadline)

    # ---- the interface ------------------------------------------------------------------------------
    def events(self, start: dt.datetime, end: dt.datetime) -> list[ProviderEvent]:
        query = {
            "startDateTime": _utc_text(start),
            "endDateTime": _utc_text(end),
            "$top": PAGE,
            "$orderby": "start/dateTime",
        }
        url = f"{settings.MICROSOFT_GRAPH_URL}/me/calendarView?{urlencode(query)}"
        found: list[ProviderEvent] = []
        while url:
            page = self._request("GET", url).json()
            found += [self._event(item) for item in page.get("value", [])]
            url = page.get("@odata.nextLink", "")
        return found

    def busy(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        return [
            (event.starts_at, event.ends_at) for event in self.events(start, end) if event.busy and not event.cancelled
        ]

    def create(self, draft: EventDraft) -> ProviderEvent:
        body = {**_event_body(draft), "transactionId": draft.transaction_id}
        if draft.attendee_email:
            address = {"address": draft.attendee_email, "name": draft.attendee_name or draft.attendee_email}
            body["attendees"] = [{"emailAddress": address, "type": "required"}]
        if draft.online_meeting:
            body |= {"isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness"}
        return self._event(self._request("POST", f"{settings.MICROSOFT_GRAPH_URL}/me/events", json=body).json())

    def update(self, event_id: str, draft: EventDraft) -> ProviderEvent:
        url = f"{settings.MICROSOFT_GRAPH_URL}/me/events/{event_id}"
        return self._event(self._request("PATCH", url, json=_event_body(draft)).json())

    def cancel(self, event_id: str, comment: str = "") -> None:
        """Cancel (attendees are told, with the comment); an event already gone is fine."""
        url = f"{settings.MICROSOFT_GRAPH_URL}/me/events/{event_id}/cancel"
        self._request("POST", url, json={"comment": comment}, accept=MISSING)

    def changes(self, cursor: str, start: dt.datetime, end: dt.datetime) -> SyncBatch:
        batch = SyncBatch(full=not cursor)
        url = cursor or (
            f"{settings.MICROSOFT_GRAPH_URL}/me/calendarView/delta?"
            + urlencode({"startDateTime": _utc_text(start), "endDateTime": _utc_text(end)})
        )
        while url:
            response = self._request("GET", url, extra_prefer=f"odata.maxpagesize={PAGE}", accept=(410,))
            if response.status_code == 410:  # the sync state expired: read everything again
                return self.changes("", start, end)
            page = response.json()
            for item in page.get("value", []):
                if "@removed" in item:
                    batch.removed.append(item["id"])
                else:
                    batch.changed.append(self._event(item))
            url = page.get("@odata.nextLink", "")
            batch.cursor = page.get("@odata.deltaLink", batch.cursor)
        return batch

    # ---- the one HTTP chokepoint --------------------------------------------------------------------
    def _request(self, method: str, url: str, *, extra_prefer: str = "", accept=(), **kwargs):
        prefer = f"{PREFER}, {extra_prefer}" if extra_prefer else PREFER
        return calendar_request(
            self.session,
            method,
            url,
            token=lambda force: access_token(self.account.pk, force_refresh=force, deadline=self.deadline),
            provider="Microsoft",
            refusal=_graph_refusal,
            accept=accept,
            headers={"Prefer": prefer},
            **kwargs,
        )

    def _event(self, item: dict) -> ProviderEvent:
        all_day = bool(item.get("isAllDay"))
        zone = zoneinfo.ZoneInfo(self.account.time_zone or self.account.office.time_zone)
        return ProviderEvent(
            id=item["id"],
            subject=item.get("subject") or "",
            starts_at=_moment(item["start"], all_day=all_day, zone=zone),
            ends_at=_moment(item["end"], all_day=all_day, zone=zone),
            is_all_day=all_day,
            busy=item.get("showAs", "busy") not in ("free", "workingElsewhere"),
            cancelled=bool(item.get("isCancelled")),
            updated_at=_parse_utc(item.get("lastModifiedDateTime")),
            transaction_id=item.get("transactionId") or "",
            web_link=item.get("webLink") or "",
        )


def _event_body(draft: EventDraft) -> dict:
    return {
        "subject": draft.subject,
        "body": {"contentType": "text", "content": draft.body},
        "start": {"dateTime": _naive_utc_text(draft.starts_at), "timeZone": "UTC"},
        "end": {"dateTime": _naive_utc_text(draft.ends_at), "timeZone": "UTC"},
        "location": {"displayName": draft.location} if draft.location else {},
    }


def _graph_refusal(response) -> CalendarError:
    code, message = _graph_error(response)
    if code in RECONNECT_CODES or response.status_code == 403:
        return CalendarError(f"Outlook refused access ({code}): reconnect the calendar", reconnect=True)
    return CalendarError(
        f"Outlook said {response.status_code} {code}: {message}"[:250], permanent=response.status_code < 500
    )


def _graph_error(response) -> tuple[str, str]:
    try:
        error = response.json().get("error", {})
        return str(error.get("code", "")), str(error.get("message", ""))
    except ValueError:
        return "", response.reason or ""


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _naive_utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _moment(value: dict, *, all_day: bool, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Graph's wall time in `timeZone` (UTC, as we ask) → aware UTC. All-day events are floating dates:
    midnight in the calendar's own zone, never shifted through UTC."""
    wall = dt.datetime.fromisoformat(value["dateTime"])
    if all_day:
        return wall.replace(tzinfo=zone).astimezone(dt.UTC)
    name = value.get("timeZone") or "UTC"
    try:
        source = dt.UTC if name.upper() in ("UTC", "ETC/UTC") else zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        source = dt.UTC
    return wall.replace(tzinfo=source).astimezone(dt.UTC)


def _parse_utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
