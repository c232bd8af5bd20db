"""The telephony listener killed (SIGKILL) mid-run and started again: the real `telephony_events` process, a
run driven by `manage.py dial --wait`, Phonify over TCP and a PostgreSQL of the test's own. Two calls hang up
while no listener runs, two are still up when it returns. Every call ends in the database — the two it never
heard end are reconciled, flagged with why, and count as answered on the profile; the two still up end
with their real CDR — nobody is dialed twice, nobody is left `calling`, and the run goes on to complete."""

from __future__ import annotations

import time

import pytest

from tests.calls.dialing_helpers import start_switch
from tests.faults.conftest import stop, wait_until
from tests.faults.run_scene import count, dialer_start, people, prepare, rows
from tests.servers import start

pytestmark = pytest.mark.faults

# Four calls at once. The first two hang up while the listener is dead, the next two after it is back;
# the last four are placed only once the run has free lines again, i.e. after the listener reconciled.
PEOPLE = people(2, 2, 16, 16, 1.5, 1.5, 1.5, 1.5)
LISTENER_AWAY_SECONDS = 7  # longer than the listener's grace for calls just placed (5 s)


def test_a_listener_killed_mid_run_loses_no_call_and_the_run_goes_on(private_postgres, tmp_path):
    db = private_postgres.url
    switch = start_switch(PEOPLE)
    env = {
        "DATABASE_URL": db,
        "FREESWITCH_ESL_PORT": str(switch.switch.port),
        "AGENT_URL": "",  # no agent: answered calls go on until the callee hangs up
        "REDIS_URL": "",
    }
    prepare(env, PEOPLE, concurrent=4)
    first_log, second_log, dial_log = tmp_path / "listener-1.log", tmp_path / "listener-2.log", tmp_path / "dial.log"
    listener = start(["manage.py", "telephony_events"], first_log, env)
    dialer = None
    try:
        wait_until(
            lambda: "connected (connection 1)" in first_log.read_text(), 30, "the listener to connect", first_log
        )
        dialer = dialer_start(env, dial_log)
        answered = "select count(*) from calls_call where status = 'answered'"
        wait_until(lambda: count(db, answered) == 4, 30, "four calls answered", dial_log)

        listener.kill()  # SIGKILL: no goodbye, whatever it was doing is cut off
        listener.wait(timeout=10)
        killed_at = time.monotonic()
        first_two = {PEOPLE[0].number, PEOPLE[1].number}

        def first_two_hung_up() -> bool:
            channels = list(switch.switch.channels.values())
            return sum(channel.number in first_two and not channel.alive for channel in channels) == 2

        wait_until(first_two_hung_up, 30, "the first two callees to hang up on the switch")
        assert count(db, "select count(*) from calls_call where status = 'ended'") == 0  # nobody heard them
        time.sleep(max(0.0, LISTENER_AWAY_SECONDS - (time.monotonic() - killed_at)))

        listener = start(["manage.py", "telephony_events"], second_log, env)
        assert dialer.wait(timeout=60) == 0, dial_log.read_text() + second_log.read_text()
        assert listener.poll() is None, second_log.read_text()
    finally:
        stop(listener)
        if dialer is not None:
            stop(dialer)
        switch.stop()

    assert "completed" in dial_log.read_text()
    assert rows(db, "select status, status_reason from calls_dialrun") == [("completed", "")]
    calls = {
        number: rest
        for number, *rest in rows(
            db,
            "select to_number, status, outcome, flagged, flag_reason, hangup_cause, cdr::text, answered_by"
            " from calls_call",
        )
    }
    assert sorted(calls) == sorted(p.number for p in PEOPLE)  # each person dialed once
    dialed = sorted(channel.number for channel in switch.switch.channels.values())
    assert dialed == sorted(p.number for p in PEOPLE)  # and the switch was asked once for each
    assert {rest[0] for rest in calls.values()} == {"ended"}
    for person in PEOPLE[:2]:  # hung up while nobody listened: ended on the listener's return, flagged
        status, outcome, flagged, reason, cause, cdr, answered_by = calls[person.number]
        assert (outcome, flagged, cause, cdr, answered_by) == ("hung_up", True, "", "{}", "human")
        assert "listener" in reason and "not heard" in reason, reason
    for person in PEOPLE[2:]:  # still up when it came back, or placed after: their real end, with the CDR
        status, outcome, flagged, reason, cause, cdr, answered_by = calls[person.number]
        assert (outcome, flagged, cause, answered_by) == ("hung_up", False, "NORMAL_CLEARING", "human")
        assert cdr != "{}"
    assert rows(db, "select distinct status from calls_queueentry") == [("done",)]  # nobody left calling
    profiles = rows(db, "select attempt_count, answered_count, last_outcome from customers_customer")
    assert profiles == [(1, 1, "hung_up")] * len(PEOPLE)
    assert "reconciled" in second_log.read_text()
