"""Campaigns run on their own schedule: the scheduler's rounds, at pinned times, queue the campaign's people and
start runs that dial Phonify over TCP — inside the campaign's days and hours, inside the calling rules in each
person's own zone, never on an office holiday — and its own retry rules win over the office's policy."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from calls.campaign_models import Campaign
from calls.campaigns import campaign_create, campaign_set_status
from calls.dialer import dial_run_drive
from calls.models import Call, DialRun, OfficeHoliday, QueueEntry
from calls.scheduled_dialing import scheduled_dialing_tick
from calls.telephony import telephony_open
from customers.models import ConsentStatus, Customer, Tag
from phonify.personas import Persona
from tests.calls.dialing_helpers import ListenerThread, fast_policy, follow_ups_done, start_switch
from tests.conftest import client_for

NEW_YORK = ZoneInfo("America/New_York")
PEOPLE = [  # (name, number, zone, state): three time zones
    ("Nora", "+12125550101", "America/New_York", "NY"),
    ("Carl", "+13125550102", "America/Chicago", "IL"),
    ("Lena", "+12135550103", "America/Los_Angeles", "CA"),
]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of the week of Tue 24 Nov 2026, in the office's zone (New York)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=NEW_YORK)


def scheduled_round(now: dt.datetime) -> list[DialRun]:
    """One scheduler round at `now`, and each run it started driven to its end with the same clock."""
    runs = scheduled_dialing_tick(now=now)
    with telephony_open() as telephony:
        for run in runs:
            dial_run_drive(run=run, telephony=telephony, now=lambda: now, seconds=60, idle=0.05)
    follow_ups_done()
    return runs


def called() -> list[str]:
    return list(Call.objects.order_by("created_at").values_list("customer__first_name", flat=True))


@pytest.fixture
def line(settings, office):
    """Phonify where everyone is busy (a call ends at once), our listener on it."""
    people = [Persona(name=name, number=number, answer="busy") for name, number, _, _ in PEOPLE]
    people.append(Persona(name="Otto", number="+12125550104", answer="busy"))
    runner = start_switch(people)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    fast_policy(office, ring_timeout_seconds=15, retry_no_answer_minutes=120)
    renewal, _ = Tag.objects.get_or_create(office=office, name="renewal")
    for name, number, zone, state in PEOPLE:
        customer = Customer.objects.create(
            office=office, first_name=name, phone=number, time_zone=zone, state=state,
            consent_status=ConsentStatus.EXPRESS,
        )  # fmt: skip
        customer.tags.add(renewal)
    listener = ListenerThread().start()
    yield runner
    listener.stop()
    runner.stop()


@pytest.mark.django_db(transaction=True)
def test_a_campaign_across_two_days_keeps_calling_hours_in_three_zones_and_a_holiday(line, office, supervisor):
    OfficeHoliday.objects.create(office=office, date=dt.date(2026, 11, 26), name="Thanksgiving")
    campaign = campaign_create(
        office=office, created_by=supervisor, name="Renewals", criteria="tag=renewal", weekdays="0123456",
        start_time=dt.time(7, 0), end_time=dt.time(11, 30), starts_on=dt.date(2026, 11, 24),
        ends_on=dt.date(2026, 11, 26), retry_busy_minutes=None,
    )  # fmt: skip

    assert scheduled_round(at(24, 6, 30)) == []  # before its hours: nothing queued, nothing started
    assert not QueueEntry.objects.exists()

    scheduled_round(at(24, 7, 30))  # its hours, but 7:30 or earlier in every zone: the rules hold all back
    assert called() == []
    held = {entry.customer.first_name: entry for entry in QueueEntry.objects.filter(campaign=campaign)}
    assert set(held) == {"Nora", "Carl", "Lena"} and all(entry.skip_reason for entry in held.values())
    assert held["Lena"].due_at.astimezone(NEW_YORK) == at(24, 11)  # 8 AM in Los Angeles

    scheduled_round(at(24, 8, 30))
    assert called() == ["Nora"]  # 8:30 in New York; 7:30 in Chicago
    scheduled_round(at(24, 9, 5))
    assert called() == ["Nora", "Carl"]
    scheduled_round(at(24, 11, 45))  # 8:45 in Los Angeles, but the campaign's hours are over
    assert called() == ["Nora", "Carl"]
    assert DialRun.objects.filter(campaign=campaign, status=DialRun.Status.RUNNING).count() == 0

    scheduled_round(at(25, 11, 5))  # the next day, 8:05 in Los Angeles
    assert called() == ["Nora", "Carl", "Lena"]

    newcomer = Customer.objects.create(
        office=office, first_name="Otto", phone="+12125550104", time_zone="America/New_York", state="NY",
        consent_status=ConsentStatus.EXPRESS,
    )  # fmt: skip
    newcomer.tags.add(*Customer.objects.get(first_name="Nora").tags.all())
    scheduled_round(at(26, 9))  # Thanksgiving: the newcomer joins the campaign, and waits
    assert called() == ["Nora", "Carl", "Lena"]
    (otto,) = QueueEntry.objects.filter(campaign=campaign, customer=newcomer)
    assert "holiday" in otto.skip_reason

    scheduled_round(at(27, 9))  # its last day is over: finished, and the one still waiting leaves the queue
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED and "last day" in campaign.status_reason
    assert called() == ["Nora", "Carl", "Lena"]
    otto.refresh_from_db()
    assert otto.status == QueueEntry.Status.REMOVED
    # Nobody was called twice, and each call is the campaign's.
    assert Call.objects.filter(dial_run__campaign=campaign).count() == 3

    page = client_for(supervisor).get(reverse("calls:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Finished" in page and "3 of 4 people called, 0 still to call" in page
    assert "Its last day, Thu Nov 26, is over." in page


@pytest.mark.django_db(transaction=True)
def test_a_campaigns_own_retry_rules_win_over_the_offices_and_pause_stops_it(line, office, supervisor):
    campaign = campaign_create(
        office=office, created_by=supervisor, name="Busy lines", criteria="q=Nora", weekdays="0123456",
        start_time=dt.time(8, 0), end_time=dt.time(20, 0), starts_on=dt.date(2026, 11, 24),
        retry_busy_minutes=45, max_attempts=2,
    )  # fmt: skip
    scheduled_round(at(24, 10))
    (first,) = Call.objects.all()
    (retry,) = QueueEntry.objects.filter(reason=QueueEntry.Reason.RETRY)
    assert retry.campaign == campaign  # the campaign dials its retry, in its own hours
    assert retry.due_at == first.ended_at + dt.timedelta(minutes=45)  # the campaign's 45, not the office's 120

    # The switch stamps the call's end on its own (real) clock; the rounds below run on the pinned one.
    QueueEntry.objects.filter(pk=retry.pk).update(due_at=at(24, 11))
    campaign_set_status(campaign=campaign, status=Campaign.Status.PAUSED, reason="Paused by Alice.")
    scheduled_round(at(24, 11, 1))
    assert Call.objects.count() == 1  # paused: no run, no call

    campaign_set_status(campaign=campaign, status=Campaign.Status.ACTIVE)
    scheduled_round(at(24, 11, 2))
    assert Call.objects.count() == 2
    assert not QueueEntry.objects.filter(reason=QueueEntry.Reason.RETRY, status="waiting").exists()  # 2 of 2 made


@pytest.mark.django_db(transaction=True)
def test_a_campaign_does_not_dial_the_offices_other_queue_and_a_staff_run_leaves_its_people_alone(
    line, office, supervisor
):
    from calls.queue_services import queue_add_customer

    campaign = campaign_create(
        office=office, created_by=supervisor, name="Only Carl", criteria="q=Carl", weekdays="0123456",
        start_time=dt.time(8, 0), end_time=dt.time(20, 0), starts_on=dt.date(2026, 11, 24), audience="fixed",
        retry_busy_minutes=None,
    )  # fmt: skip
    queue_add_customer(office=office, customer=Customer.objects.get(first_name="Nora"))
    scheduled_round(at(24, 12))
    assert called() == ["Carl"]  # Nora waits for a person to press "Call queued"
    campaign.refresh_from_db()
    scheduled_round(at(24, 12, 5))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.FINISHED and "Everyone on its list" in campaign.status_reason


@pytest.mark.django_db
def test_another_offices_campaign_alert_and_customer_are_out_of_reach(supervisor, other_office):
    from calls.alert_models import Alert

    theirs = campaign_create(office=other_office, name="Theirs", starts_on=dt.date(2026, 11, 24))
    stranger = Customer.objects.create(office=other_office, first_name="Zed", phone="+12025550999")
    alert = Alert.objects.create(office=other_office, kind=Alert.Kind.PROMISE_MISSED, message="Theirs")
    client = client_for(supervisor)
    assert client.get(reverse("calls:campaign_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("calls:campaign_control", args=[theirs.pk, "cancel"])).status_code == 404
    assert client.post(reverse("calls:alert_resolve", args=[alert.pk])).status_code == 404
    assert client.post(reverse("calls:callback_new", args=[stranger.pk]), {"at": "2031-01-01T10:00"}).status_code == 404
    assert "Theirs" not in client.get(reverse("calls:campaign_list")).content.decode()
    theirs.refresh_from_db()
    alert.refresh_from_db()
    assert theirs.status == Campaign.Status.ACTIVE and alert.resolved_at is None
    assert not QueueEntry.objects.filter(customer=stranger).exists()
