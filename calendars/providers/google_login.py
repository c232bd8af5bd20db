"""Google sign-in for calendars: OAuth 2.0 authorization code with PKCE (offline access, so Google gives
a refresh token), and access tokens refreshed from that refresh token when they near expiry. What is kept
(refresh token, access token, expiry) is JSON in the account's encrypted `token_data`. A refresh happens
under the account's refresh lease (`token_refresh`): no database lock is held while Google is asked."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
from urllib.parse import urlencode

import requests
from django.conf import settings

from calendars.providers.http import calendar_session, unreachable
from calendars.providers.interface import CalendarError
from calendars.providers.token_refresh import token_with_refresh_lease

log = logging.getLogger(__name__)

SCOPES = (
    "openid email https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy"
)
EARLY = 120  # seconds before expiry at which a token is refreshed


def _configured() -> None:
    if not (settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET):
        raise CalendarError("Google is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET", permanent=True)


def connect_start(*, redirect_uri: str, login_hint: str = "") -> dict:
    """Begin connecting: returns the flow to keep in the session; the person is sent to `flow["auth_uri"]`."""
    _configured()
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(24)
    query = {
        "client_id": settings.GOOGLE_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": SCOPES,
        "access_type": "offline",  # a refresh token, so the agent can book while nobody is signed in
        "prompt": "consent",  # Google returns a refresh token only on consent
        "include_granted_scopes": "true",
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if login_hint:
        query["login_hint"] = login_hint
    return {
        "auth_uri": f"{settings.GOOGLE_AUTH_URL}?{urlencode(query)}",
        "state": state,
        "code_verifier": verifier,
        "redirect_uri": redirect_uri,
    }


def connect_finish(*, flow: dict, query: dict) -> tuple[str, dict]:
    """Redeem the code Google sent back; returns (token data as JSON, id token claims)."""
    _configured()
    if not flow or query.get("state") != flow.get("state"):
        raise CalendarError("The Google sign-in expired or did not match: please try again.", permanent=True)
    if "error" in query:
        raise CalendarError(f"Google said: {query.get('error_description') or query['error']}"[:200], permanent=True)
    grant = _token_request(
        {
            "grant_type": "authorization_code",
            "code": query.get("code", ""),
            "code_verifier": flow["code_verifier"],
            "redirect_uri": flow["redirect_uri"],
        }
    )
    if not grant.get("refresh_token"):
        raise CalendarError(
            "Google gave no offline access: remove the app's access in your Google account and connect again",
            permanent=True,
        )
    return _token_data(grant, {}), _claims(grant.get("id_token", ""))


def access_token(account_id: int, *, force_refresh: bool = False, deadline: float | None = None) -> str:
    """A valid Calendar token for the account, refreshed when near expiry or when asked. `deadline`
    (time.monotonic()) bounds the whole of it."""

    def cached(token_data: str) -> str | None:
        kept = json.loads(token_data or "{}")
        if kept.get("access_token") and kept.get("expires_at", 0) - EARLY > time.time():
            return kept["access_token"]
        return None

    def refresh(token_data: str) -> tuple[str, str]:
        kept = json.loads(token_data or "{}")
        if not kept.get("refresh_token"):
            raise CalendarError("No Google sign-in is stored for this calendar: reconnect it", reconnect=True)
        grant = _token_request({"grant_type": "refresh_token", "refresh_token": kept["refresh_token"]}, deadline)
        return grant["access_token"], _token_data(grant, kept)

    return token_with_refresh_lease(
        account_id=account_id,
        force_refresh=force_refresh,
        cached=cached,
        refresh=refresh,
        deadline=deadline,
        provider="Google",
    )


def _token_request(fields: dict, deadline: float | None = None) -> dict:
    body = {**fields, "client_id": settings.GOOGLE_CLIENT_ID, "client_secret": settings.GOOGLE_CLIENT_SECRET}
    try:
        response = calendar_session(deadline=deadline).post(settings.GOOGLE_TOKEN_URL, data=body)
    except requests.RequestException as problem:
        raise unreachable("Google sign-in", problem) from None
    if response.status_code in (400, 401):
        error = _json(response).get("error", "")
        log.warning("Google refused a token (%s)", error)
        if fields["grant_type"] == "refresh_token":
            raise CalendarError("Google no longer accepts this connection: reconnect the calendar", reconnect=True)
        raise CalendarError(
            f"Google sign-in failed ({error or response.status_code}); please try again.", permanent=True
        )
    if not response.ok:
        raise CalendarError(f"Google sign-in is unavailable (HTTP {response.status_code})")
    return _json(response)


def _token_data(grant: dict, kept: dict) -> str:
    return json.dumps(
        {
            "access_token": grant["access_token"],
            "expires_at": int(time.time()) + int(grant.get("expires_in", 3600)),
            "refresh_token": grant.get("refresh_token") or kept.get("refresh_token", ""),  # Google keeps the old one
            "scope": grant.get("scope", kept.get("scope", "")),
        }
    )


def _claims(id_token: str) -> dict:
    """The id token's claims. It came straight from Google's token endpoint over TLS, so its signature is
    not checked here; only the email is used, to label the calendar."""
    try:
        payload = id_token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}


def _json(response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {}
