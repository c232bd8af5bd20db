"""How values read on our pages: phone numbers in the office's own region's format."""

from __future__ import annotations

import re

import phonenumbers
from django import template

register = template.Library()


NANP_NUMBER = re.compile(r"\+1([2-9]\d{2})([2-9]\d{2})(\d{4})")


@register.filter
def phone(value: str, region: str = "US") -> str:
    """+12025550143 → (202) 555-0143 for an office in the US; a number of another country in international form.
    A number of the office's own calling code reads nationally: within the North American plan a number in
    Canada or the Caribbean is dialled like one at home, and reads so. Those numbers are written here directly
    (parsing one with its metadata cost about a tenth of a millisecond: a list page's fifty, 5 ms)."""
    if not value:
        return ""
    region = (region or "US").upper()
    home_code = phonenumbers.country_code_for_region(region)
    nanp = NANP_NUMBER.fullmatch(value)
    if nanp and home_code == 1:
        return "({}) {}-{}".format(*nanp.groups())
    try:
        parsed = phonenumbers.parse(value, None if value.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return value
    same_country = parsed.country_code == home_code
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_country else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


@register.filter
def mm_ss(milliseconds) -> str:
    """12,345 ms → "0:12" (a place in a recording)."""
    if milliseconds in (None, ""):
        return ""
    seconds = int(milliseconds) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"
