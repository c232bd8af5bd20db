"""The product's call processes for a fault test: `manage.py agent` and `manage.py telephony_events` as
processes of their own on the test's database, Phonify on a thread of the test (its people's ears and
transcripts stay inspectable), and a dial run driven from the test as the worker drives it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from django.db import connection

from calls.dialer import dial_run_drive, dial_run_start
from calls.models import DialRun
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from customers.models import Customer
from phonify.personas import Persona
from tests.faults.conftest import wait_until
from tests.servers import start


def agent_start(port: int, log: Path, now: dt.datetime, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The agent's server on `port`, its clock for offering times pinned to `now`; returns once it listens."""
    agent = start(["manage.py", "agent", "--port", str(port), "--now", now.isoformat()], log, env)
    wait_until(lambda: "Agent: listening on port" in log.read_text(), 60, "the agent to listen", log)
    return agent


def listener_start(log: Path, *, switch_port: int, agent_port: int, env: dict[str, str] | None = None):
    """The telephony listener on the switch, forking answered calls to the agent; returns once connected."""
    settings = {"FREESWITCH_ESL_PORT": str(switch_port), "AGENT_URL": f"ws://127.0.0.1:{agent_port}/", "REDIS_URL": ""}
    listener = start(["manage.py", "telephony_events"], log, {**settings, **(env or {})})
    wait_until(lambda: "connected (connection 1)" in log.read_text(), 30, "the listener to connect", log)
    return listener


def dial_one(office, person: Persona, *, now: dt.datetime, seconds: float = 40) -> DialRun:
    """Queue the person and drive a dial run until it is done (their call ended), with the calling rules'
    clock at `now`."""
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office, phone=person.number))
    try:
        with telephony_open() as telephony:
            return dial_run_drive(
                run=dial_run_start(office=office), telephony=telephony, now=lambda: now, seconds=seconds, idle=0.1
            )
    finally:
        connection.close()
