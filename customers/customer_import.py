"""Import a customer file into an office: `customer_import(...)`, used by the upload page's task and by
`manage.py import_customers`.

Nothing is lost silently: every data row ends as created, updated, duplicate or invalid, and every
duplicate or invalid row is reported with its line and reason. Rows are written in chunks with
set-based statements, so memory stays bounded and 100,000 rows take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.import_columns import columns_guess, mapping_check
from customers.import_files import read_table
from customers.import_rows import CustomerRow, RowError, row_parse
from customers.models import ConsentStatus, Customer, DoNotCallEntry, ImportBatch, Tag
from issetter.models import Office

FILLABLE = ("first_name", "last_name", "email", "time_zone", "state", "postal_code", "notes")
CHUNK_ROWS = 1000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    invalid: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "errors": self.errors,
        }


def customer_import(
    *,
    office: Office,
    data: bytes,
    file_name: str,
    mapping: dict[str, int] | None = None,
    batch: ImportBatch | None = None,
    uploaded_by=None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import `data` (CSV or XLSX bytes). Raises ImportFileError / MappingError for a file that cannot be
    imported at all; otherwise returns the counts, with the batch (made here if not given) updated."""
    table = read_table(data, file_name=file_name, max_bytes=settings.CUSTOMER_IMPORT_MAX_BYTES)
    mapping = mapping_check(columns_guess(table.header) if mapping is None else mapping, table.header)
    if batch is None:
        batch = ImportBatch.objects.create(office=office, uploaded_by=uploaded_by, file_name=file_name)
    batch.column_mapping = mapping
    batch.status, batch.started_at = ImportBatch.Status.RUNNING, timezone.now()
    batch.rows_total = table.count_rows()
    batch.save(update_fields=["column_mapping", "status", "started_at", "rows_total"])

    writer = _ChunkWriter(office=office, batch=batch)
    result = ImportResult()
    first_line_of: dict[str, int] = {}
    chunk: list[tuple[int, CustomerRow]] = []
    for line, cells in table.rows():
        result.rows += 1
        try:
            row = row_parse(cells, mapping, office)
        except RowError as problem:
            result.invalid += 1
            result.errors.append({"line": line, "reason": str(problem)})
            continue
        if row.phone in first_line_of:
            result.duplicates += 1
            result.errors.append(
                {"line": line, "reason": f"duplicate of line {first_line_of[row.phone]} ({row.phone})"}
            )
            continue
        first_line_of[row.phone] = line
        chunk.append((line, row))
        if len(chunk) >= CHUNK_ROWS:
            writer.write(chunk, result)
            chunk = []
            _progress(batch, result, on_progress)
    writer.write(chunk, result)
    _finish(batch, result)
    if on_progress:
        on_progress(result.rows, batch.rows_total)
    return result


def _progress(batch: ImportBatch, result: ImportResult, on_progress) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(rows_done=result.rows)
    if on_progress:
        on_progress(result.rows, batch.rows_total)


def _finish(batch: ImportBatch, result: ImportResult) -> None:
    batch.rows_total = result.rows
    batch.rows_done = result.rows
    batch.created_count, batch.updated_count = result.created, result.updated
    batch.duplicate_count, batch.invalid_count = result.duplicates, result.invalid
    batch.problems = result.errors
    batch.status, batch.finished_at = ImportBatch.Status.DONE, timezone.now()
    batch.save()


class _ChunkWriter:
    """Writes one chunk of unique, valid rows: creates new customers, fills gaps in existing ones."""

    def __init__(self, *, office: Office, batch: ImportBatch) -> None:
        self.office, self.batch = office, batch
        self.blocked = set(DoNotCallEntry.objects.filter(office=office).values_list("phone", flat=True))
        self.tag_ids: dict[str, int] = dict(Tag.objects.filter(office=office).values_list("name", "id"))

    def write(self, chunk: list[tuple[int, CustomerRow]], result: ImportResult) -> None:
        if not chunk:
            return
        for attempt in range(2):
            try:
                with transaction.atomic():
                    created, updated = self._write(chunk)
                break
            except IntegrityError:
                if attempt:  # another import created the same numbers meanwhile: re-read and merge once
                    raise
        result.created += created
        result.updated += updated

    def _write(self, chunk: list[tuple[int, CustomerRow]]) -> tuple[int, int]:
        phones = [row.phone for _, row in chunk]
        existing = {
            customer.phone: customer for customer in Customer.objects.filter(office=self.office, phone__in=phones)
        }
        new, changed = [], []
        for line, row in chunk:
            customer = existing.get(row.phone)
            if customer is None:
                new.append(self._new_customer(line, row))
            elif self._fill(customer, line, row):
                changed.append(customer)
        Customer.objects.bulk_create(new)
        if changed:
            Customer.objects.bulk_update(
                changed, [*FILLABLE, "consent_status", "consent_source", "consent_at", "do_not_call"]
            )
        by_phone = {customer.phone: customer for customer in [*new, *existing.values()]}
        self._tag(by_phone, chunk)
        return len(new), len(chunk) - len(new)

    def _new_customer(self, line: int, row: CustomerRow) -> Customer:
        customer = Customer(
            office=self.office,
            phone=row.phone,
            import_batch=self.batch,
            do_not_call=row.phone in self.blocked,
            **{name: getattr(row, name) for name in FILLABLE},
        )
        self._consent(customer, line, row)
        return customer

    def _fill(self, customer: Customer, line: int, row: CustomerRow) -> bool:
        """Fill empty fields only (a blank in the file never erases); a revocation always applies."""
        changed = False
        for name in FILLABLE:
            if not getattr(customer, name) and getattr(row, name):
                setattr(customer, name, getattr(row, name))
                changed = True
        revoked_now = row.consent_status == ConsentStatus.REVOKED != customer.consent_status
        first_known = customer.consent_status == ConsentStatus.UNKNOWN != row.consent_status
        if revoked_now or first_known:
            self._consent(customer, line, row)
            changed = True
        if row.phone in self.blocked and not customer.do_not_call:
            customer.do_not_call = changed = True
        return changed

    def _consent(self, customer: Customer, line: int, row: CustomerRow) -> None:
        if row.consent_status == ConsentStatus.UNKNOWN:
            return
        customer.consent_status = row.consent_status
        customer.consent_source = f"Imported from {self.batch.file_name}, line {line}"[:200]
        customer.consent_at = row.consent_at or timezone.now()

    def _tag(self, by_phone: dict[str, Customer], chunk: list[tuple[int, CustomerRow]]) -> None:
        names = {name for _, row in chunk for name in row.tags}
        missing = names - self.tag_ids.keys()
        if missing:
            Tag.objects.bulk_create([Tag(office=self.office, name=name) for name in missing], ignore_conflicts=True)
            self.tag_ids.update(Tag.objects.filter(office=self.office, name__in=missing).values_list("name", "id"))
        links = [
            Customer.tags.through(customer_id=by_phone[row.phone].pk, tag_id=self.tag_ids[name])
            for _, row in chunk
            for name in row.tags
        ]
        Customer.tags.through.objects.bulk_create(links, ignore_conflicts=True)
