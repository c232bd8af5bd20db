"""Which US state a ZIP code is in, from its first three digits (the USPS sectional centre prefixes).

A prefix belongs to one state, with a handful of exceptions listed on their own (an IRS or military
prefix inside another state's range). Military (AA/AE/AP) prefixes name no state and give "".
Data, not logic: edit the ranges below when USPS reassigns prefixes.
"""

from __future__ import annotations

import re

# (first prefix, last prefix, state); later rows override earlier ones for the prefixes they cover.
ZIP_PREFIX_RANGES = [
    ("005", "005", "NY"),
    ("006", "007", "PR"),
    ("008", "008", "VI"),
    ("009", "009", "PR"),
    ("010", "027", "MA"),
    ("028", "029", "RI"),
    ("030", "038", "NH"),
    ("039", "049", "ME"),
    ("050", "059", "VT"),
    ("055", "055", "MA"),
    ("060", "069", "CT"),
    ("070", "089", "NJ"),
    ("100", "149", "NY"),
    ("150", "196", "PA"),
    ("197", "199", "DE"),
    ("200", "200", "DC"),
    ("201", "201", "VA"),
    ("202", "205", "DC"),
    ("206", "219", "MD"),
    ("220", "246", "VA"),
    ("247", "268", "WV"),
    ("270", "289", "NC"),
    ("290", "299", "SC"),
    ("300", "319", "GA"),
    ("320", "349", "FL"),
    ("350", "369", "AL"),
    ("370", "385", "TN"),
    ("386", "397", "MS"),
    ("398", "399", "GA"),
    ("400", "427", "KY"),
    ("430", "459", "OH"),
    ("460", "479", "IN"),
    ("480", "499", "MI"),
    ("500", "528", "IA"),
    ("530", "549", "WI"),
    ("550", "567", "MN"),
    ("569", "569", "DC"),
    ("570", "577", "SD"),
    ("580", "588", "ND"),
    ("590", "599", "MT"),
    ("600", "629", "IL"),
    ("630", "658", "MO"),
    ("660", "679", "KS"),
    ("680", "693", "NE"),
    ("700", "714", "LA"),
    ("716", "729", "AR"),
    ("730", "749", "OK"),
    ("733", "733", "TX"),
    ("750", "799", "TX"),
    ("800", "816", "CO"),
    ("820", "831", "WY"),
    ("832", "838", "ID"),
    ("840", "847", "UT"),
    ("850", "865", "AZ"),
    ("870", "884", "NM"),
    ("885", "885", "TX"),
    ("889", "898", "NV"),
    ("900", "961", "CA"),
    ("967", "968", "HI"),
    ("969", "969", "GU"),
    ("970", "979", "OR"),
    ("980", "994", "WA"),
    ("995", "999", "AK"),
]
# Military mail (AA) inside a state's range names no state; AE (090-099) and AP (962-966) are in no range.
MILITARY_PREFIXES = {"340"}


def _prefix_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for first, last, state in ZIP_PREFIX_RANGES:
        for prefix in range(int(first), int(last) + 1):
            table[f"{prefix:03d}"] = state
    for prefix in MILITARY_PREFIXES:
        table.pop(prefix, None)
    return table


STATE_BY_ZIP_PREFIX = _prefix_table()
US_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")


def state_for_zip(postal_code: str) -> str:
    """'33139' or '33139-1234' -> 'FL'; '' for anything that is not a US ZIP code we can place.
    (A 4-digit code is taken as a 5-digit one whose leading zero a spreadsheet dropped: '2108' -> '02108'.)"""
    text = postal_code.strip()
    if re.fullmatch(r"\d{4}", text):
        text = "0" + text
    match = US_ZIP.fullmatch(text)
    return STATE_BY_ZIP_PREFIX.get(match.group(1)[:3], "") if match else ""
