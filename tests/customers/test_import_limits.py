"""Any file is read in bounded time and memory: a workbook's declared size is ignored, columns and rows are
capped, absurd files are refused with a message, and an enormous cell costs one row, not the page."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.customer_import import customer_import
from customers.import_files import MAX_COLUMNS, ImportFileError, read_table
from customers.models import Customer, ImportBatch
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_declared_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook, its first sheet claiming to span `ref` (as some exporters write it)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content)
                assert count == 1
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_claiming_the_whole_sheet_is_read_by_its_real_cells(office):
    data = with_declared_dimension(
        workbook_bytes([["Name", "Phone"], ["Maria Lopez", 2025550143], ["James Carter", 3125550123]]),
        "A1:XFD1048576",
    )
    table = read_table(data, file_name="list.xlsx")
    assert table.header == ["Name", "Phone"]
    assert [cells for _, cells in table.rows()] == [["Maria Lopez", "2025550143"], ["James Carter", "3125550123"]]
    result = customer_import(office=office, data=data, file_name="list.xlsx")
    assert (result.rows, result.created) == (2, 2)


def test_cells_beyond_the_header_are_not_read(office):
    sheet = [["Name", "Phone"], ["Maria Lopez", 2025550143, *[None] * 3000, "far away"]]
    table = read_table(workbook_bytes(sheet), file_name="wide.xlsx")
    assert [cells for _, cells in table.rows()] == [["Maria Lopez", "2025550143"]]


def test_a_header_wider_than_the_column_limit_is_refused_clearly():
    header = ["Phone", *[None] * MAX_COLUMNS, "one too far"]
    with pytest.raises(ImportFileError, match=f"more than {MAX_COLUMNS} columns"):
        read_table(workbook_bytes([header, ["2025550143"]]), file_name="wide.xlsx")
    csv_header = ",".join(["phone", *[f"c{n}" for n in range(MAX_COLUMNS)]])
    with pytest.raises(ImportFileError, match=f"more than {MAX_COLUMNS} columns"):
        read_table(f"{csv_header}\n2025550143\n".encode(), file_name="wide.csv")


def test_a_workbook_that_unpacks_to_an_absurd_size_is_refused_before_parsing(office, settings):
    data = workbook_bytes([["Name", "Phone"], *[["Same Name", 2025550143]] * 20_000])
    settings.CUSTOMER_IMPORT_MAX_BYTES = len(data) + 1  # the upload itself is allowed; unpacked it is 10x more
    with pytest.raises(ImportFileError, match="unpacks to .* MB; the limit is"):
        customer_import(office=office, data=data, file_name="bomb.xlsx")
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_row_limit_is_refused_before_anything_is_written(office, settings):
    settings.CUSTOMER_IMPORT_MAX_ROWS = 3
    rows = "name,phone\n" + "".join(f"P{n},+1202555{n:04d}\n" for n in range(4))
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        customer_import(office=office, data=rows.encode(), file_name="many.csv")
    assert not Customer.objects.exists() and not ImportBatch.objects.exists()
    customer_import(office=office, data=rows.rsplit("P3", 1)[0].encode(), file_name="three.csv")
    assert Customer.objects.count() == 3


def test_an_enormous_cell_costs_its_row_and_the_pages_keep_working(
    colleague, office, django_capture_on_commit_callbacks
):
    huge = "x" * 200_000
    content = f"name,phone,notes\nMaria Lopez,2025550143,{huge}\nJames Carter,3125550123,fine\n".encode()
    client = client_for(colleague)
    response = client.post(reverse("customers:import_upload"), {"file": SimpleUploadedFile("long.csv", content)})
    batch = ImportBatch.objects.get(office=office)
    assert response["Location"] == reverse("customers:import_detail", args=[batch.pk])
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and "James Carter" in preview.text
    assert len(preview.text) < 50_000  # the long cell is cut in the preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("customers:import_start", args=[batch.pk]),
            {"column_full_name": "0", "column_phone": "1", "column_notes": "2"},
        )
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.invalid_count) == ("done", 1, 1)
    assert batch.problems == [{"line": 2, "reason": "the notes holds 200,000 characters; the limit is 10,000"}]
    assert Customer.objects.get().first_name == "James"


def test_an_enormous_cell_in_a_column_not_imported_is_harmless(office):
    content = f"name,phone,junk\nMaria Lopez,2025550143,{'x' * 200_000}\n".encode()
    result = customer_import(office=office, data=content, file_name="junk.csv", mapping={"full_name": 0, "phone": 1})
    assert (result.created, result.errors) == (1, [])
