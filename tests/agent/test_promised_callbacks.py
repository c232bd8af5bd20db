"""Promises kept: a callback the agent promised on one call is dialed at the promised time by the scheduler,
nobody pressing a button — once, however many rounds and runs look at it; one the switch could not make raises
an alert the profile shows, which resolves itself once the call is made."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from calls.alert_models import Alert
from calls.dialer import dial_run_drive, dial_run_start
from calls.models import Call, DialRun, QueueEntry
from calls.scheduled_dialing import scheduled_dialing_tick
from calls.tasks import dial_run_work
from calls.telephony import telephony_open
from phonify.personas import Persona, Turn
from tests.agent.whole_system import dial_all, whole_system
from tests.calls.dialing_helpers import PINNED, follow_ups_done
from tests.conftest import client_for

NEW_YORK = ZoneInfo("America/New_York")
PROMISED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)  # "tomorrow at 10" on Tue 24 Nov at 10:00
RITA = Persona(
    name="rita", number="+12025550207", first_name="Rita",
    turns=(Turn(say="Yes, speaking."), Turn(say="I'm driving. Can you call me back tomorrow at 10 AM?")),
)  # fmt: skip


def worker_round(now: dt.datetime) -> list[DialRun]:
    """A scheduler round, each run it started handed to the worker's task (here, in this thread)."""
    runs = scheduled_dialing_tick(now=now)
    for run in runs:
        dial_run_work(run.pk)
    return runs


def drive(runs: list[DialRun], now: dt.datetime) -> None:
    with telephony_open() as telephony:
        for run in runs:
            dial_run_drive(run=run, telephony=telephony, now=lambda: now, seconds=60, idle=0.1)


class Clock:
    """The agent's clock: Tuesday at ten for the first call, then wherever the test moves it."""

    def __init__(self) -> None:
        self.now = PINNED

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def promised(settings, office, script, clock):
    """Rita asked, on a first call, to be called back tomorrow at 10."""
    with whole_system(settings, office, script, [RITA], clock=clock) as runner:
        dial_all(office, seconds=60)
        yield runner


@pytest.mark.django_db(transaction=True)
def test_a_callback_promised_on_a_call_is_dialed_at_the_promised_time_once(promised, clock, office, supervisor):
    (first,) = Call.objects.all()
    assert first.outcome == Call.Outcome.CALLBACK
    entry = QueueEntry.objects.get(reason=QueueEntry.Reason.CALLBACK, status="waiting")
    assert entry.promised_for == entry.due_at == PROMISED

    assert scheduled_dialing_tick(now=PROMISED - dt.timedelta(minutes=1)) == []  # not before its time
    rounds = [scheduled_dialing_tick(now=PROMISED), scheduled_dialing_tick(now=PROMISED)]
    runs = [run for found in rounds for run in found]
    assert len(runs) == 1 and runs[0].kind == DialRun.Kind.PROMISES  # a second round finds it started
    staff_run = dial_run_start(office=office, started_by=supervisor)  # and someone presses "Call queued" too
    clock.now = PROMISED

    both = [threading.Thread(target=drive, args=([run], PROMISED)) for run in (runs[0], staff_run)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
    follow_ups_done()

    second = Call.objects.exclude(pk=first.pk).get()  # called once for the promise, not twice
    assert second.queue_entry_id == entry.pk
    entry.refresh_from_db()
    assert entry.status == QueueEntry.Status.DONE
    assert second.turns.filter(speaker="callee", text__icontains="speaking").exists()  # Rita heard the agent
    assert not Alert.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_promise_the_switch_could_not_keep_raises_an_alert_on_the_profile_until_it_is_kept(
    promised, clock, settings, office, supervisor
):
    entry = QueueEntry.objects.get(reason=QueueEntry.Reason.CALLBACK, status="waiting")
    port = settings.FREESWITCH_ESL_PORT
    settings.FREESWITCH_ESL_PORT = 1  # the switch is down at ten
    (run,) = worker_round(PROMISED)  # the worker's task cannot reach the switch
    run.refresh_from_db()
    assert run.status == DialRun.Status.PAUSED and "Switch unavailable" in run.status_reason

    worker_round(PROMISED + dt.timedelta(minutes=5))  # each round tries the line again
    assert not Alert.objects.exists()  # a few minutes late is not yet a missed promise
    worker_round(PROMISED + dt.timedelta(minutes=11))
    worker_round(PROMISED + dt.timedelta(minutes=12))
    (alert,) = Alert.objects.all()  # one alert, however many rounds saw it
    assert alert.customer == entry.customer and "Wed Nov 25, 10:00 AM" in alert.message
    assert "Switch unavailable" in alert.message

    client = client_for(supervisor)
    profile = client.get(reverse("customers:detail", args=[entry.customer.pk])).content.decode()
    assert alert.message.split(":")[0] in profile
    dashboard = client.get(reverse("home")).content.decode()
    assert "Alerts to act on" in dashboard

    settings.FREESWITCH_ESL_PORT = port  # the line is back: the next round keeps the promise, late
    clock.now = PROMISED + dt.timedelta(minutes=13)
    drive(scheduled_dialing_tick(now=PROMISED + dt.timedelta(minutes=13)), PROMISED + dt.timedelta(minutes=13))
    follow_ups_done()
    assert Call.objects.filter(queue_entry=entry).count() == 1
    scheduled_dialing_tick(now=PROMISED + dt.timedelta(minutes=14))
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    run.refresh_from_db()
    assert run.status == DialRun.Status.CANCELLED  # the paused run was superseded by the round that made the call
