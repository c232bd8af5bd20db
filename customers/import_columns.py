"""Which column of an uploaded file holds which customer field, from header names and their aliases."""

from __future__ import annotations

import re

# Field -> header spellings (compared lowercased, without spaces, dashes, underscores or dots).
ALIASES: dict[str, tuple[str, ...]] = {
    "phone": (
        "phone",
        "phonenumber",
        "phoneno",
        "phone#",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "cellnumber",
        "telephone",
        "tel",
        "telephonenumber",
        "primaryphone",
        "homephone",
        "workphone",
        "contactnumber",
        "number",
    ),
    "full_name": ("name", "fullname", "customername", "clientname", "contactname", "customer", "client"),
    "first_name": ("firstname", "first", "givenname", "forename", "fname"),
    "last_name": ("lastname", "last", "surname", "familyname", "lname"),
    "email": ("email", "emailaddress", "e-mail", "mail"),
    "time_zone": ("timezone", "tz", "zone"),
    "tags": ("tags", "tag", "labels", "groups", "segment", "segments"),
    "consent": ("consent", "consentstatus", "optin", "opt-in", "permission", "tcpaconsent"),
    "consent_date": ("consentdate", "optindate", "consentedat", "consentgiven"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "state": ("state", "st", "province", "region"),
    "postal_code": ("zip", "zipcode", "postalcode", "postcode", "zip5"),
}
FIELD_LABELS = {
    "phone": "Phone",
    "full_name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "time_zone": "Time zone",
    "tags": "Tags",
    "consent": "Consent",
    "consent_date": "Consent date",
    "notes": "Notes",
    "state": "State",
    "postal_code": "ZIP / postal code",
}


class MappingError(ValueError):
    """The mapping cannot import anything (no phone column)."""


def header_key(header: str) -> str:
    return re.sub(r"[\s_\-.]+", "", header.strip().lower().lstrip("\ufeff"))


def columns_guess(header: list[str]) -> dict[str, int]:
    """Field -> column index for every field whose header (or an alias of it) appears; first match wins."""
    keys = [header_key(name) for name in header]
    mapping: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            alias_key = header_key(alias)
            if alias_key in keys and keys.index(alias_key) not in mapping.values():
                mapping[field] = keys.index(alias_key)
                break
    return mapping


def mapping_check(mapping: dict[str, int], header: list[str]) -> dict[str, int]:
    """A mapping chosen by a person: known fields, existing columns, and a phone column."""
    clean = {field: int(index) for field, index in mapping.items() if field in ALIASES and index is not None}
    if any(not 0 <= index < len(header) for index in clean.values()):
        raise MappingError("A chosen column does not exist in the file.")
    if "phone" not in clean:
        found = ", ".join(f"'{name}'" for name in header) or "none"
        raise MappingError(f"No phone column found (columns in the file: {found}). Name one column 'phone'.")
    return clean
