"""One token refresh at a time per calendar, with no database lock held while the provider is asked.

A refresh token may rotate (Entra ID hands out a new one with every refresh and, in time, refuses the old),
so two processes must never redeem the same one. Holding a row lock across the token request did that,
but a sign-in service that did not answer then kept the row locked (on SQLite: the whole database) for as
long as it was silent. Instead a process that needs a refresh first claims a short lease on the account
(`token_refresh_until`, one conditional UPDATE), reads the tokens again, asks the provider with no
transaction open, and writes the new tokens back while it still holds the lease. Others wait for the
lease (polling, no lock) and then use the tokens it wrote. The lease outlasts the longest a refresh can
take under the request timeouts; one that outlived its holder (a killed process) simply expires.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from calendars.providers.interface import CalendarError

log = logging.getLogger(__name__)

POLL = 0.1  # seconds between looks at another process's lease


def lease_seconds() -> float:
    """Longer than a refresh can take: two requests (sign-in discovery, token), each within its timeouts."""
    return 2 * (settings.CALENDAR_CONNECT_TIMEOUT_SECONDS + settings.CALENDAR_READ_TIMEOUT_SECONDS) + 5


def token_with_refresh_lease(
    *,
    account_id: int,
    force_refresh: bool,
    cached: Callable[[str], str | None],
    refresh: Callable[[str], tuple[str, str | None]],
    deadline: float | None = None,
    provider: str,
) -> str:
    """An access token for the account. `cached(token_data)` gives a still-valid token without asking the
    provider (or None); `refresh(token_data)` asks the provider and gives (token, new token data or None
    when unchanged). `deadline` (time.monotonic()) also bounds the wait for another process's refresh."""
    first = _token_data(account_id)
    if not force_refresh and (token := cached(first)):
        return token
    lease = _lease_claim(account_id, deadline=deadline, provider=provider)
    try:
        kept = _token_data(account_id)
        if kept != first and (token := cached(kept)):
            return token  # another process refreshed while we waited for the lease: use its token
        token, renewed = refresh(kept)
        if renewed is not None and renewed != kept:
            written = (
                _account(account_id)
                .filter(token_refresh_until=lease)
                .update(token_data=renewed, token_refresh_until=None)
            )
            if not written:  # the refresh outlasted the lease: should not happen within the timeouts
                log.error("calendar account %s: the token refresh outlasted its lease; new tokens not kept", account_id)
        return token
    finally:
        _account(account_id).filter(token_refresh_until=lease).update(token_refresh_until=None)


def _account(account_id: int):
    from calendars.models import CalendarAccount

    return CalendarAccount.objects.filter(pk=account_id)


def _token_data(account_id: int) -> str:
    return _account(account_id).values_list("token_data", flat=True).first() or ""


def _lease_claim(account_id: int, *, deadline: float | None, provider: str) -> dt.datetime:
    """Claim the account's refresh lease (one autocommitted UPDATE), waiting while another process holds it."""
    length = dt.timedelta(seconds=lease_seconds())
    give_up = time.monotonic() + length.total_seconds() + 1  # by then the holder's lease has run out
    if deadline is not None:
        give_up = min(give_up, deadline)
    while True:
        now = timezone.now()
        free = Q(token_refresh_until__isnull=True) | Q(token_refresh_until__lte=now)
        if _account(account_id).filter(free).update(token_refresh_until=now + length):
            return now + length
        if time.monotonic() + POLL > give_up:
            raise CalendarError(f"{provider} sign-in is being renewed by another process; try again shortly")
        time.sleep(POLL)
