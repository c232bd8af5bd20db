"""People and offices built in code: a supervisor and a colleague in one office, an outsider in another; and the
colleague's Outlook calendar, on the local Entra ID + Graph server (`microsoft`, `outlook`, `short_limits`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from calendars.models import CalendarAccount
from calls.models import Call
from callscripts.models import Script
from customers.models import Customer
from issetter.models import Membership
from issetter.services import member_ensure, office_ensure
from tests.calendars.fakes.microsoft import FakeMicrosoft
from tests.calendars.fakes.tls import ca_pem_path
from tests.servers import free_port, start, wait_for_http

PASSWORD = "correct horse battery staple"
TENANT = "contoso-tenant"  # the fake Entra ID tenant the app signs in to
SHORT_READ_TIMEOUT = 1.0  # what `short_limits` sets
SHORT_DEADLINE = 1.0


def pytest_collection_modifyitems(config, items):
    """CI runs the suite twice, on PostgreSQL and on SQLite; what touches no database of the run is the same
    both times, so it runs in the SQLite phase only (about five minutes of CI)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    once = pytest.mark.skip(reason="touches no database of the run: runs in the SQLite phase")
    simulated = pytest.mark.skip(reason="its cost is simulated calls in a database of their own: SQLite phase only")
    for item in items:
        if item.get_closest_marker("database_free"):
            item.add_marker(once)
        elif item.get_closest_marker("simulates"):
            item.add_marker(simulated)


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


@pytest.fixture
def short_limits(settings):
    """Calendar calls give up fast: a 1 s connect and read timeout, a 1 s booking deadline, 5 s of Retry-After."""
    settings.CALENDAR_CONNECT_TIMEOUT_SECONDS = 1.0
    settings.CALENDAR_READ_TIMEOUT_SECONDS = SHORT_READ_TIMEOUT
    settings.CALENDAR_BOOKING_DEADLINE_SECONDS = SHORT_DEADLINE
    settings.CALENDAR_RETRY_SECONDS = 5


@pytest.fixture
def microsoft(settings):
    """The local Entra ID + Microsoft Graph server (HTTPS), and the settings that point the app at it."""
    with FakeMicrosoft() as fake:
        settings.MICROSOFT_CLIENT_ID, settings.MICROSOFT_CLIENT_SECRET = fake.client_id, fake.client_secret
        settings.MICROSOFT_AUTHORITY_HOST, settings.MICROSOFT_TENANT = fake.base, TENANT
        settings.MICROSOFT_GRAPH_URL = fake.graph_base
        settings.CALENDAR_CA_BUNDLE = ca_pem_path()
        yield fake


def microsoft_connect(client, fake: FakeMicrosoft):
    """Press "Connect Outlook calendar", sign in at Microsoft, come back."""
    started = client.get(reverse("calendars:connect", args=["microsoft"]))
    assert started.status_code == 302 and started["Location"].startswith(f"{fake.base}/{TENANT}/oauth2/v2.0/authorize")
    delivered = fake.sign_in(started["Location"])
    return client.get(reverse("calendars:connect_done", args=["microsoft"]), delivered)


@pytest.fixture
def outlook(microsoft, colleague) -> CalendarAccount:
    """The colleague's Outlook calendar, connected."""
    microsoft_connect(client_for(colleague), microsoft)
    return CalendarAccount.objects.get(provider="microsoft")


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
