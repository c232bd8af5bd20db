"""Connecting a calendar: which providers this installation can connect, and the provider's sign-in flow
started and finished by name (the views stay provider-blind)."""

from __future__ import annotations

from django.conf import settings

from calendars.providers import CalendarError


def providers_configured() -> list[str]:
    found = []
    if settings.MICROSOFT_CLIENT_ID and settings.MICROSOFT_CLIENT_SECRET:
        found.append("microsoft")
    if settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET:
        found.append("google")
    return found


def _login(provider: str):
    if provider == "microsoft":
        from calendars.providers import microsoft_login

        return microsoft_login
    if provider == "google":
        from calendars.providers import google_login

        return google_login
    raise CalendarError(f"Unknown calendar provider {provider!r}", permanent=True)


def connect_start(*, provider: str, redirect_uri: str, login_hint: str = "") -> dict:
    return _login(provider).connect_start(redirect_uri=redirect_uri, login_hint=login_hint)


def connect_finish(*, provider: str, flow: dict, query: dict) -> tuple[str, dict]:
    """Returns (token data to keep, {"email", "name"}) of the signed-in calendar owner."""
    token_data, claims = _login(provider).connect_finish(flow=flow, query=query)
    email = claims.get("preferred_username") or claims.get("email") or claims.get("upn") or ""
    if not email:
        raise CalendarError("The sign-in did not say which account it was: please try again.", permanent=True)
    return token_data, {"email": email.lower(), "name": claims.get("name", "")}
