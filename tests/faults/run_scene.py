"""A dial run for the fault tests that kill a process mid-run, driven by real processes as in production: one
process fills the office's queue (`manage.py shell -c "…scene_prepare(…)"`), `manage.py dial --wait` drives
the run (what the worker's task does, on the calling rules' pinned clock), `manage.py telephony_events`
listens, and the switch is Phonify (on a thread of the test, or `manage.py phonify` as a process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import yaml

from phonify.personas import Persona
from tests.calls.dialing_helpers import PINNED
from tests.servers import ROOT, server_env, start

TIME_SCALE = 0.02  # Phonify's waits: a persona's `hangup_after` of 50 is one second
OFFICE = "north"


def people(*seconds: float) -> list[Persona]:
    """One person per call length: each answers at once and hangs up after that many seconds."""
    return [
        Persona(name=f"p{n}", number=f"+1202555{4000 + n:04d}", rings=1, hangup_after=length / TIME_SCALE)
        for n, length in enumerate(seconds)
    ]


def scene_prepare(*, numbers: list[str], concurrent: int) -> None:
    """The office, its fast policy and one queued customer per number (run inside `manage.py shell`)."""
    from calls.queue_services import queue_add_matching
    from customers.models import Customer
    from issetter.services import office_ensure
    from tests.calls.dialing_helpers import customers_for, fast_policy

    office, _ = office_ensure(
        slug=OFFICE, name="North Insurance", caller_id_number="+12025550100", callback_number="+12025550143"
    )
    fast_policy(office, max_concurrent_calls=concurrent)
    customers_for(office, [Persona(name=f"c{n}", number=number) for n, number in enumerate(numbers)])
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))


def prepare(env: dict[str, str], personas: list[Persona], concurrent: int) -> None:
    numbers = [persona.number for persona in personas]
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from tests.faults.run_scene import scene_prepare; scene_prepare(numbers={numbers!r}, concurrent={concurrent})",
        ],
        cwd=ROOT,
        env={**server_env(), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def dialer_start(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`manage.py dial --wait`: drives one run until every call of it has ended (exit 0 when it completed)."""
    return start(["manage.py", "dial", "--office", OFFICE, "--wait", "--now", PINNED.isoformat()], log, env)


def switch_start(port: int, personas: list[Persona], folder: Path, log: Path, record: Path) -> subprocess.Popen:
    """`manage.py phonify` in text mode, its waits scaled, on `port`; each call it ends is kept in `record`
    (`<uuid>.json`, with the number it dialed)."""
    book = folder / "personas.yaml"
    book.write_text(
        yaml.safe_dump(
            {
                "personas": [
                    {"name": p.name, "number": p.number, "rings": p.rings, "hangup_after": p.hangup_after}
                    for p in personas
                ]
            }
        )
    )
    argv = ["manage.py", "phonify", "--port", str(port), "--personas", str(book), "--text", "--record", str(record)]
    return start([*argv, "--time-scale", str(TIME_SCALE), "--no-transcribe"], log)


def calls_recorded(record: Path) -> dict[str, str]:
    """The calls a `switch_start` switch ended: number → uuid (a number dialed twice would show twice)."""
    documents = [json.loads(path.read_text()) for path in sorted(record.glob("*.json"))]
    numbers = [document["number"] for document in documents]
    assert len(numbers) == len(set(numbers)), numbers
    return {document["number"]: document["uuid"] for document in documents}


def rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        return db.execute(sql).fetchall()


def count(url: str, sql: str) -> int:
    return rows(url, sql)[0][0]
