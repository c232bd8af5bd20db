"""Script tests: a run splits its people between two scripts (by customer), the Reports page compares their
booking rates with a 95% interval for the difference, and one click makes the winner the office's default."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from calls.dialer import dial_run_begin
from calls.models import Call, DialRun
from callscripts.models import Script
from customers.models import Customer
from reports.script_tests import Arm, difference_interval, wilson
from tests.conftest import client_for


def test_the_run_gives_half_its_people_the_other_script(office, colleague):
    a = Script.objects.create(office=office, name="Short")
    b = Script.objects.create(office=office, name="Friendly")
    run = dial_run_begin(office=office, script=a, variant_script=b, started_by=colleague)
    heard = {run.script_for(customer_id).name for customer_id in range(1, 11)}
    assert heard == {"Short", "Friendly"}
    assert [run.script_for(n).name for n in (2, 3)] == ["Short", "Friendly"]
    assert DialRun.objects.get(pk=run.pk).variant_script == b


def test_the_queue_page_starts_a_script_test(colleague, office, customer):
    from calls.queue_services import queue_add_customer

    a = Script.objects.create(office=office, name="Short")
    b = Script.objects.create(office=office, name="Friendly")
    queue_add_customer(office=office, customer=customer, added_by=colleague)
    client = client_for(colleague)
    assert "Test against" in client.get(reverse("calls:queue")).text
    client.post(reverse("calls:queue_call"), {"script": a.pk, "variant_script": b.pk})
    run = DialRun.objects.get()
    assert (run.script, run.variant_script) == (a, b)


def test_wilson_and_newcombe_give_the_textbook_intervals():
    low, high = wilson(81, 263)  # Newcombe (1998), example: 0.2553 to 0.3662
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = difference_interval(Arm(1, "a", 80, 48), Arm(2, "b", 70, 56))  # Newcombe's: 56/70 − 48/80
    assert (round(low, 2), round(high, 2)) == (5.24, 33.39)


@pytest.fixture
def finished_test(office, colleague):
    a = Script.objects.create(office=office, name="Short", is_default=True)
    b = Script.objects.create(office=office, name="Friendly")
    run = DialRun.objects.create(office=office, script=a, variant_script=b, started_by=colleague, status="completed")
    number = 0
    for script, answered, booked in ((a, 40, 4), (b, 40, 16)):
        for n in range(answered):
            number += 1
            person = Customer.objects.create(office=office, first_name=f"P{number}", phone=f"+1202555{number:04d}")
            Call.objects.create(office=office, customer=person, to_number=person.phone, dial_run=run, script=script,
                                status="ended", answered_by="human", outcome="booked" if n < booked else "declined")  # fmt: skip
    return run, a, b


def test_the_report_names_the_winner_and_one_click_makes_it_the_default(colleague, office, finished_test):
    run, a, b = finished_test
    today = dt.date.today()
    params = {"start": (today - dt.timedelta(days=1)).isoformat(), "end": (today + dt.timedelta(days=1)).isoformat()}
    client = client_for(colleague)
    page = client.get(reverse("reports:index"), params)
    test = page.context["script_tests"][0]
    assert (test.a.rate_points, test.b.rate_points) == (10, 40)
    assert test.winner == test.b and 10 < test.low < 30 < test.high < 50
    assert "Friendly books more than Short: 30 points (95% interval" in page.text
    assert "Make Friendly the default" in page.text and "Make Short the default" not in page.text
    client.post(reverse("reports:promote", args=[run.pk, b.pk]))
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.is_default and not a.is_default


def test_too_few_calls_make_no_winner(colleague, office):
    a = Script.objects.create(office=office, name="Short")
    b = Script.objects.create(office=office, name="Friendly")
    low, high = difference_interval(Arm(a.pk, "Short", 5, 1), Arm(b.pk, "Friendly", 5, 2))
    assert low < 0 < high


def test_a_script_outside_the_test_cannot_be_promoted(colleague, office, finished_test):
    run, a, b = finished_test
    other = Script.objects.create(office=office, name="Other")
    assert client_for(colleague).post(reverse("reports:promote", args=[run.pk, other.pk])).status_code == 404
