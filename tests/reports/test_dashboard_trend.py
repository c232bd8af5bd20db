"""The dashboard opens with the few figures that matter — the week's bookings and booking rate beside the week
before, alerts, today's calls and bookings — and keeps the rest one click away."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from calls.models import Call
from customers.models import Customer
from tests.conftest import client_for


def booked_days_ago(office, number: int, days: int, outcome: str = "booked") -> None:
    person = Customer.objects.create(office=office, first_name=f"P{number}", phone=f"+1202555{number:04d}")
    call = Call.objects.create(office=office, customer=person, to_number=person.phone, status="ended",
                               outcome=outcome, answered_by="human", billsec=60)  # fmt: skip
    Call.objects.filter(pk=call.pk).update(created_at=timezone.now() - dt.timedelta(days=days, hours=1))


def test_it_leads_with_the_week_beside_the_week_before(colleague, office):
    booked_days_ago(office, 1, 1)
    booked_days_ago(office, 2, 2)
    booked_days_ago(office, 3, 3, outcome="declined")
    booked_days_ago(office, 4, 9)
    page = client_for(colleague).get(reverse("home")).text
    lead = page[page.index('class="figures lead-figures"') : page.index('class="more-figures"')]
    assert "Booked, last 7 days" in lead and "↑ 1 on the 7 days before" in lead
    assert "66.7%" in lead and "↓ 33.3 points on the 7 days before" in lead
    assert "Alerts to act on" in lead and "Calls today" in lead
    assert "Voicemails left today" not in lead and "Voicemails left today" in page


def test_a_new_office_has_nothing_to_compare_with(colleague):
    page = client_for(colleague).get(reverse("home")).text
    assert "nothing to compare with yet" in page
