"""The office's do-not-call list. An entry blocks the number itself: the customer with that number is
flagged now, and a customer imported with it later is flagged on arrival (see customer_import)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from customers.import_columns import columns_guess
from customers.import_files import read_table
from customers.import_rows import RowError, phone_read
from customers.models import Customer, DoNotCallEntry
from issetter.models import Office


@transaction.atomic
def dnc_add(*, office: Office, number: str, source: str = DoNotCallEntry.Source.STAFF, reason: str = "", added_by=None):
    """Block a number (any common format); RowError if it is no phone number. Returns (entry, created)."""
    phone = phone_read(number, office.phone_region).e164
    entry, created = DoNotCallEntry.objects.get_or_create(
        office=office, phone=phone, defaults={"source": source, "reason": reason[:200], "added_by": added_by}
    )
    Customer.objects.filter(office=office, phone=phone, do_not_call=False).update(do_not_call=True)
    return entry, created


@transaction.atomic
def dnc_remove(*, office: Office, entry_id: int) -> bool:
    """Unblock a number (for entries added by mistake); the customer's flag goes with it."""
    entry = DoNotCallEntry.objects.filter(office=office, pk=entry_id).first()
    if entry is None:
        return False
    Customer.objects.filter(office=office, phone=entry.phone).update(do_not_call=False)
    entry.delete()
    return True


@dataclass
class DncImportResult:
    rows: int = 0
    added: int = 0
    already: int = 0
    invalid: int = 0
    errors: list[dict] = field(default_factory=list)


def dnc_import(*, office: Office, data: bytes, file_name: str, added_by=None) -> DncImportResult:
    """A file of numbers to block: one per line, or a CSV/XLSX with a phone column (else its first column)."""
    table = read_table(data, file_name=file_name)
    column = columns_guess(table.header).get("phone")
    rows = table.rows()
    if column is None:  # no header naming a phone column: the first line is a number too
        column = 0
        rows = _with_first_line(table, rows)
    result = DncImportResult()
    for line, cells in rows:
        result.rows += 1
        try:
            _, created = dnc_add(
                office=office,
                number=cells[column] if column < len(cells) else "",
                source=DoNotCallEntry.Source.IMPORT,
                reason=f"Imported from {file_name}",
                added_by=added_by,
            )
        except RowError as problem:
            result.invalid += 1
            result.errors.append({"line": line, "reason": str(problem)})
            continue
        result.added += created
        result.already += not created
    return result


def _with_first_line(table, rows):
    yield table.header_line, table.header
    yield from rows
