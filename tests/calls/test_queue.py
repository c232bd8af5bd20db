"""Queueing customers: the whole filtered set at once, never a do-not-call number, never twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import QueueEntry
from customers.models import Customer, DoNotCallEntry, Tag
from tests.conftest import client_for


@pytest.fixture
def tagged(office):
    tag = Tag.objects.create(office=office, name="renewal")
    customers = [
        Customer.objects.create(office=office, first_name=f"P{n:02d}", phone=f"+120255501{n:02d}") for n in range(70)
    ]
    for customer in customers:
        customer.tags.add(tag)
    return customers


def test_it_queues_the_whole_filtered_set_not_just_the_page(colleague, office, tagged):
    Customer.objects.create(office=office, first_name="Untagged", phone="+13125550123")
    response = client_for(colleague).post(reverse("calls:queue_add_all"), {"tag": "renewal"})
    assert response["Location"] == reverse("customers:list") + "?tag=renewal"
    assert QueueEntry.objects.filter(office=office, status="waiting").count() == 70


def test_it_queues_in_one_insert_statement(colleague, office, tagged):
    from calls.queue_services import queue_add_matching

    with CaptureQueriesContext(connection) as queries:
        added = queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    assert added == 70
    assert [q["sql"].split()[0] for q in queries.captured_queries if q["sql"].upper().startswith("INSERT")] == [
        "INSERT"
    ]


def test_it_never_queues_do_not_call_customers_or_numbers(colleague, office, tagged):
    tagged[0].do_not_call = True
    tagged[0].save()
    DoNotCallEntry.objects.create(office=office, phone=tagged[1].phone)
    client = client_for(colleague)
    response = client.post(reverse("calls:queue_add_all"), {"tag": "renewal"})
    assert "Added 68 customers to the queue. 2 skipped" in client.get(response["Location"]).text
    assert not QueueEntry.objects.filter(customer__in=tagged[:2]).exists()
    single = client.post(reverse("calls:queue_add_one", args=[tagged[1].pk]), {"next": "/customers/"})
    assert "on the do-not-call list" in client.get(single["Location"]).text


def test_it_does_not_queue_anyone_twice(colleague, office, tagged):
    client = client_for(colleague)
    client.post(reverse("calls:queue_add_all"), {"tag": "renewal"})
    client.post(reverse("calls:queue_add_all"), {"tag": "renewal"})
    client.post(reverse("calls:queue_add_one", args=[tagged[0].pk]))
    assert QueueEntry.objects.filter(office=office).count() == 70


def test_it_refuses_to_queue_another_office_customer(colleague, other_office):
    stranger = Customer.objects.create(office=other_office, first_name="Zed", phone="+13125550123")
    assert client_for(colleague).post(reverse("calls:queue_add_one", args=[stranger.pk])).status_code == 404
    assert not QueueEntry.objects.exists()


def test_it_lists_counts_removes_and_clears(colleague, outsider, office, tagged):
    client = client_for(colleague)
    client.post(reverse("calls:queue_add_all"), {"tag": "renewal"})
    page = client.get(reverse("calls:queue"))
    assert page.context["counts"]["due"] == 70
    assert "P00" in page.text
    assert "P00" not in client_for(outsider).get(reverse("calls:queue")).text

    first = QueueEntry.objects.filter(office=office).order_by("id").first()
    client_for(outsider).post(reverse("calls:queue_remove", args=[first.pk]))  # not theirs: nothing happens
    assert QueueEntry.objects.get(pk=first.pk).status == "waiting"
    client.post(reverse("calls:queue_remove", args=[first.pk]))
    assert QueueEntry.objects.get(pk=first.pk).status == "removed"

    response = client.post(reverse("calls:queue_clear"))
    assert "Removed 69 waiting customers" in client.get(response["Location"]).text
    assert QueueEntry.objects.filter(status="waiting").count() == 0
