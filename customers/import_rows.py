"""Turn one row of an uploaded file into clean customer fields, or a reason it cannot be imported."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from phonenumbers import timezone as phone_time_zones

from customers.models import ConsentStatus, Customer
from customers.us_states import state_infer
from issetter.models import Office
from issetter.validators import known_time_zones

ZONE_NAMES = {
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "ct": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "mt": "America/Denver",
    "arizona": "America/Phoenix",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "alaska": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "hawaii": "Pacific/Honolulu",
}
CONSENT_WORDS = {
    ConsentStatus.EXPRESS_WRITTEN: {
        "written",
        "expresswritten",
        "pewc",
        "signed",
        "signedform",
        "writtenconsent",
    },
    ConsentStatus.EXPRESS: {
        "yes",
        "y",
        "true",
        "1",
        "express",
        "granted",
        "given",
        "optin",
        "opted in",
        "consented",
    },
    ConsentStatus.REVOKED: {
        "no",
        "n",
        "false",
        "0",
        "revoked",
        "optout",
        "opted out",
        "stop",
        "dnc",
        "withdrawn",
    },
}
TAG_SEPARATORS = re.compile(r"[,;|/]")
MAX_CELL_CHARS = 10_000  # longer than any note a person types; a longer cell is a damaged row
MAX_EMAIL_CHARS = Customer._meta.get_field("email").max_length
MAX_EXTENSION_CHARS = Customer._meta.get_field("phone_extension").max_length


@dataclass
class CustomerRow:
    phone: str
    phone_extension: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    time_zone: str = ""
    state: str = ""
    state_unknown_because: str = ""  # why no US state could be found (the import summary lists these)
    postal_code: str = ""
    notes: str = ""
    consent_status: str = ConsentStatus.UNKNOWN
    consent_at: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)


class RowError(ValueError):
    """Why one row cannot be imported (shown with its line number)."""


@dataclass(frozen=True)
class Phone:
    e164: str
    zone: str  # the number's time zone when its numbering plan gives exactly one, else ""
    extension: str = ""  # "ext. 12", "x12", "#12" -> "12"


def phone_read(text: str, region: str) -> Phone:
    """Read a number (local numbers in the office's region) once: its E.164 form and its time zone.

    The number's type is computed once and serves both validity and the zone lookup (this is most
    of an import's time: about half of it before this was shared).
    """
    if not text.strip():
        raise RowError("no phone number")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise RowError(f"'{text[:60]}' is not a phone number") from None
    kind = phonenumbers.number_type(parsed)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:  # same verdict as is_valid_number, at half the cost
        raise RowError(f"'{text[:60]}' is not a valid phone number")
    if phonenumbers.is_number_type_geographical(kind, parsed.country_code):
        zones = phone_time_zones.time_zones_for_geographical_number(parsed)
    else:
        zones = phone_time_zones._country_level_time_zones_for_number(parsed)
    known = [zone for zone in zones if zone in known_time_zones()]
    extension = parsed.extension or ""
    if len(extension) > MAX_EXTENSION_CHARS:
        raise RowError(f"the extension of '{text[:60]}' is longer than {MAX_EXTENSION_CHARS} digits")
    return Phone(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        zone=known[0] if len(known) == 1 else "",
        extension=extension,
    )


def zone_from_text(text: str) -> str:
    text = text.strip()
    if text in known_time_zones():
        return text
    return ZONE_NAMES.get(re.sub(r"[\s.]+", " ", text.lower()).replace(" time", "").strip(), "")


def consent_from_text(text: str) -> str:
    word = re.sub(r"[\s_\-]+", " ", text.strip().lower())
    for status, words in CONSENT_WORDS.items():
        if word in words or word.replace(" ", "") in words:
            return status
    return ConsentStatus.UNKNOWN


def name_split(full: str) -> tuple[str, str]:
    """'Lopez, Maria' and 'Maria Lopez' -> ('Maria', 'Lopez'); 'Maria de la Cruz' -> ('Maria', 'de la Cruz')."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.partition(" ")
    return first, last


def date_from_text(text: str, office: Office) -> dt.datetime | None:
    text = text.strip()
    if not text:  # most files have no consent dates: five failed parses a row were a tenth of an import
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            moment = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.replace(tzinfo=office.zone)
    return None


def cells_check(cells: list[str], mapping: dict[str, int]) -> None:
    """The chosen cells can be stored: no NUL (PostgreSQL refuses it in text) and no absurd length."""
    for name, index in mapping.items():
        text = cells[index] if index < len(cells) else ""
        if "\x00" in text:
            raise RowError(f"the {name.replace('_', ' ')} holds a NUL character (a damaged or binary file?)")
        if len(text) > MAX_CELL_CHARS:
            raise RowError(
                f"the {name.replace('_', ' ')} holds {len(text):,} characters; the limit is {MAX_CELL_CHARS:,}"
            )


def row_parse(cells: list[str], mapping: dict[str, int], office: Office) -> CustomerRow:
    def cell(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    cells_check(cells, mapping)
    phone = phone_read(cell("phone"), office.phone_region)
    row = CustomerRow(phone=phone.e164, phone_extension=phone.extension)
    row.first_name, row.last_name = cell("first_name"), cell("last_name")
    if not (row.first_name or row.last_name) and cell("full_name"):
        row.first_name, row.last_name = name_split(cell("full_name"))
    row.first_name, row.last_name = row.first_name[:80], row.last_name[:80]
    email = cell("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError(f"'{email[:100]}' is not a valid email address") from None
        if len(email) > MAX_EMAIL_CHARS:
            raise RowError(f"the email address is longer than {MAX_EMAIL_CHARS} characters")
        row.email = email.lower()
    row.time_zone = zone_from_text(cell("time_zone")) or phone.zone or office.time_zone
    row.postal_code = cell("postal_code")[:10]
    state = state_infer(state_text=cell("state"), postal_code=row.postal_code, phone=row.phone)
    row.state, row.state_unknown_because = state.code, state.unknown_because
    row.notes = cell("notes")
    row.consent_status = consent_from_text(cell("consent"))
    if row.consent_status in (ConsentStatus.EXPRESS, ConsentStatus.EXPRESS_WRITTEN):
        row.consent_at = date_from_text(cell("consent_date"), office)
    row.tags = [tag.strip()[:60] for tag in TAG_SEPARATORS.split(cell("tags")) if tag.strip()]
    return row
