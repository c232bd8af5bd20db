"""The Queue page's table on its own, which the page polls instead of reloading itself."""

import re

from django.test import Client
from django.urls import reverse

from calls.queue_services import queue_add_customer
from customers.models import Customer
from tests.conftest import client_for


def test_it_needs_a_signed_in_user(db):
    response = Client().get(reverse("calls:queue_entries"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_shows_only_the_office_entries_and_only_the_table(colleague, office, outsider, other_office):
    ours = Customer.objects.create(office=office, first_name="Maria", phone="+12025550143")
    theirs = Customer.objects.create(office=other_office, first_name="Zed", phone="+13125550123")
    queue_add_customer(office=office, customer=ours, added_by=colleague)
    queue_add_customer(office=other_office, customer=theirs, added_by=outsider)

    table = client_for(colleague).get(reverse("calls:queue_entries")).text
    assert table.strip().startswith('<table class="list" id="queue-entries"') and table.strip().endswith("</table>")
    assert "Maria" in table and "Zed" not in table
    assert "Zed" in client_for(outsider).get(reverse("calls:queue_entries")).text


def test_the_queue_page_polls_the_table_not_itself(colleague):
    page = client_for(colleague).get(reverse("calls:queue")).text
    (table,) = re.findall(r'<table class="list" id="queue-entries"[^>]*>', page)
    assert f'hx-get="{reverse("calls:queue_entries")}"' in table and 'hx-trigger="every 5s"' in table
    assert "hx-select" not in table
