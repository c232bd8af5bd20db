"""What both online providers' HTTP chokepoints share: one session type that every calendar request goes
through (Graph, Google Calendar, and the sign-in token endpoints, msal's included), one request loop, and
`calendar_request`, each provider's API request: the loop, then the answer or the provider's own error.

The session trusts the configured CA and gives every request connect and read timeouts
(CALENDAR_CONNECT_TIMEOUT_SECONDS, CALENDAR_READ_TIMEOUT_SECONDS), cut to what is left of a deadline when
the work has one (a booking on a call): past the deadline nothing more is sent. The loop waits out
throttling (429/503/504 with Retry-After, within CALENDAR_RETRY_SECONDS and the deadline), retries a
refused or dropped connection, and refreshes the access token once on a 401 before asking the staff member
to reconnect. A timeout is not retried: the service may be stuck, and the next sync asks again. Tokens never
reach a log: only the method, host and path are logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

import requests
from django.conf import settings

from calendars.providers.interface import CalendarError

log = logging.getLogger(__name__)

THROTTLED = {429, 503, 504}
MISSING = (404, 410)  # the event is not there (any more): what a cancel wants anyway


class DeadlinePassedError(requests.Timeout):
    """The time allowed for this work ran out before a request could be sent."""


class CalendarSession(requests.Session):
    """A requests session whose every request has our timeouts (a caller's own `timeout` cannot lift them).
    `deadline` is a time.monotonic() instant, or None for no overall limit."""

    def __init__(self, *, deadline: float | None = None) -> None:
        super().__init__()
        self.deadline = deadline
        if settings.CALENDAR_CA_BUNDLE:
            self.verify = settings.CALENDAR_CA_BUNDLE
            self.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment would override `verify`

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def request(self, method, url, *args, **kwargs) -> requests.Response:
        connect, read = settings.CALENDAR_CONNECT_TIMEOUT_SECONDS, settings.CALENDAR_READ_TIMEOUT_SECONDS
        left = self.seconds_left()
        if left is not None:
            if left <= 0:
                raise DeadlinePassedError(f"no time left for {method} {urlsplit(url).netloc}{urlsplit(url).path}")
            connect, read = min(connect, left), min(read, left)
        kwargs["timeout"] = (connect, read)
        return super().request(method, url, *args, **kwargs)


def calendar_session(*, deadline: float | None = None) -> CalendarSession:
    return CalendarSession(deadline=deadline)


def deadline_after(seconds: float | None) -> float | None:
    """The time.monotonic() instant `seconds` from now (None: no deadline)."""
    return None if seconds is None else time.monotonic() + seconds


def unreachable(provider: str, problem: requests.RequestException) -> CalendarError:
    """The CalendarError for a request that got no answer (never permanent: the next try may get one)."""
    if isinstance(problem, DeadlinePassedError):
        return CalendarError(f"{provider} did not answer in the time a booking on a call may wait")
    if isinstance(problem, requests.Timeout):
        return CalendarError(f"{provider} did not answer in time ({type(problem).__name__})")
    return CalendarError(f"{provider} could not be reached ({type(problem).__name__})")


def request_with_retries(
    session: CalendarSession,
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
        left = session.seconds_left()
        budget = budget if left is None else min(budget, left)
        try:
            response = session.request(method, url, headers=sent, **kwargs)
        except requests.RequestException as problem:
            wait = min(2.0 ** (attempt - 1), 8.0)
            if isinstance(problem, requests.Timeout) or attempt >= 3 or wait > budget:
                log.warning("%s: %s, giving up", where, type(problem).__name__)
                raise unreachable(provider, problem) from None
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


def calendar_request(
    session: CalendarSession,
    method: str,
    url: str,
    *,
    token: Callable[[bool], str],
    provider: str,
    refusal: Callable[[requests.Response], CalendarError],
    accept: Collection[int] = (),
    headers: dict[str, str] | None = None,
    **kwargs,
) -> requests.Response:
    """One API request through `request_with_retries`: a success or an `accept`ed status is returned; any
    other answer raises the provider's `refusal(response)`."""
    response = request_with_retries(session, method, url, token=token, provider=provider, headers=headers, **kwargs)
    if response.ok or response.status_code in accept:
        return response
    raise refusal(response)


def retry_after(response: requests.Response, *, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default
