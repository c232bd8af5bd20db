"""django-q2 tasks of the customers app: take ids, call one service."""

from __future__ import annotations

import logging

from django.utils import timezone

from customers.customer_import import customer_import
from customers.import_columns import MappingError
from customers.import_files import ImportFileError
from customers.models import ImportBatch

log = logging.getLogger(__name__)


def customer_import_task(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("office").get(pk=batch_id)
    try:
        with batch.file.open("rb") as upload:
            data = upload.read()
        customer_import(
            office=batch.office, data=data, file_name=batch.file_name, mapping=batch.column_mapping, batch=batch
        )
    except (ImportFileError, MappingError) as problem:
        _fail(batch, str(problem))
    except Exception:
        log.exception("import %s failed", batch_id)
        _fail(batch, "The import stopped on an unexpected error; the rows read so far were saved. Try again.")
        raise


def _fail(batch: ImportBatch, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, failure_reason=reason, finished_at=timezone.now()
    )
