"""Field validators shared by every app: E.164 phone numbers, IANA time zones, names on one line."""

from __future__ import annotations

import re
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


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def validate_no_control_characters(value: str) -> None:
    """A name on one line: it is spoken, shown and sent to the phone switch (where a line break would end
    our command), so line breaks, tabs and other control characters are refused."""
    if _CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "Write this on one line: line breaks, tabs and other control characters are not allowed.",
            code="control_characters",
        )


TENANT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def validate_tenant_id(value: str) -> None:
    """A Microsoft Entra directory (tenant) ID: a GUID, as the Azure portal shows it."""
    if value and not TENANT_ID.fullmatch(value.lower()):
        raise ValidationError(
            "Paste the Directory (tenant) ID from the Azure portal, e.g. 9188040d-6c67-4c5b-b112-36a304b66dad.",
            code="tenant",
        )
