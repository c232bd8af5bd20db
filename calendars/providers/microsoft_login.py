"""Microsoft sign-in for calendars through msal: the authorization-code flow with PKCE to connect, and
silent token acquisition afterwards from the account's own serialized msal token cache (encrypted in
`CalendarAccount.token_data`). msal refreshes and rotates refresh tokens itself; a refresh happens under
the account's refresh lease (`token_refresh`), so two processes never redeem one refresh token, and no
database lock is held while the sign-in service is asked. Every msal request goes through our calendar
session, with its timeouts."""

from __future__ import annotations

import logging
import warnings

import msal
import requests
from django.conf import settings

from calendars.providers.http import CalendarSession, calendar_session, unreachable
from calendars.providers.interface import CalendarError
from calendars.providers.token_refresh import token_with_refresh_lease

log = logging.getLogger(__name__)

SCOPES = ["Calendars.ReadWrite", "User.Read"]  # msal adds offline_access, openid and profile itself
_HTTP_CACHE: dict = {}  # msal's discovery and throttling memory, shared by the apps of this process


class _RefreshNeededError(requests.RequestException):
    """Raised instead of sending a token request, when we only want what the cache holds."""


class _CacheOnlySession(CalendarSession):
    """msal's discovery may be fetched (it is cached per process), token requests are not sent."""

    def post(self, url, *args, **kwargs):
        raise _RefreshNeededError(url)


def msal_app(
    cache: msal.SerializableTokenCache | None = None, *, session: CalendarSession | None = None
) -> msal.ConfidentialClientApplication:
    if not (settings.MICROSOFT_CLIENT_ID and settings.MICROSOFT_CLIENT_SECRET):
        raise CalendarError(
            "Microsoft is not configured: set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET", permanent=True
        )
    try:
        return msal.ConfidentialClientApplication(
            settings.MICROSOFT_CLIENT_ID,
            client_credential=settings.MICROSOFT_CLIENT_SECRET,
            authority=f"{settings.MICROSOFT_AUTHORITY_HOST}/{settings.MICROSOFT_TENANT}",
            token_cache=cache,
            http_client=session or calendar_session(),
            http_cache=_HTTP_CACHE,
            instance_discovery=False,  # the authority is ours to configure, not discovered
        )
    except requests.RequestException as problem:
        raise unreachable("Microsoft sign-in", problem) from None
    except ValueError as problem:
        raise CalendarError(f"Microsoft sign-in is unavailable ({type(problem).__name__})") from None


def connect_start(*, redirect_uri: str, login_hint: str = "") -> dict:
    """Begin connecting: returns msal's flow (keep it in the session; it holds the PKCE verifier). The
    person is sent to `flow["auth_uri"]`."""
    with warnings.catch_warnings():
        # msal recommends response_mode=form_post; that cross-site POST would arrive without our SameSite=Lax
        # session cookie, and the state check needs the session. The code still needs the PKCE verifier.
        warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
        return msal_app().initiate_auth_code_flow(
            SCOPES, redirect_uri=redirect_uri, login_hint=login_hint or None, prompt="select_account"
        )


def connect_finish(*, flow: dict, query: dict) -> tuple[str, dict]:
    """Redeem the code Microsoft sent back; returns (serialized token cache, id token claims)."""
    cache = msal.SerializableTokenCache()
    try:
        result = msal_app(cache).acquire_token_by_auth_code_flow(flow, query, scopes=SCOPES)
    except ValueError:
        raise CalendarError(
            "The Microsoft sign-in expired or did not match: please try again.", permanent=True
        ) from None
    except requests.RequestException as problem:
        raise unreachable("Microsoft sign-in", problem) from None
    except (RuntimeError, msal.exceptions.MsalServiceError) as problem:
        raise CalendarError(f"Microsoft sign-in failed ({type(problem).__name__}); please try again.") from None
    if "error" in result:
        description = (result.get("error_description") or result["error"]).splitlines()[0][:200]
        raise CalendarError(f"Microsoft said: {description}", permanent=True)
    return cache.serialize(), result.get("id_token_claims") or {}


def access_token(account_id: int, *, force_refresh: bool = False, deadline: float | None = None) -> str:
    """A valid Graph token for the account, refreshed when needed (CalendarError(reconnect=True) when the
    grant was revoked or expired). `deadline` (time.monotonic()) bounds the whole of it."""

    def cached(token_data: str) -> str | None:
        try:
            result = _silent(token_data, session=_CacheOnlySession(deadline=deadline), force_refresh=False)[0]
        except _RefreshNeededError:
            return None
        return (result or {}).get("access_token")

    def refresh(token_data: str) -> tuple[str, str | None]:
        result, renewed = _silent(token_data, session=calendar_session(deadline=deadline), force_refresh=force_refresh)
        if not result or "access_token" not in result:
            error = (result or {}).get("error", "no token")
            log.warning("calendar account %s: Microsoft refused a token (%s)", account_id, error)
            raise CalendarError("Microsoft no longer accepts this connection: reconnect the calendar", reconnect=True)
        return result["access_token"], renewed

    return token_with_refresh_lease(
        account_id=account_id,
        force_refresh=force_refresh,
        cached=cached,
        refresh=refresh,
        deadline=deadline,
        provider="Microsoft",
    )


def _silent(token_data: str, *, session: CalendarSession, force_refresh: bool) -> tuple[dict | None, str | None]:
    """msal's silent acquisition from this cache: (its result, the cache serialized again when it changed)."""
    cache = msal.SerializableTokenCache()
    cache.deserialize(token_data or None)
    app = msal_app(cache, session=session)
    accounts = app.get_accounts()
    if not accounts:
        raise CalendarError("No Microsoft sign-in is stored for this calendar: reconnect it", reconnect=True)
    try:
        result = app.acquire_token_silent_with_error(SCOPES, account=accounts[0], force_refresh=force_refresh)
    except _RefreshNeededError:
        raise
    except requests.RequestException as problem:
        raise unreachable("Microsoft sign-in", problem) from None
    except msal.exceptions.MsalServiceError as problem:
        raise CalendarError(f"Microsoft sign-in is unavailable ({type(problem).__name__})") from None
    return result, cache.serialize() if cache.has_state_changed else None
