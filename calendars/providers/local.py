"""The local calendar: appointments live only in our database, so the provider side has nothing to do.
Busy times come from the appointments themselves (the slot finder adds those for every provider)."""

from __future__ import annotations

import datetime as dt

from calendars.providers.interface import EventDraft, ProviderEvent, SyncBatch


class LocalCalendar:
    def __init__(self, account) -> None:
        self.account = account

    def events(self, start: dt.datetime, end: dt.datetime) -> list[ProviderEvent]:
        return []

    def busy(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        return []

    def create(self, draft: EventDraft) -> ProviderEvent:
        return ProviderEvent(
            id=f"local-{draft.transaction_id}",
            subject=draft.subject,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            transaction_id=draft.transaction_id,
        )

    def update(self, event_id: str, draft: EventDraft) -> ProviderEvent:
        return ProviderEvent(id=event_id, subject=draft.subject, starts_at=draft.starts_at, ends_at=draft.ends_at)

    def cancel(self, event_id: str, comment: str = "") -> None:
        return None

    def changes(self, cursor: str, start: dt.datetime, end: dt.datetime) -> SyncBatch:
        return SyncBatch(cursor=cursor)
