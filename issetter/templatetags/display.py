"""How values read on our pages: phone numbers in the office's own region's format."""

from __future__ import annotations

import phonenumbers
from django import template

register = template.Library()


@register.filter
def phone(value: str, region: str = "US") -> str:
    """+12025550143 → (202) 555-0143 for an office in the US; a number of another country in international form."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, None if value.startswith("+") else region or "US")
    except phonenumbers.NumberParseException:
        return value
    same_country = phonenumbers.region_code_for_number(parsed) == (region or "US").upper()
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_country else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


@register.filter
def mm_ss(milliseconds) -> str:
    """12,345 ms → "0:12" (a place in a recording)."""
    if milliseconds in (None, ""):
        return ""
    seconds = int(milliseconds) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"
