"""Each office sees only its own data: a colleague sees it, an outsider gets 404."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from customers.models import Customer
from tests.conftest import client_for


@pytest.fixture
def detail_urls(customer, call, script):
    return [
        reverse("customers:detail", args=[customer.pk]),
        reverse("calls:detail", args=[call.uuid]),
        reverse("agent:script_detail", args=[script.pk]),
    ]


def test_it_shows_a_colleague_the_office_data(detail_urls, colleague, customer):
    client = client_for(colleague)
    for url in detail_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Maria Lopez" in response.text or "Annual review" in response.text


def test_it_gives_an_outsider_404(detail_urls, outsider):
    client = client_for(outsider)
    for url in detail_urls:
        assert client.get(url).status_code == 404, url


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
