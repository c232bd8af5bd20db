"""Customers as CSV, safe to open in a spreadsheet: a cell that starts like a formula is made text
(a phone number in E.164 form is not a formula and is written as it is)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from customers.models import Customer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+[1-9]\d{6,14}")
COLUMNS = [
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("phone", "Phone"),
    ("phone_extension", "Extension"),
    ("email", "Email"),
    ("time_zone", "Time zone"),
    ("consent_status", "Consent"),
    ("do_not_call", "Do not call"),
    ("last_contacted_at", "Last contacted"),
    ("last_answered_at", "Last answered"),
    ("answered_count", "Times answered"),
    ("attempt_count", "Attempts"),
    ("last_outcome", "Last outcome"),
    ("next_appointment_at", "Next appointment"),
    ("notes", "Notes"),
]


def cell_safe(value) -> str:
    """Text a spreadsheet shows as typed: '=1+1' becomes "'=1+1" (CSV injection); '+13055550100' stays."""
    text = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) and not E164.fullmatch(text) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def customers_csv_lines(customers: Iterable[Customer]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([label for _, label in COLUMNS])  # BOM: spreadsheets read UTF-8 right
    for customer in customers:
        yield writer.writerow([cell_safe(getattr(customer, name)) for name, _ in COLUMNS])


def problems_csv_lines(problems: list[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(["Line", "Reason"])
    for problem in problems:
        yield writer.writerow([problem["line"], cell_safe(problem["reason"])])
