"""The telephony listener while PostgreSQL restarts under it, mid-run: the real `telephony_events` process,
Phonify over TCP, and a PostgreSQL of the test's own stopped for a few seconds while calls are answered and
hang up. No call is lost, nobody is dialed twice, nobody is left `calling`, and the switch connection
stays up throughout."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg
import pytest

from tests.calls.dialing_helpers import start_switch
from tests.faults.conftest import stop, wait_until
from tests.faults.listener_scene import PEOPLE
from tests.servers import ROOT, server_env, start

pytestmark = pytest.mark.faults

OUTAGE_SECONDS = 3


def rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        return db.execute(sql).fetchall()


def test_the_listener_rides_out_a_database_restart_mid_run(private_postgres, tmp_path):
    switch = start_switch(PEOPLE)
    env = {
        "DATABASE_URL": private_postgres.url,
        "FREESWITCH_ESL_PORT": str(switch.switch.port),
        "AGENT_URL": "",  # no agent: answered calls go on until the callee hangs up
        "REDIS_URL": "",
    }
    log = tmp_path / "listener.log"
    listener = start(["manage.py", "telephony_events"], log, env)
    try:
        wait_until(lambda: "telephony events: connected" in log.read_text(), 30, "the listener to connect", log)
        dialer = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", "from tests.faults.listener_scene import *; dial_everyone()"],
            cwd=ROOT,
            env={**server_env(), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert dialer.returncode == 0, dialer.stdout + dialer.stderr

        private_postgres.stop()  # a restart: every connection dropped while calls answer and hang up
        time.sleep(OUTAGE_SECONDS)
        private_postgres.start()

        def all_ended() -> bool:
            return rows(private_postgres.url, "select count(*) from calls_call where status <> 'ended'")[0][0] == 0

        wait_until(all_ended, 40, "every call to end", log)
        assert listener.poll() is None, log.read_text()  # the listener lived through it
    finally:
        stop(listener)
        switch.stop()

    output = log.read_text()
    assert "database unavailable" in output  # it did meet the outage
    assert "connected (connection 2)" not in output  # and kept its switch connection all along
    calls = rows(
        private_postgres.url,
        "select c.to_number, c.flagged, c.hangup_cause, c.cdr::text from calls_call c order by c.to_number",
    )
    assert [number for number, *_ in calls] == sorted(p.number for p in PEOPLE)  # each person dialed once
    lost = [number for number, flagged, cause, cdr in calls if flagged or cause != "NORMAL_CLEARING" or cdr == "{}"]
    assert lost == []  # every end was heard, with its CDR: none ended as 'not heard'
    calling = rows(private_postgres.url, "select count(*) from calls_queueentry where status = 'calling'")[0][0]
    assert calling == 0
