"""The one interface every calendar provider implements, and its one error type (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    pass


class CalendarError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, reconnect: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent or reconnect
        self.reconnect = reconnect


@dataclass(frozen=True)
class ProviderEvent:
    """An event as the provider has it, times aware UTC (all-day events: midnight to midnight, office zone)."""

    id: str
    subject: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    is_all_day: bool = False
    busy: bool = True
    cancelled: bool = False
    updated_at: dt.datetime | None = None
    transaction_id: str = ""
    web_link: str = ""


@dataclass(frozen=True)
class EventDraft:
    """What we put into a calendar for an appointment."""

    subject: str
    body: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    transaction_id: str  # the same on every retry of one booking: a retried create never makes two events
    attendee_email: str = ""
    attendee_name: str = ""
    location: str = ""
    online_meeting: bool = False


@dataclass
class SyncBatch:
    """What changed since `cursor` (all upcoming events when the cursor was empty or expired)."""

    changed: list[ProviderEvent] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    cursor: str = ""
    full: bool = False  # everything was read afresh: local copies missing from `changed` are gone


class CalendarProvider(Protocol):
    def events(self, start: dt.datetime, end: dt.datetime) -> list[ProviderEvent]: ...

    def busy(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]: ...

    def create(self, draft: EventDraft) -> ProviderEvent: ...

    def update(self, event_id: str, draft: EventDraft) -> ProviderEvent: ...

    def cancel(self, event_id: str, comment: str = "") -> None: ...

    def changes(self, cursor: str, start: dt.datetime, end: dt.datetime) -> SyncBatch: ...
