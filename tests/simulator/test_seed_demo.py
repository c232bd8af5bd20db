from io import StringIO

from django.core.management import call_command
from django.test import Client

from calendars.models import CalendarAccount
from callscripts.models import Script
from customers.models import Customer
from issetter.models import Office


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_office_and_prints_a_working_login(db):
    output = seed()
    assert "demo@example.com / demo-appointments" in output
    office = Office.objects.get(slug="demo")
    assert Customer.objects.filter(office=office).count() == 5
    assert Script.objects.filter(office=office, is_default=True).count() == 1
    assert CalendarAccount.objects.filter(office=office, provider="local").count() == 1
    client = Client()
    assert client.login(username="demo@example.com", password="demo-appointments")
    assert "Demo Insurance" in client.get("/").text


def test_it_is_idempotent(db):
    seed()
    seed()
    assert Office.objects.filter(slug="demo").count() == 1
    assert Customer.objects.count() == 5
    assert Script.objects.count() == 1
    assert CalendarAccount.objects.count() == 1
