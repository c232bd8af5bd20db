"""The value report against a known set of calls: cost, cost per booking, staff hours taken over and the
bookings' value, with each figure's sum shown; the period is the office's own days; only supervisors change the
assumptions; the one-page summary prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from calls.models import Call
from customers.models import Customer
from reports.models import CostSettings
from reports.value import period_of, value_report
from tests.conftest import client_for

EASTERN = dt.timezone(dt.timedelta(hours=-5))  # the office's zone in January


def a_call(office, number: int, when: dt.datetime, *, billsec: int, duration: int, outcome: str) -> Call:
    person = Customer.objects.create(office=office, first_name=f"P{number}", phone=f"+1202555{number:04d}")
    call = Call.objects.create(
        office=office,
        customer=person,
        to_number=person.phone,
        status=Call.Status.ENDED,
        outcome=outcome,
        billsec=billsec,
        duration_seconds=duration,
        answered_at=when if billsec else None,
    )
    Call.objects.filter(pk=call.pk).update(created_at=when)
    return call


@pytest.fixture
def january(office, other_office):
    CostSettings.objects.create(
        office=office,
        trunk_cost_per_minute=Decimal("0.01"),
        trunk_billing_seconds=60,
        voice_cost_per_hour=Decimal("1.20"),
        voice_cost_per_call=Decimal("0.02"),
        staff_hourly_cost=Decimal("30"),
        staff_seconds_per_attempt=30,
        kept_appointment_value=Decimal("150"),
        show_rate_percent=80,
    )
    a_call(office, 1, dt.datetime(2027, 1, 4, 10, 0, tzinfo=EASTERN), billsec=61, duration=75, outcome="booked")
    a_call(office, 2, dt.datetime(2027, 1, 5, 23, 30, tzinfo=EASTERN), billsec=30, duration=40, outcome="callback")
    a_call(office, 3, dt.datetime(2027, 1, 4, 0, 10, tzinfo=EASTERN), billsec=0, duration=25, outcome="no_answer")
    a_call(office, 4, dt.datetime(2027, 1, 6, 0, 30, tzinfo=EASTERN), billsec=600, duration=620, outcome="booked")
    a_call(other_office, 5, dt.datetime(2027, 1, 4, 11, 0, tzinfo=EASTERN), billsec=300, duration=320, outcome="booked")
    return period_of(office=office, first_day=dt.date(2027, 1, 4), last_day=dt.date(2027, 1, 5))


def test_it_adds_up_a_known_set_of_calls(office, january):
    report = value_report(office=office, period=january)
    assert (report.calls, report.answered, report.bookings) == (3, 2, 1)
    assert report.talk_minutes == Decimal("1.52")  # 91 s
    assert report.billed_minutes == Decimal("3.00")  # 2 whole minutes + 1
    assert report.trunk_cost == Decimal("0.03")
    assert report.voice_cost == Decimal("0.09")  # 91 s × 1.20 an hour + 3 calls × 0.02
    assert report.total_cost == report.cost_per_booking == Decimal("0.12")
    assert report.staff_hours == Decimal("0.06")  # (91 talk + 49 ringing + 3 × 30) s
    assert report.staff_cost == Decimal("1.80")
    assert report.bookings_value == Decimal("120.00")  # 1 × 80 % × 150
    assert report.net_value == Decimal("121.68")


def test_billing_in_six_second_steps_bills_less(office, january):
    CostSettings.objects.filter(office=office).update(trunk_billing_seconds=6)
    assert value_report(office=office, period=january).billed_minutes == Decimal("1.60")  # 66 s + 30 s


def test_the_page_shows_each_figure_with_its_sum(colleague, january):
    page = client_for(colleague).get(reverse("reports:value"), {"start": "2027-01-04", "end": "2027-01-05"}).text
    assert "121.68 USD" in page and "0.12 USD" in page
    assert "3.00 billed minutes (in steps of 60 s) × 0.0100 USD a minute" in page
    assert "1 bookings × 80% kept × 150.00 USD" in page
    assert "Your office's supervisors change these." in page


def test_only_a_supervisor_changes_the_assumptions(colleague, supervisor, office, january):
    fields = {
        "currency": "eur",
        "trunk_cost_per_minute": "0.02",
        "trunk_billing_seconds": "60",
        "voice_cost_per_hour": "0",
        "voice_cost_per_call": "0",
        "staff_hourly_cost": "40",
        "staff_seconds_per_attempt": "30",
        "kept_appointment_value": "200",
        "show_rate_percent": "50",
    }
    assert client_for(colleague).post(reverse("reports:costs_update"), fields).status_code == 403
    answer = client_for(supervisor).post(reverse("reports:costs_update") + "?start=2027-01-04&end=2027-01-05", fields)
    assert answer["Location"].endswith("?start=2027-01-04&end=2027-01-05")
    report = value_report(office=office, period=january)
    assert (report.costs.currency, report.bookings_value) == ("EUR", Decimal("100.00"))
    refused = client_for(supervisor).post(
        reverse("reports:costs_update"), {**fields, "show_rate_percent": "150"}, follow=True
    )
    assert "Cost settings not saved" in refused.text and "less than or equal to 100" in refused.text


def test_the_summary_prints_on_one_page(colleague, january):
    page = client_for(colleague).get(reverse("reports:value_summary"), {"start": "2027-01-04", "end": "2027-01-05"})
    assert "print_summary.css" in page.text and "0.12 USD</span> cost per booking" in page.text
    assert "4 January 2027 to 5 January 2027" in page.text


def test_another_office_sees_only_its_own_calls(outsider, january):
    page = client_for(outsider).get(reverse("reports:value"), {"start": "2027-01-04", "end": "2027-01-05"}).text
    assert '<th scope="row">Bookings</th>\n          <td class="num">1</td>' in page


def test_a_period_without_bookings_has_no_cost_per_booking(colleague, office):
    page = client_for(colleague).get(reverse("reports:value"), {"start": "2026-01-01", "end": "2026-01-31"}).text
    assert "cost ÷ bookings = no bookings" in page
    assert '<td class="num">—</td>' in page
