"""Damaged rows cost themselves only: a NUL in a field, or a row the database refuses, is reported with its
line and reason while every other row lands; an import that stops on an unexpected error is marked failed,
never left running. Runs on SQLite and on PostgreSQL (which refuses NUL in text)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from customers.models import Customer, ImportBatch
from customers.tasks import customer_import_task


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def many_rows(count: int, start: int = 0) -> str:
    return "".join(f"P{n},+1202555{n:04d},fine\n" for n in range(start, start + count))


def uploaded_batch(office, text: str) -> ImportBatch:
    batch = ImportBatch.objects.create(
        office=office,
        file_name="list.csv",
        column_mapping={"full_name": 0, "phone": 1, "notes": 2},
        status=ImportBatch.Status.RUNNING,
    )
    batch.file.save("list.csv", io.BytesIO(text.encode()), save=True)
    return batch


def database_refuses_notes(text: str, *, error_code: str) -> None:
    """A trigger in the database (a real refusal, as a constraint or a damaged value would give)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse_notes() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.notes = '{text}' THEN RAISE EXCEPTION 'refused by the database' USING ERRCODE = '{error_code}';"
                " END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER test_refuse_notes BEFORE INSERT ON customers_customer "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_notes()"
            )
        else:
            action = "SELECT RAISE(ABORT, 'refused by the database')" if error_code == "23514" else "SELECT * FROM gone"
            cursor.execute(
                "CREATE TRIGGER test_refuse_notes BEFORE INSERT ON customers_customer "
                f"WHEN NEW.notes = '{text}' BEGIN {action}; END"
            )


def test_a_nul_in_a_field_costs_that_row_only(office):
    text = "name,phone,notes\n" + many_rows(1200) + "Bad Row,+13125550123,a\x00b\n" + many_rows(300, 1200)
    batch = uploaded_batch(office, text)
    customer_import_task(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.invalid_count) == ("done", 1500, 1)
    assert batch.problems == [{"line": 1202, "reason": "the notes holds a NUL character (a damaged or binary file?)"}]
    assert not Customer.objects.filter(phone="+13125550123").exists()


def test_a_row_the_database_refuses_costs_that_row_only(office):
    database_refuses_notes("refuse me", error_code="23514")  # a check violation
    text = "name,phone,notes\n" + many_rows(500) + "Odd Row,+13125550123,refuse me\n" + many_rows(500, 500)
    batch = uploaded_batch(office, text)
    customer_import_task(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.invalid_count) == ("done", 1000, 1)
    [problem] = batch.problems
    assert problem["line"] == 502 and problem["reason"].startswith("the database refused this row (")
    assert Customer.objects.count() == 1000


def test_an_import_that_stops_on_an_unexpected_error_is_marked_failed(office, tmp_path):
    database_refuses_notes("break", error_code="XX000")  # an internal error: not a row's fault
    path = tmp_path / "list.csv"
    path.write_text("name,phone,notes\n" + many_rows(3) + "Last Row,+13125550123,break\n")
    with pytest.raises(Exception, match="refused by the database|gone"):
        call_command("import_customers", str(path), "--office", office.slug)
    batch = ImportBatch.objects.get(office=office)
    assert batch.status == ImportBatch.Status.FAILED
    assert "unexpected error" in batch.failure_reason and batch.finished_at
