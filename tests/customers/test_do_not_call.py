"""The do-not-call list: by hand or from a file; a blocked number stays blocked on every import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.models import QueueEntry
from customers.models import Customer, DoNotCallEntry
from tests.conftest import client_for


def test_it_blocks_a_number_typed_in_any_format_and_flags_the_customer(colleague, office, customer):
    client = client_for(colleague)
    response = client.post(
        reverse("customers:do_not_call_add"), {"number": "(202) 555-0143", "reason": "asked by phone"}
    )
    assert "+12025550143 will never be called." in client.get(response["Location"]).text
    entry = DoNotCallEntry.objects.get(office=office)
    assert (entry.phone, entry.reason, entry.added_by) == ("+12025550143", "asked by phone", colleague)
    customer.refresh_from_db()
    assert customer.do_not_call


def test_it_says_why_a_number_cannot_be_blocked(colleague, office):
    client = client_for(colleague)
    response = client.post(reverse("customers:do_not_call_add"), {"number": "12"})
    assert "Not added: &#x27;12&#x27; is not a valid phone number." in client.get(response["Location"]).text
    assert not DoNotCallEntry.objects.exists()


def test_it_imports_a_file_of_numbers_one_per_line(colleague, office):
    content = b"202-555-0143\n(312) 555-0123\nnonsense\n202 555 0143\n"
    client = client_for(colleague)
    response = client.post(reverse("customers:do_not_call_upload"), {"file": SimpleUploadedFile("dnc.txt", content)})
    page = client.get(response["Location"]).text
    assert "2 numbers blocked, 1 already on the list, 1 invalid" in page
    assert "line 3: &#x27;nonsense&#x27; is not a phone number" in page
    assert set(DoNotCallEntry.objects.values_list("phone", flat=True)) == {"+12025550143", "+13125550123"}


def test_it_imports_a_csv_with_a_phone_column(colleague, office):
    content = b"Name,Phone Number\nMaria,2025550143\n"
    client_for(colleague).post(
        reverse("customers:do_not_call_upload"), {"file": SimpleUploadedFile("dnc.csv", content)}
    )
    assert DoNotCallEntry.objects.get(office=office).phone == "+12025550143"


def test_it_keeps_a_blocked_number_from_the_queue_even_after_reimport(colleague, office, tmp_path):
    from django.core.management import call_command

    DoNotCallEntry.objects.create(office=office, phone="+12025550143")
    path = tmp_path / "list.csv"
    path.write_text("name,phone\nMaria Lopez,2025550143\n")
    call_command("import_customers", str(path), "--office", "north", "--json", stdout=open("/dev/null", "w"))
    maria = Customer.objects.get(office=office)
    assert maria.do_not_call
    client_for(colleague).post(reverse("calls:queue_add_all"), {})
    assert not QueueEntry.objects.exists()


def test_it_unblocks_a_number_added_by_mistake(colleague, office, customer):
    client = client_for(colleague)
    client.post(reverse("customers:do_not_call_add"), {"number": customer.phone})
    entry = DoNotCallEntry.objects.get()
    client.post(reverse("customers:do_not_call_remove", args=[entry.pk]))
    customer.refresh_from_db()
    assert not DoNotCallEntry.objects.exists() and not customer.do_not_call


def test_it_keeps_each_office_list_to_itself(colleague, outsider, office):
    client_for(colleague).post(reverse("customers:do_not_call_add"), {"number": "2025550143"})
    entry = DoNotCallEntry.objects.get()
    assert "+12025550143" not in client_for(outsider).get(reverse("customers:do_not_call")).text
    client_for(outsider).post(reverse("customers:do_not_call_remove", args=[entry.pk]))
    assert DoNotCallEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary\x00"])
def test_it_refuses_an_unreadable_file(colleague, content):
    client = client_for(colleague)
    response = client.post(reverse("customers:do_not_call_upload"), {"file": SimpleUploadedFile("dnc.bin", content)})
    assert response.status_code == 302
    assert not DoNotCallEntry.objects.exists()
