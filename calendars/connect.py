"""Connecting a calendar: which providers this installation can connect, and the provider's sign-in flow
started and finished by name (the views stay provider-blind)."""

from __future__ import annotations

from django.conf import settings

from calendars.providers import CalendarError
from issetter.models import CalendarPolicy, Office
from issetter.sign_in import tenant_refusal


def providers_configured() -> list[str]:
    found = []
    if settings.MICROSOFT_CLIENT_ID and settings.MICROSOFT_CLIENT_SECRET:
        found.append("microsoft")
    if settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET:
        found.append("google")
    return found


def providers_allowed(*, office: Office) -> list[str]:
    """The configured providers this office lets its staff connect (Office.calendars_with)."""
    policy = office.calendars_with
    return [p for p in providers_configured() if policy == CalendarPolicy.ANY or p == policy]


def connect_refusal(*, office: Office, provider: str) -> str:
    """Why `office` may not connect a `provider` calendar; empty when it may."""
    if office.calendars_with in (CalendarPolicy.ANY, provider):
        return ""
    return (
        f"{office.name} keeps its appointments in {office.get_calendars_with_display().lower()}: "
        "connecting another calendar is turned off."
    )


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


def connect_finish(*, office: Office, provider: str, flow: dict, query: dict) -> tuple[str, dict]:
    """Returns (token data to keep, {"email", "name"}) of the signed-in calendar owner. A Microsoft account
    from another directory than the one the office pins (its `tid` claim) is refused."""
    token_data, claims = _login(provider).connect_finish(flow=flow, query=query)
    refusal = tenant_refusal(office=office, tenant_id=str(claims.get("tid", ""))) if provider == "microsoft" else ""
    if refusal:  # the same rule, and words, as the office's sign-in
        raise CalendarError(refusal, permanent=True)
    email = claims.get("preferred_username") or claims.get("email") or claims.get("upn") or ""
    if not email:
        raise CalendarError("The sign-in did not say which account it was: please try again.", permanent=True)
    return token_data, {"email": email.lower(), "name": claims.get("name", "")}
