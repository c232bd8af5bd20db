"""What both online providers' HTTP chokepoints share: a session that trusts the configured CA, and one
request loop that waits out throttling (429/503/504 with Retry-After, within CALENDAR_RETRY_SECONDS),
retries a dropped connection, and refreshes the access token once on a 401 before asking the staff
member to reconnect. Tokens never reach a log: only the method, host and path are logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from django.conf import settings

from calendars.providers import CalendarError

log = logging.getLogger(__name__)

THROTTLED = {429, 503, 504}
TIMEOUT = (5, 20)  # connect, read (seconds)


def calendar_session() -> requests.Session:
    session = requests.Session()
    if settings.CALENDAR_CA_BUNDLE:
        session.verify = settings.CALENDAR_CA_BUNDLE
        session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment would override `verify`
    return session


def request_with_retries(
    session: requests.Session,
    method: str,
    url: str,
    *,
    token: Callable[[bool], str],
    provider: str,
    headers: dict[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs,
) -> requests.Response:
    """Send one API request; returns the response (any status but throttling and 401) or raises
    CalendarError. `token(force_refresh)` gives the bearer token."""
    budget = float(settings.CALENDAR_RETRY_SECONDS)
    refreshed = force_refresh = False
    attempt = 0
    where = f"{method} {urlsplit(url).netloc}{urlsplit(url).path}"
    while True:
        attempt += 1
        sent = {**(headers or {}), "Authorization": f"Bearer {token(force_refresh)}"}
        force_refresh = False
        try:
            response = session.request(method, url, headers=sent, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as problem:
            wait = min(2.0 ** (attempt - 1), 8.0)
            if attempt >= 3 or wait > budget:
                raise CalendarError(f"{provider} could not be reached ({type(problem).__name__})") from None
            log.warning("%s: %s, retrying in %.1f s", where, type(problem).__name__, wait)
            sleep(wait)
            budget -= wait
            continue
        if response.status_code == 401 and not refreshed:
            refreshed = force_refresh = True  # the token may have expired or been revoked early: refresh once
            continue
        if response.status_code == 401:
            raise CalendarError(f"{provider} no longer accepts this connection: reconnect the calendar", reconnect=True)
        if response.status_code in THROTTLED:
            wait = retry_after(response, default=min(2.0 ** (attempt - 1), 8.0))
            if wait > budget:
                raise CalendarError(f"{provider} is busy (HTTP {response.status_code}); try again in {wait:.0f} s")
            log.warning("%s: HTTP %s, retrying in %.1f s", where, response.status_code, wait)
            sleep(wait)
            budget -= wait
            continue
        return response


def retry_after(response: requests.Response, *, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default
