"""The dialer and listener when things go wrong: the switch restarts in the middle of a run, and two
workers race for the same queue. Nobody is dialed twice; nothing stays in progress."""

import re
import threading
import time

import pytest
from django.db import connection

from calls.dialer import dial_run_drive, dial_run_set_status, dial_run_start, dial_run_step
from calls.models import Call, DialRun, QueueEntry
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from customers.models import Customer
from phonify.personas import Persona
from tests.calls.dialing_helpers import ListenerThread, customers_for, fast_policy, pinned_now, start_switch


def people(count: int, **persona) -> list[Persona]:
    return [Persona(name=f"p{n}", number=f"+1202555{2000 + n:04d}", **persona) for n in range(count)]


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_switch_restart_mid_run_loses_no_call_and_dials_nobody_twice(settings, office):
    humans = people(10, rings=1, hangup_after=150)  # 3 s calls at this time scale
    runner = start_switch(humans)
    port = runner.switch.port
    settings.FREESWITCH_ESL_PORT = port
    fast_policy(office, max_concurrent_calls=5)
    customers_for(office, humans)
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    listener = ListenerThread().start()
    run = dial_run_start(office=office)

    def drive():
        try:
            with telephony_open() as telephony:
                dial_run_drive(run=run, telephony=telephony, now=pinned_now, seconds=60, idle=0.1)
        finally:
            connection.close()

    driver = threading.Thread(target=drive)
    driver.start()
    try:
        wait_for(lambda: Call.objects.filter(status="answered").count() == 5)
        runner.stop()  # the switch goes away with five calls up
        runner = start_switch(humans, port=port)  # and comes back, knowing nothing of them
        wait_for(lambda: listener.listener.connections >= 2)
        driver.join(timeout=60)
        run.refresh_from_db()
        if run.status == DialRun.Status.PAUSED:  # the dialer met the switch while it was down
            assert "Switch unavailable" in run.status_reason
            # resumed here, not handed to the worker as `dial_run_resume` does: the worker's calling rules
            # run on the real clock, and at night in New York they would hold everyone back
            dial_run_set_status(run=run, status=DialRun.Status.RUNNING)
            with telephony_open() as telephony:
                dial_run_drive(run=run, telephony=telephony, now=pinned_now, seconds=60, idle=0.1)
        wait_for(lambda: not Call.objects.exclude(status="ended").exists())
    finally:
        listener.stop()
        runner.stop()

    calls_per_customer = [Call.objects.filter(customer=customer).count() for customer in Customer.objects.all()]
    assert calls_per_customer == [1] * 10
    lost = Call.objects.filter(flagged=True)
    assert lost.count() == 5 and all("no longer had this call" in call.flag_reason for call in lost)
    assert set(lost.values_list("outcome", flat=True)) == {"hung_up"}
    assert Call.objects.filter(flagged=False, hangup_cause="NORMAL_CLEARING").count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_queue_dial_each_customer_once(settings, office):
    humans = people(20, rings=1, hangup_after=25)
    runner = start_switch(humans)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    fast_policy(office, max_concurrent_calls=40, calls_per_second=50)
    customers_for(office, humans)
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    runs = [dial_run_start(office=office), dial_run_start(office=office)]
    start = threading.Barrier(2)
    placed = []

    def worker(run):
        try:
            with telephony_open() as telephony:
                start.wait()
                for _ in range(3):
                    placed.append(dial_run_step(run=run, telephony=telephony, now=pinned_now).originated)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    runner.stop()
    assert sum(placed) == 20
    assert sorted(Call.objects.values_list("to_number", flat=True)) == sorted(h.number for h in humans)


@pytest.mark.django_db(transaction=True)
def test_too_many_failures_pause_the_run_and_say_why(settings, office):
    unknown = people(15, answer="invalid")
    runner = start_switch(unknown)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    # Paced so the listener records failures as they happen (a burst could place everyone before the first ends).
    fast_policy(office, max_concurrent_calls=5, calls_per_second=5, failure_rate_pause_percent=50)
    customers_for(office, unknown)
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    listener = ListenerThread().start()
    try:
        with telephony_open() as telephony:
            run = dial_run_drive(run=dial_run_start(office=office), telephony=telephony, now=pinned_now, idle=0.1)
    finally:
        listener.stop()
        runner.stop()
    assert run.status == DialRun.Status.PAUSED
    failed = re.search(r"(\d+) of the last (\d+) calls failed", run.status_reason)
    assert failed and failed[1] == failed[2] and int(failed[1]) >= 10 and "resume" in run.status_reason
    placed = Call.objects.count()
    assert placed < 15  # the rest were not dialed into a broken line
    assert QueueEntry.objects.filter(status="waiting", reason="manual").count() == 15 - placed


@pytest.mark.django_db(transaction=True)
def test_a_call_longer_than_the_office_allows_is_hung_up_and_flagged(settings, office):
    talker = people(1, rings=1, hangup_after=5000)  # 100 s at this time scale
    runner = start_switch(talker)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    fast_policy(office, max_call_seconds=1)
    customers_for(office, talker)
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    listener = ListenerThread().start()
    try:
        with telephony_open() as telephony:
            run = dial_run_drive(
                run=dial_run_start(office=office), telephony=telephony, now=pinned_now, seconds=20, idle=0.1
            )
    finally:
        listener.stop()
        runner.stop()
    (call,) = Call.objects.all()
    assert run.status == DialRun.Status.COMPLETED
    assert (call.status, call.hangup_cause, call.flagged) == ("ended", "ALLOTTED_TIMEOUT", True)
    assert call.flag_reason == "Longer than 1 s: hung up." and 1 <= call.billsec <= 4


@pytest.mark.django_db(transaction=True)
def test_an_answered_call_is_forked_to_the_agent_with_its_ids(settings, office):
    import asyncio
    import json

    from calls.fork_secret import fork_secret_for
    from calls.telephony.listener import EventListener
    from tests.phonify.conftest import fork_server

    received = []

    async def agent(socket):
        received.append(await socket.recv())
        await asyncio.sleep(0.2)

    agent_port = fork_server(agent)
    person = people(1, rings=1, hangup_after=100)
    runner = start_switch(person)
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    fast_policy(office)
    customers_for(office, person)
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    listener = ListenerThread()
    listener.listener = EventListener(agent_url=f"ws://127.0.0.1:{agent_port}/calls", fresh_call_grace=0.5)
    listener.start()
    try:
        with telephony_open() as telephony:
            dial_run_drive(run=dial_run_start(office=office), telephony=telephony, now=pinned_now, idle=0.1)
    finally:
        listener.stop()
        runner.stop()
    (call,) = Call.objects.all()
    heard = [json.loads(message) for message in received]
    secret = fork_secret_for(call_uuid=str(call.uuid))
    fork = {"call": str(call.uuid), "office": office.pk, "customer": call.customer_id, "secret": secret}
    assert fork in heard  # the fork's metadata, with the call's secret
    assert {"prepare": str(call.uuid), "secret": secret} in heard  # and, while it rang, the word to make its greeting
    assert call.events.filter(subclass="mod_audio_fork::connect").exists()
