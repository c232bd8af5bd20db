"""Phonify, the switch, killed (SIGKILL) mid-run with four calls up and started again on the same port, knowing
nothing of them: the real `manage.py phonify`, `telephony_events` and `dial --wait` processes against a
PostgreSQL of the test's own. The listener reconnects with backoff and ends the four lost calls, flagged with
a reason a person understands; their customers are not left `calling`; the run places the four calls it had
left once the switch is back, each person dialed once."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import stop, wait_until
from tests.faults.run_scene import calls_recorded, count, dialer_start, people, prepare, rows, switch_start
from tests.servers import free_port, start

pytestmark = pytest.mark.faults

# Four calls at once: the first four are still talking when the switch dies; the last four come after.
PEOPLE = people(60, 60, 60, 60, 1.5, 1.5, 1.5, 1.5)
SWITCH_AWAY_SECONDS = 5  # a restart takes seconds; longer than the listener's grace for calls just placed (5 s)


def test_a_switch_restart_mid_run_ends_the_lost_calls_and_the_run_goes_on(private_postgres, tmp_path):
    db = private_postgres.url
    port = free_port()
    switch_logs = [tmp_path / "phonify-1.log", tmp_path / "phonify-2.log"]
    listener_log, dial_log = tmp_path / "listener.log", tmp_path / "dial.log"
    env = {"DATABASE_URL": db, "FREESWITCH_ESL_PORT": str(port), "AGENT_URL": "", "REDIS_URL": ""}
    records = [tmp_path / "calls-1", tmp_path / "calls-2"]  # the calls each switch ended, one file per call
    switch = switch_start(port, PEOPLE, tmp_path, switch_logs[0], records[0])
    listener = dialer = None
    try:
        prepare(env, PEOPLE, concurrent=4)
        wait_until(lambda: "Phonify listening" in switch_logs[0].read_text(), 30, "Phonify to start", switch_logs[0])
        listener = start(["manage.py", "telephony_events"], listener_log, env)
        wait_until(lambda: "connected (connection 1)" in listener_log.read_text(), 30, "the listener", listener_log)
        dialer = dialer_start(env, dial_log)
        answered = "select count(*) from calls_call where status = 'answered'"
        wait_until(lambda: count(db, answered) == 4, 30, "four calls answered", dial_log)

        switch.kill()  # the switch dies with four calls up
        switch.wait(timeout=10)
        time.sleep(SWITCH_AWAY_SECONDS)
        switch = switch_start(port, PEOPLE, tmp_path, switch_logs[1], records[1])  # same port, knowing nothing

        assert dialer.wait(timeout=60) == 0, dial_log.read_text() + listener_log.read_text()
        assert listener.poll() is None, listener_log.read_text()
    finally:
        for process in (dialer, listener, switch):
            if process is not None:
                stop(process)

    output = listener_log.read_text()
    assert "switch unavailable" in output and "connected (connection 2)" in output  # it came back by itself
    assert rows(db, "select status from calls_dialrun") == [("completed",)]
    calls = {
        number: rest
        for number, *rest in rows(
            db,
            "select to_number, status, outcome, flagged, flag_reason, hangup_cause, cdr::text, answered_by, uuid::text"
            " from calls_call",
        )
    }
    assert sorted(calls) == sorted(p.number for p in PEOPLE)  # each person dialed once
    assert calls_recorded(records[0]) == {}  # the first switch died with its four calls up
    # the new switch was asked for the other four only, once each, as the calls we recorded
    assert calls_recorded(records[1]) == {p.number: calls[p.number][-1] for p in PEOPLE[4:]}
    assert {rest[0] for rest in calls.values()} == {"ended"}
    for person in PEOPLE[:4]:  # lost with the switch: ended, flagged with why
        status, outcome, flagged, reason, cause, cdr, answered_by, _ = calls[person.number]
        assert (outcome, flagged, cause, cdr, answered_by) == ("hung_up", True, "", "{}", "human")
        assert "restarted" in reason, reason
    for person in PEOPLE[4:]:  # placed on the new switch: their real end, with the CDR
        status, outcome, flagged, reason, cause, cdr, answered_by, _ = calls[person.number]
        assert (outcome, flagged, cause, answered_by) == ("hung_up", False, "NORMAL_CLEARING", "human")
        assert cdr != "{}"
    assert rows(db, "select distinct status from calls_queueentry") == [("done",)]  # nobody left calling
    profiles = rows(db, "select attempt_count, answered_count, last_outcome from customers_customer")
    assert profiles == [(1, 1, "hung_up")] * len(PEOPLE)
