"""Field validators shared by every app: E.164 phone numbers and IANA time zones."""

from __future__ import annotations

import zoneinfo
from functools import cache

import phonenumbers
from django.core.exceptions import ValidationError


def validate_e164(value: str) -> None:
    """A phone number stored in E.164 form (+15555550100) that phonenumbers considers valid."""
    if not value.startswith("+"):
        raise ValidationError("Enter the number in international form, e.g. +12025550143.", code="e164")
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValidationError("%(value)s is not a phone number.", code="e164", params={"value": value}) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("%(value)s is not a valid phone number.", code="e164", params={"value": value})
    if phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) != value:
        raise ValidationError("Write %(value)s without spaces or punctuation.", code="e164", params={"value": value})


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            "%(value)s is not a time zone; use a name such as America/New_York.",
            code="tz",
            params={"value": value},
        )
