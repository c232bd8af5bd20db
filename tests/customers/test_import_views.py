"""Uploading a list on the Customers page: mapping with a preview, the import task, progress, problems."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Customer, ImportBatch
from tests.conftest import client_for

LIST = b"Client,Cell,Notes\nMaria Lopez,(202) 555-0143,likes mornings\nBad Row,123,\nJames Carter,312 555 0123,\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, name="clients.csv", content=LIST):
    return client.post(reverse("customers:import_upload"), {"file": SimpleUploadedFile(name, content)})


def test_it_shows_the_guessed_columns_and_a_preview(colleague, office):
    client = client_for(colleague)
    response = upload(client)
    batch = ImportBatch.objects.get(office=office)
    assert response["Location"] == reverse("customers:import_detail", args=[batch.pk])
    page = client.get(response["Location"]).text
    assert "Maria Lopez" in page and "(202) 555-0143" in page  # preview rows
    assert batch.column_mapping == {"phone": 1, "full_name": 0, "notes": 2}
    assert Customer.objects.count() == 0  # nothing imported before the person confirms


def test_it_imports_with_the_chosen_columns_and_summarises(colleague, office, django_capture_on_commit_callbacks):
    client = client_for(colleague)
    batch_url = upload(client)["Location"]
    batch = ImportBatch.objects.get(office=office)
    with django_capture_on_commit_callbacks(execute=True):  # the task starts once the request commits
        response = client.post(
            reverse("customers:import_start", args=[batch.pk]), {"column_phone": "1", "column_full_name": "0"}
        )
    assert response["Location"] == batch_url
    page = client.get(batch_url).text
    assert "<strong>3</strong> rows read" in page
    assert "<strong>2</strong> new customers" in page
    assert "&#x27;123&#x27; is not a valid phone number" in page
    assert sorted(Customer.objects.filter(office=office).values_list("first_name", flat=True)) == ["James", "Maria"]
    assert Customer.objects.get(first_name="Maria").notes == ""  # notes column not chosen: not imported


def test_it_offers_the_skipped_rows_as_csv(colleague, office, django_capture_on_commit_callbacks):
    client = client_for(colleague)
    upload(client)
    batch = ImportBatch.objects.get(office=office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customers:import_start", args=[batch.pk]), {"column_phone": "1", "column_full_name": "0"})
    response = client.get(reverse("customers:import_problems", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [["Line", "Reason"], ["3", "'123' is not a valid phone number"]]


def test_it_reports_progress_while_running_and_stops_polling_when_done(colleague, office):
    batch = ImportBatch.objects.create(
        office=office, file_name="big.csv", status="running", rows_total=1000, rows_done=250
    )
    client = client_for(colleague)
    running = client.get(reverse("customers:import_progress", args=[batch.pk]))
    assert running.status_code == 200
    assert "250 of 1000 rows" in running.text
    assert 'hx-trigger="every 1s"' in running.text
    ImportBatch.objects.filter(pk=batch.pk).update(status="done", rows_done=1000, created_count=1000)
    finished = client.get(reverse("customers:import_progress", args=[batch.pk]))
    assert finished.status_code == 286  # HTMX stops polling
    assert "<strong>1000</strong> new customers" in finished.text


def test_it_updates_progress_as_chunks_are_written(office, tmp_path):
    from customers.customer_import import customer_import

    rows = "name,phone\n" + "".join(f"P{n},+1202555{n:04d}\n" for n in range(2500))
    seen = []
    customer_import(
        office=office,
        data=rows.encode(),
        file_name="many.csv",
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("photo.pdf", b"%PDF-1.7\x00\x00", "not a CSV or XLSX file"),
        ("names.csv", b"name,email\nMaria,m@example.com\n", "No phone column found"),
    ],
)
def test_it_refuses_a_file_it_cannot_import_with_a_message(colleague, office, name, content, message):
    client = client_for(colleague)
    response = upload(client, name, content)
    assert response["Location"] == reverse("customers:list")
    assert message in client.get(response["Location"]).text
    assert not ImportBatch.objects.exists()


def test_it_keeps_imports_inside_the_office(colleague, outsider, office):
    upload(client_for(colleague))
    batch = ImportBatch.objects.get(office=office)
    client = client_for(outsider)
    for name in ("customers:import_detail", "customers:import_progress", "customers:import_problems"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404, name
    assert client.post(reverse("customers:import_start", args=[batch.pk]), {"column_phone": "1"}).status_code == 404
    assert not Customer.objects.exists()


def test_it_marks_the_import_failed_when_the_file_is_unreadable_later(office, colleague):
    from customers.tasks import customer_import_task

    batch = ImportBatch.objects.create(
        office=office, file_name="gone.csv", column_mapping={"phone": 0}, status="running"
    )
    batch.file.save("gone.csv", io.BytesIO(b""), save=True)
    customer_import_task(batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.failure_reason) == ("failed", "The file is empty.")
