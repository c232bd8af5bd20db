"""Rules the database keeps for customers and imports."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from customers.models import Customer, DoNotCallEntry, ImportBatch


def test_it_keeps_one_customer_per_number_in_an_office(office, other_office, customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(office=office, first_name="Maria", phone=customer.phone)
    Customer.objects.create(office=other_office, first_name="Maria", phone=customer.phone)  # another office: fine


def test_it_keeps_one_do_not_call_entry_per_number(office):
    DoNotCallEntry.objects.create(office=office, phone="+12025550143")
    with pytest.raises(IntegrityError), transaction.atomic():
        DoNotCallEntry.objects.create(office=office, phone="+12025550143")


def test_it_refuses_to_finish_an_import_whose_counts_do_not_add_up(office):
    batch = ImportBatch.objects.create(
        office=office,
        file_name="list.csv",
        rows_total=10,
        created_count=7,
        duplicate_count=1,
        invalid_count=1,
    )
    batch.status = ImportBatch.Status.DONE
    with pytest.raises(IntegrityError), transaction.atomic():
        batch.save()
    batch.updated_count = 1
    batch.save()


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("2025550143", "international form"),
        ("+1 202 555 0143", "without spaces"),
        ("+1202555", "not a valid"),
    ],
)
def test_it_explains_a_badly_written_phone_number(office, phone, message):
    with pytest.raises(ValidationError, match=message):
        Customer(office=office, first_name="X", phone=phone).full_clean()


def test_it_explains_an_unknown_time_zone(office):
    with pytest.raises(ValidationError, match="not a time zone"):
        Customer(office=office, phone="+12025550143", time_zone="Mars/Olympus").full_clean()
