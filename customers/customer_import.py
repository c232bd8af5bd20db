"""Import a customer file into an office: `customer_import(...)`, used by the upload page's task and by
`manage.py import_customers`.

Nothing is lost silently: every data row ends as created, updated, duplicate or invalid, and every
duplicate or invalid row is reported with its line and reason. Rows are written in chunks with
set-based statements, so memory stays bounded and 100,000 rows take seconds, not minutes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from customers.import_columns import columns_guess, mapping_check
from customers.import_copy import customer_tags_insert, customers_insert
from customers.import_files import Table, read_table
from customers.import_rows import CustomerRow, RowError, row_parse
from customers.models import ConsentStatus, Customer, DoNotCallEntry, ImportBatch, Tag
from issetter.models import Office

log = logging.getLogger(__name__)

FILLABLE = ("phone_extension", "first_name", "last_name", "email", "time_zone", "state", "postal_code", "notes")
CHUNK_ROWS = 1000
UNEXPECTED_FAILURE = "The import stopped on an unexpected error; the rows read so far were saved. Try again."


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    invalid: int = 0
    errors: list[dict] = field(default_factory=list)
    state_unknown: list[dict] = field(default_factory=list)  # imported, but in no US state we could find

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "invalid": self.invalid,
            "errors": self.errors,
            "state_unknown": self.state_unknown,
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
    imported at all; otherwise returns the counts, with the batch (made here if not given) updated.

    A batch is never left running: if the import stops on an unexpected error, the batch is marked failed
    (the rows written so far stay) and the error is raised again."""
    table = read_table(
        data,
        file_name=file_name,
        max_bytes=settings.CUSTOMER_IMPORT_MAX_BYTES,
        max_rows=settings.CUSTOMER_IMPORT_MAX_ROWS,
    )
    mapping = mapping_check(columns_guess(table.header) if mapping is None else mapping, table.header)
    rows_total = table.count_rows()  # a file over the row limit is refused here, before anything is written
    if batch is None:
        batch = ImportBatch.objects.create(office=office, uploaded_by=uploaded_by, file_name=file_name)
    batch.column_mapping = mapping
    batch.status, batch.started_at = ImportBatch.Status.RUNNING, timezone.now()
    batch.rows_total = rows_total
    batch.save(update_fields=["column_mapping", "status", "started_at", "rows_total"])
    try:
        return _import_rows(table, mapping, office=office, batch=batch, on_progress=on_progress)
    except BaseException:
        try:
            import_batch_fail(batch=batch, reason=UNEXPECTED_FAILURE)
        except Exception:  # the database itself is gone: the first error is the one to raise
            log.exception("could not mark import %s failed", batch.pk)
        raise


def import_batch_fail(*, batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, failure_reason=reason, finished_at=timezone.now()
    )


def _import_rows(table: Table, mapping: dict[str, int], *, office: Office, batch: ImportBatch, on_progress):
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
    for notes in (result.errors, result.state_unknown):  # rows refused by the database come in late
        notes.sort(key=lambda note: note["line"])
    _finish(batch, result)
    if on_progress:
        on_progress(result.rows, batch.rows_total)
    return result


def database_refusal(problem: Exception) -> str:
    """Why the database refused a row, fit to show and to store (no NUL, one short line)."""
    detail = " ".join(str(problem).replace("\x00", "").split())[:160]
    return f"the database refused this row ({detail or type(problem).__name__})"


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
    batch.state_unknown = result.state_unknown
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
                    created, updated, stateless = self._write(chunk)
                break
            except IntegrityError:
                if attempt:  # another import created the same numbers meanwhile: re-read and merge once
                    self._write_one_by_one(chunk, result)
                    return
            except (DataError, ValueError):
                self._write_one_by_one(chunk, result)
                return
        result.created += created
        result.updated += updated
        result.state_unknown += stateless

    def _write_one_by_one(self, chunk: list[tuple[int, CustomerRow]], result: ImportResult) -> None:
        """The database refused the chunk: write each row alone, so one bad row never loses the others."""
        for line, row in chunk:
            try:
                with transaction.atomic():
                    created, updated, stateless = self._write([(line, row)])
            except (IntegrityError, DataError, ValueError) as problem:
                result.invalid += 1
                result.errors.append({"line": line, "reason": database_refusal(problem)})
                continue
            result.created += created
            result.updated += updated
            result.state_unknown += stateless

    def _write(self, chunk: list[tuple[int, CustomerRow]]) -> tuple[int, int, list[dict]]:
        """Created and updated counts, and the rows whose customer still has no US state."""
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
        customers_insert(new, office=self.office)
        if changed:
            Customer.objects.bulk_update(
                changed, [*FILLABLE, "consent_status", "consent_source", "consent_at", "do_not_call"]
            )
        by_phone = {customer.phone: customer for customer in [*new, *existing.values()]}
        self._tag(by_phone, chunk, {customer.phone for customer in new})
        stateless = [
            {"line": line, "reason": row.state_unknown_because or "no state"}
            for line, row in chunk
            if not by_phone[row.phone].state
        ]
        return len(new), len(chunk) - len(new), stateless

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

    def _tag(self, by_phone: dict[str, Customer], chunk: list[tuple[int, CustomerRow]], new_phones: set[str]) -> None:
        names = {name for _, row in chunk for name in row.tags}
        missing = names - self.tag_ids.keys()
        if missing:
            Tag.objects.bulk_create([Tag(office=self.office, name=name) for name in missing], ignore_conflicts=True)
            self.tag_ids.update(Tag.objects.filter(office=self.office, name__in=missing).values_list("name", "id"))
        fresh, older = [], []  # (customer, tag) pairs of customers created in this chunk, and of the others
        for _, row in chunk:
            customer = by_phone[row.phone]
            pairs = fresh if customer.phone in new_phones else older
            pairs += [(customer.pk, self.tag_ids[name]) for name in row.tags]
        customer_tags_insert(fresh, new_customers=True)
        customer_tags_insert(older, new_customers=False)
