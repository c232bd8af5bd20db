"""Each office sees only its own data: a colleague sees it, an outsider gets 404."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import Customer
from tests.conftest import client_for


@pytest.fixture
def detail_pages(customer, call, script):
    """Each detail page with a text only that object's page shows."""
    return [
        (reverse("customers:detail", args=[customer.pk]), "Maria Lopez"),
        (reverse("calls:detail", args=[call.uuid]), "Call to"),
        (reverse("agent:script_detail", args=[script.pk]), "Annual review"),
    ]


def test_it_shows_a_colleague_the_office_data(detail_pages, colleague):
    client = client_for(colleague)
    for url, text in detail_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.text, url


def test_it_gives_an_outsider_404(detail_pages, outsider):
    client = client_for(outsider)
    for url, _ in detail_pages:
        assert client.get(url).status_code == 404, url


def test_it_lists_only_the_office_calls_queue_and_appointments(colleague, outsider, office, customer, call):
    import datetime as dt

    from django.utils import timezone

    from calendars.models import Appointment
    from calls.models import QueueEntry

    QueueEntry.objects.create(office=office, customer=customer)
    start = timezone.now() + dt.timedelta(days=1)
    Appointment.objects.create(
        office=office,
        customer=customer,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        title="Annual review",
    )
    for name in ("calls:list", "calls:queue", "calendars:index"):
        assert "Maria Lopez" in client_for(colleague).get(reverse(name)).text, name
        assert "Maria Lopez" not in client_for(outsider).get(reverse(name)).text, name


def test_it_lists_only_the_office_customers(colleague, outsider, customer, other_office):
    Customer.objects.create(office=other_office, first_name="Zed", last_name="Other", phone="+13125550123")
    own = client_for(colleague).get(reverse("customers:list")).text
    theirs = client_for(outsider).get(reverse("customers:list")).text
    assert "Maria Lopez" in own and "Zed Other" not in own
    assert "Zed Other" in theirs and "Maria Lopez" not in theirs


def test_it_counts_only_the_office_on_the_dashboard(colleague, outsider, customer):
    own = client_for(colleague).get(reverse("home"))
    theirs = client_for(outsider).get(reverse("home"))
    customers_figure = {figure.label: figure.value for figure in own.context["figures"]}["Customers"]
    outsider_figure = {figure.label: figure.value for figure in theirs.context["figures"]}["Customers"]
    assert (customers_figure, outsider_figure) == (1, 0)


def test_it_tells_a_user_without_an_office_to_ask_for_an_invitation(db):
    loner = get_user_model().objects.create_user(username="dan", email="dan@example.com", password="x")
    response = client_for(loner).get(reverse("customers:list"))
    assert response.status_code == 403
    assert "not part of an office yet" in response.text


def test_it_shows_times_in_the_office_zone(colleague, customer, office):
    import datetime as dt

    customer.last_contacted_at = dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.UTC)  # 12:30 in New York (EDT)
    customer.save()
    response = client_for(colleague).get(reverse("customers:detail", args=[customer.pk]))
    assert "12:30 p.m." in response.text
