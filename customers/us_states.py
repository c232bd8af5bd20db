"""US states as the calling rules name them (USPS codes), read from whatever a customer file holds —
"FL", "Florida", "Fla.", "fla", "N.Y." — and, when the file says nothing, inferred from the ZIP code or
the phone number's area code (`customers/zip_code_states.py`, `customers/area_code_states.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from customers.area_code_states import state_for_phone
from customers.zip_code_states import state_for_zip

STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
# AP style (the abbreviations newspapers and many address books use) and other common short forms;
# compared without dots and spaces, lowercased.
OTHER_SPELLINGS = {
    "AL": ("ala", "alab"),
    "AZ": ("ariz",),
    "AR": ("ark",),
    "CA": ("calif", "cal", "cali"),
    "CO": ("colo", "col"),
    "CT": ("conn",),
    "DE": ("del",),
    "DC": ("washingtondc", "washdc", "districtofcolumbia"),
    "FL": ("fla", "flor"),
    "GA": ("ga",),
    "IL": ("ill", "ills"),
    "IN": ("ind",),
    "KS": ("kan", "kans"),
    "KY": ("ky",),
    "LA": ("la",),
    "MD": ("md",),
    "MA": ("mass",),
    "MI": ("mich",),
    "MN": ("minn",),
    "MS": ("miss",),
    "MO": ("mo",),
    "MT": ("mont",),
    "NE": ("neb", "nebr"),
    "NV": ("nev",),
    "NH": ("nh",),
    "NJ": ("nj",),
    "NM": ("nm", "nmex"),
    "NY": ("ny",),
    "NC": ("nc", "ncar"),
    "ND": ("nd", "ndak"),
    "OK": ("okla",),
    "OR": ("ore", "oreg"),
    "PA": ("pa", "penn", "penna"),
    "RI": ("ri",),
    "SC": ("sc", "scar"),
    "SD": ("sd", "sdak"),
    "TN": ("tenn",),
    "TX": ("tex",),
    "VT": ("vt",),
    "VA": ("va",),
    "WA": ("wash",),
    "WV": ("wva", "wvirg"),
    "WI": ("wis", "wisc"),
    "WY": ("wyo",),
    "PR": ("pr",),
}


def _spelling_key(text: str) -> str:
    return re.sub(r"[\s.,\-_']+", "", text.strip().lower())


TERRITORIES = frozenset({"PR", "VI", "GU", "AS", "MP"})
STATE_CODES = frozenset(STATE_NAMES) - TERRITORIES  # the 50 states and DC
_CODE_BY_SPELLING = {
    _spelling_key(spelling): code
    for code, name in STATE_NAMES.items()
    for spelling in (code, name, *OTHER_SPELLINGS.get(code, ()))
}


def state_code(text: str) -> str:
    """'Florida', 'Fla.', 'fl', 'N.Y.' -> the USPS code; '' when the text names no US state."""
    return _CODE_BY_SPELLING.get(_spelling_key(text), "")


@dataclass(frozen=True)
class StateGuess:
    code: str  # USPS code, or "" when unknown
    unknown_because: str = ""  # why it is unknown, for the import summary


def state_infer(*, state_text: str, postal_code: str, phone: str) -> StateGuess:
    """A customer's state: as written, else from the ZIP code, else from the number's area code."""
    code = state_code(state_text)
    if code:
        return StateGuess(code)
    code = state_for_zip(postal_code) or state_for_phone(phone)
    if code:
        return StateGuess(code)
    if state_text.strip():
        return StateGuess("", f"state '{state_text.strip()[:40]}' is not a US state we know")
    return StateGuess("", "no state, US ZIP code or US area code")
