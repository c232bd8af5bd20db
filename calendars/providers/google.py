"""Google calendars through the Calendar v3 REST API. Every request goes through `_request` (the one HTTP
chokepoint): base URL from GOOGLE_CALENDAR_URL, bearer token from `google_login`, the session's timeouts
(and the deadline of a booking on a call), throttling waited out (Google's own client ignores Retry-After;
we honour it), errors turned into CalendarError.

Creates use a client-chosen event id derived from our booking's transaction id, so a retried create
answers 409 and we read back the event instead of making a second one. Sync keeps Google's nextSyncToken
as the cursor; an expired one (410) starts over.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import quote, urlencode

from django.conf import settings

from calendars.providers.google_login import access_token
from calendars.providers.http import MISSING, calendar_request, calendar_session
from calendars.providers.interface import CalendarError, EventDraft, ProviderEvent, SyncBatch

PAGE = 250


class GoogleCalendar:
    def __init__(self, account, *, deadline: float | None = None) -> None:
        self.account = account
        self.deadline = deadline
        self.session = calendar_session(deadline=deadline)
        self.calendar = account.calendar_id or "primary"

    @property
    def _events_url(self) -> str:
        return f"{settings.GOOGLE_CALENDAR_URL}/calendars/{quote(self.calendar, safe='')}/events"

    # ---- the interface ------------------------------------------------------------------------------
    def events(self, start: dt.datetime, end: dt.datetime) -> list[ProviderEvent]:
        query = {"timeMin": _rfc3339(start), "timeMax": _rfc3339(end), "singleEvents": "true", "orderBy": "startTime"}
        return [event for event in self._pages(query) if not event.cancelled]

    def busy(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        body = {"timeMin": _rfc3339(start), "timeMax": _rfc3339(end), "items": [{"id": self.calendar}]}
        answer = self._request("POST", f"{settings.GOOGLE_CALENDAR_URL}/freeBusy", json=body).json()
        calendar = answer.get("calendars", {}).get(self.calendar, {})
        if calendar.get("errors"):
            raise CalendarError(f"Google could not give free/busy times: {calendar['errors'][0].get('reason', '')}")
        return [(_parse(period["start"]), _parse(period["end"])) for period in calendar.get("busy", [])]

    def create(self, draft: EventDraft) -> ProviderEvent:
        event_id = draft.transaction_id.replace("-", "").lower()  # hex digits are valid base32hex
        body = {**_event_body(draft), "id": event_id}
        if draft.attendee_email:
            body["attendees"] = [{"email": draft.attendee_email, "displayName": draft.attendee_name}]
        response = self._request("POST", f"{self._events_url}?sendUpdates=all", json=body, accept=(409,))
        if response.status_code == 409:  # made by an earlier try of this booking: read it back
            response = self._request("GET", f"{self._events_url}/{event_id}")
        return self._event(response.json())

    def update(self, event_id: str, draft: EventDraft) -> ProviderEvent:
        url = f"{self._events_url}/{quote(event_id, safe='')}?sendUpdates=all"
        return self._event(self._request("PATCH", url, json=_event_body(draft)).json())

    def cancel(self, event_id: str, comment: str = "") -> None:
        url = f"{self._events_url}/{quote(event_id, safe='')}?sendUpdates=all"
        self._request("DELETE", url, accept=MISSING)

    def changes(self, cursor: str, start: dt.datetime, end: dt.datetime) -> SyncBatch:
        batch = SyncBatch(full=not cursor)
        query = {"syncToken": cursor} if cursor else {"timeMin": _rfc3339(start), "singleEvents": "true"}
        try:
            events = self._pages(query, batch=batch)
        except _SyncTokenExpiredError:
            return self.changes("", start, end)
        batch.removed = [event.id for event in events if event.cancelled]
        batch.changed = [event for event in events if not event.cancelled]
        return batch

    # ---- paging and the one HTTP chokepoint ---------------------------------------------------------
    def _pages(self, query: dict, *, batch: SyncBatch | None = None) -> list[ProviderEvent]:
        found: list[ProviderEvent] = []
        token = ""
        while True:
            page_query = {**query, "maxResults": PAGE, **({"pageToken": token} if token else {})}
            response = self._request("GET", f"{self._events_url}?{urlencode(page_query)}", accept=(410,))
            if response.status_code == 410:
                raise _SyncTokenExpiredError
            page = response.json()
            found += [self._event(item) for item in page.get("items", [])]
            token = page.get("nextPageToken", "")
            if not token:
                if batch is not None:
                    batch.cursor = page.get("nextSyncToken", "")
                return found

    def _request(self, method: str, url: str, *, accept=(), **kwargs):
        return calendar_request(
            self.session,
            method,
            url,
            token=lambda force: access_token(self.account.pk, force_refresh=force, deadline=self.deadline),
            provider="Google",
            refusal=_google_refusal,
            accept=accept,
            **kwargs,
        )

    def _event(self, item: dict) -> ProviderEvent:
        zone = zoneinfo.ZoneInfo(self.account.time_zone or self.account.office.time_zone)
        start, end = item.get("start", {}), item.get("end", {})
        all_day = "date" in start
        return ProviderEvent(
            id=item["id"],
            subject=item.get("summary") or "",
            starts_at=_day_start(start["date"], zone) if all_day else _parse(start.get("dateTime", "")),
            ends_at=_day_start(end["date"], zone) if all_day else _parse(end.get("dateTime", "")),
            is_all_day=all_day,
            busy=item.get("transparency", "opaque") != "transparent",
            cancelled=item.get("status") == "cancelled",
            updated_at=_parse(item["updated"]) if item.get("updated") else None,
            web_link=item.get("htmlLink") or "",
        )


class _SyncTokenExpiredError(Exception):
    pass


def _event_body(draft: EventDraft) -> dict:
    body = {
        "summary": draft.subject,
        "description": draft.body,
        "start": {"dateTime": _rfc3339(draft.starts_at), "timeZone": "UTC"},
        "end": {"dateTime": _rfc3339(draft.ends_at), "timeZone": "UTC"},
    }
    if draft.location:
        body["location"] = draft.location
    return body


def _google_refusal(response) -> CalendarError:
    reason = _google_reason(response)
    if response.status_code == 403 and reason in ("forbidden", "insufficientPermissions", "authError"):
        return CalendarError(f"Google refused access ({reason}): reconnect the calendar", reconnect=True)
    return CalendarError(f"Google said {response.status_code} {reason}"[:250], permanent=response.status_code < 500)


def _google_reason(response) -> str:
    try:
        errors = response.json().get("error", {}).get("errors", [])
        return errors[0].get("reason", "") if errors else str(response.json().get("error", {}).get("status", ""))
    except (ValueError, AttributeError):
        return response.reason or ""


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> dt.datetime:
    """RFC 3339 with an offset (Google always sends one for timed events) → aware UTC."""
    if not text:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _day_start(date_text: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """All-day events are floating dates: midnight in the calendar's zone (the end date is exclusive)."""
    return dt.datetime.combine(dt.date.fromisoformat(date_text), dt.time(0), tzinfo=zone).astimezone(dt.UTC)
