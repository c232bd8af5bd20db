"""Writes for calendars. (Connect, booking and sync grow here.)"""

from __future__ import annotations

from calendars.models import CalendarAccount
from issetter.models import Office


def local_calendar_ensure(*, office: Office, user) -> CalendarAccount:
    """The user's local calendar (appointments kept only here): the embedded default booking target."""
    account, _ = CalendarAccount.objects.get_or_create(
        office=office,
        user=user,
        provider=CalendarAccount.Provider.LOCAL,
        account_email=user.email,
        defaults={"display_name": "Office calendar", "time_zone": office.time_zone},
    )
    return account
