"""Calendar providers behind one small interface: `local` (appointments only in our database, the embedded
default), `microsoft` (Outlook through Microsoft Graph, tokens from msal) and `google` (Google Calendar).

Every provider lists events in a range, gives busy times in a range, creates, updates and cancels an
event, and reads what changed since the last sync. Failures are one error type: `CalendarError`, with
`reconnect=True` when the grant is gone (the account is marked and nothing more is booked into it) and
`permanent=True` when retrying the same request cannot help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calendars.providers.interface import CalendarError, CalendarProvider, EventDraft, ProviderEvent, SyncBatch

if TYPE_CHECKING:
    from calendars.models import CalendarAccount

__all__ = ["CalendarError", "CalendarProvider", "EventDraft", "ProviderEvent", "SyncBatch", "provider_for"]


def provider_for(account: CalendarAccount, *, deadline: float | None = None) -> CalendarProvider:
    """The provider of a connected account (imports lazily: an unconfigured one fails at use, not import).
    `deadline` (a time.monotonic() instant) bounds everything it sends, sign-in included; past it a request
    is not sent and the call fails with a CalendarError that is not permanent."""
    if account.provider == "microsoft":
        from calendars.providers.microsoft import MicrosoftCalendar

        return MicrosoftCalendar(account, deadline=deadline)
    if account.provider == "google":
        from calendars.providers.google import GoogleCalendar

        return GoogleCalendar(account, deadline=deadline)
    from calendars.providers.local import LocalCalendar

    return LocalCalendar(account)
