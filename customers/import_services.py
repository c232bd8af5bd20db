"""The upload side of imports: receive a file, check it, keep it, and start the import task."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django_q.tasks import async_task

from customers.import_columns import columns_guess, mapping_check
from customers.import_files import read_table
from customers.models import ImportBatch
from issetter.models import Office

PREVIEW_ROWS = 5
PREVIEW_CELL_CHARS = 200


def import_upload(*, office: Office, file_name: str, data: bytes, uploaded_by) -> ImportBatch:
    """Check the file can be read and has a phone column (ImportFileError / MappingError if not), keep it."""
    table = read_table(data, file_name=file_name, max_bytes=settings.CUSTOMER_IMPORT_MAX_BYTES)
    mapping = columns_guess(table.header)
    mapping_check(mapping, table.header)
    batch = ImportBatch(office=office, uploaded_by=uploaded_by, file_name=file_name[:255], column_mapping=mapping)
    batch.file.save(file_name, ContentFile(data), save=False)
    batch.save()
    return batch


def import_preview(*, batch: ImportBatch) -> tuple[list[str], list[list[str]]]:
    """The file's header and first rows, for the mapping page (long cells cut, so the page stays small)."""
    with batch.file.open("rb") as upload:
        table = read_table(upload.read(), file_name=batch.file_name)
    rows = []
    for _, cells in table.rows():
        rows.append([_preview_text(cell) for cell in cells])
        if len(rows) == PREVIEW_ROWS:
            break
    return table.header, rows


def _preview_text(cell: str) -> str:
    cell = cell.replace("\x00", "")
    return cell if len(cell) <= PREVIEW_CELL_CHARS else cell[: PREVIEW_CELL_CHARS - 1] + "…"


def import_start(*, batch: ImportBatch, mapping: dict[str, int], header: list[str]) -> None:
    """Save the chosen mapping and run the import as a task once this transaction commits."""
    batch.column_mapping = mapping_check(mapping, header)
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["column_mapping", "status"])
    transaction.on_commit(lambda: async_task("customers.tasks.customer_import_task", batch.pk))
