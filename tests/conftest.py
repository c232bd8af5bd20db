"""People and offices built in code: a supervisor and a colleague in one office, an outsider in another."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from agent.models import Script
from calls.models import Call
from customers.models import Customer
from issetter.models import Membership
from issetter.services import member_ensure, office_ensure
from tests.servers import free_port, start, wait_for_http

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def clean_cache():
    """Each test starts with an empty cache: with REDIS_URL the cache outlives runs, and allauth keeps its
    rate limits (one confirmation email per address every few minutes) there."""
    from django.core.cache import cache

    from agent.offers_on_the_table import offers_forget_all

    cache.clear()
    offers_forget_all()  # a rolled-back test's calendar id comes again: its offers must not
    yield


def make_office(slug: str, name: str):
    office, _ = office_ensure(slug=slug, name=name, caller_id_number="+12025550100", callback_number="+12025550143")
    return office


@pytest.fixture
def office(db):
    return make_office("north", "North Insurance")


@pytest.fixture
def other_office(db):
    return make_office("south", "South Finance")


@pytest.fixture
def supervisor(office):
    user, _ = member_ensure(
        office=office, email="alice@north.example", role=Membership.Role.SUPERVISOR, password=PASSWORD
    )
    return user


@pytest.fixture
def colleague(office):
    user, _ = member_ensure(office=office, email="bob@north.example", password=PASSWORD)
    return user


@pytest.fixture
def outsider(other_office):
    user, _ = member_ensure(office=other_office, email="charlie@south.example", password=PASSWORD)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer(office):
    return Customer.objects.create(office=office, first_name="Maria", last_name="Lopez", phone="+12025550143")


@pytest.fixture
def call(office, customer):
    return Call.objects.create(office=office, customer=customer, to_number=customer.phone)


@pytest.fixture
def script(office):
    return Script.objects.create(office=office, name="Annual review")


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, tmp_path_factory):
    """daphne serving issetter.asgi on a free port, sharing the test database."""
    port = free_port()
    log: Path = tmp_path_factory.mktemp("daphne") / "daphne.log"
    server = start(["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "issetter.asgi:application"], log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
