"""The Queue page's dialing controls and what the rules' decisions look like to staff."""

import datetime as dt

import pytest
from django.urls import reverse

from calls.call_record import callback_schedule
from calls.models import Call, DialRun, QueueEntry
from tests.conftest import client_for


@pytest.fixture
def queued(office, customer):
    return QueueEntry.objects.create(office=office, customer=customer)


def test_call_queued_with_the_switch_down_pauses_the_run_and_says_why(
    settings, supervisor, queued, script, django_capture_on_commit_callbacks
):
    from tests.servers import free_port

    settings.FREESWITCH_ESL_PORT = free_port()  # nothing answers there
    client = client_for(supervisor)
    assert "Call queued" in client.get(reverse("calls:queue")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calls:queue_call"), {"script": script.pk}, HTTP_HX_REQUEST="true")
    run = DialRun.objects.get()
    assert (run.script, run.started_by) == (script, supervisor)
    run.refresh_from_db()
    assert run.status == DialRun.Status.PAUSED and "Switch unavailable" in run.status_reason
    page = client.get(reverse("calls:queue")).content.decode()
    assert "Switch unavailable" in page and "Resume" in page
    assert response.status_code == 200 and 'id="live-calls"' in response.content.decode()
    queued.refresh_from_db()
    assert queued.status == QueueEntry.Status.WAITING  # nobody was dialed; the customer still waits


def test_pause_resume_and_cancel_a_run(supervisor, office, django_capture_on_commit_callbacks):
    run = DialRun.objects.create(office=office)
    client = client_for(supervisor)
    client.post(reverse("calls:run_control", args=[run.pk, "pause"]), HTTP_HX_REQUEST="true")
    run.refresh_from_db()
    assert run.status == "paused" and "Paused by alice@north.example" in run.status_reason
    client.post(reverse("calls:run_control", args=[run.pk, "cancel"]))
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at
    assert client.post(reverse("calls:run_control", args=[run.pk, "explode"])).status_code == 404


def test_another_office_cannot_touch_a_run(outsider, office):
    run = DialRun.objects.create(office=office)
    response = client_for(outsider).post(reverse("calls:run_control", args=[run.pk, "cancel"]))
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == "running"


def test_the_profile_says_why_the_rules_held_a_customer_back(supervisor, queued, customer):
    QueueEntry.objects.filter(pk=queued.pk).update(
        skip_reason="Outside calling hours: 22:10 in America/New_York (allowed 08:00–21:00)."
    )
    page = client_for(supervisor).get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "held this customer back" in page and "Outside calling hours: 22:10" in page
    assert "In the" in page and "call queue</a>: waiting" in page  # no second "Add to the call queue"
    assert "Add to the call queue" not in page


def test_a_callback_becomes_a_queue_entry_due_then(call, office):
    at = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
    entry = callback_schedule(call=call, at=at, note="Thursday after three")
    call.refresh_from_db()
    assert call.outcome == Call.Outcome.CALLBACK
    assert (entry.reason, entry.due_at, entry.status, entry.note) == ("callback", at, "waiting", "Thursday after three")


def test_staff_can_see_the_calling_rules_that_apply_to_their_office(colleague, office, other_office):
    import datetime as dt

    from calls.models import CallingRule, OfficeHoliday

    CallingRule.objects.create(office=office, jurisdiction="US", start_local=dt.time(9), end_local=dt.time(19))
    CallingRule.objects.create(office=other_office, jurisdiction="US", start_local=dt.time(11), end_local=dt.time(12))
    OfficeHoliday.objects.create(office=office, date=dt.date.today() + dt.timedelta(days=3), name="Staff day")
    page = client_for(colleague).get(reverse("calls:calling_rules")).content.decode()
    assert "Express consent" in page and "at most 2 a day" in page
    assert "Customers in FL" in page and "08:00–20:00" in page  # a seeded state rule
    assert "Sunday" in page and "no calls" in page  # AL/LA/MS
    assert "This office" in page and "09:00–19:00" in page
    assert "11:00–12:00" not in page  # another office's rule stays there
    assert "Staff day" in page
