"""django-q2 tasks of the customers app: take ids, call one service."""

from __future__ import annotations

import logging

from customers.customer_import import UNEXPECTED_FAILURE, customer_import, import_batch_fail
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
        import_batch_fail(batch=batch, reason=str(problem))
    except Exception:
        log.exception("import %s failed", batch_id)
        import_batch_fail(batch=batch, reason=UNEXPECTED_FAILURE)
        raise
