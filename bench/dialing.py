"""Dial a queue of customers against Phonify and time the live path to the browser.

    .venv/bin/python bench/dialing.py [--customers 1000] [--concurrency 100] [--cps 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/issetter_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/dialing.py

Everything real and in its own process as under `make run`: Phonify (short people: 80 % answer at once
and hang up after 2 s, 10 % busy, 10 % reject), the telephony listener, daphne serving the live socket;
this process runs the dialer and a WebSocket client signed in as a member of the office. Reports originations per second sustained over the run, the
run's wall time, and the delay from each switch event (its Event-Date-Timestamp) to the fragment arriving
on the socket, p50 / p95. Uses DATABASE_URL (a scratch SQLite file by default); without REDIS_URL the
live path goes through the embedded relay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import subprocess
import sys
import threading
import time

import benchkit


def fill(customers: int, concurrency: int, cps: int):
    from calls.models import Call, CallEvent, DialRun, QueueEntry
    from customers.models import Customer
    from issetter.models import Membership
    from issetter.services import member_ensure, office_ensure

    office, _ = office_ensure(
        slug="bench-dial", name="Bench Dial", caller_id_number="+12025550100", callback_number="+12025550143"
    )
    user, _ = member_ensure(office=office, email="dial@example.com", role=Membership.Role.SUPERVISOR)
    CallEvent.objects.filter(call__office=office).delete()
    Call.objects.filter(office=office).delete()
    QueueEntry.objects.filter(office=office).delete()
    DialRun.objects.filter(office=office).delete()
    Customer.objects.filter(office=office).delete()
    benchkit.customers_queued_to_dial(
        office,
        ({"first_name": f"P{n}", "phone": number(n)} for n in range(customers)),
        max_concurrent_calls=concurrency,
        calls_per_second=cps,
    )
    return office, user


def number(n: int) -> str:
    return f"+1202{7000000 + n:07d}"


def personas_file(customers: int) -> str:
    """Short people: most answer at once and hang up after 2 s; every tenth is busy, every tenth rejects."""
    import yaml

    people = []
    for n in range(customers):
        answer = "busy" if n % 10 == 8 else "rejected" if n % 10 == 9 else "human"
        people.append({"name": f"p{n}", "number": number(n), "answer": answer, "rings": 0, "hangup_after": 2})
    path = benchkit.ROOT / "var" / "bench-dialing-personas.yaml"
    path.write_text(yaml.safe_dump({"personas": people}))
    return str(path)


def start(name: str, argv: list[str], env: dict) -> subprocess.Popen:
    """A process of the system, as `make run` starts it, logging to var/bench-dialing-<name>.log."""
    log = open(benchkit.ROOT / "var" / f"bench-dialing-{name}.log", "w")  # noqa: SIM115  (lives with the process)
    return subprocess.Popen([sys.executable, *argv], cwd=benchkit.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for_port(port: int, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listen(url: str, cookie: str, origin: str, delays: list[float], stop: threading.Event) -> None:
    from websockets.sync.client import connect

    with connect(url, additional_headers={"Cookie": cookie, "Origin": origin}) as socket:
        while not stop.is_set():
            try:
                fragment = socket.recv(timeout=0.5)
            except TimeoutError:
                continue
            found = re.search(r'data-event-at="(\d+)"', fragment)
            if found:
                delays.append((time.time() - int(found[1]) / 1e6) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--cps", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("FREESWITCH_ESL_PASSWORD", secrets.token_urlsafe(24))  # the bench's own switch and client
    benchkit.prepare(default_database_url=f"sqlite:///{benchkit.ROOT / 'var' / 'bench-dialing.sqlite3'}")
    from django.conf import settings
    from django.test import Client

    from calls.dialer import dial_run_drive, dial_run_start
    from calls.models import Call
    from calls.telephony import telephony_open

    office, user = fill(args.customers, args.concurrency, args.cps)
    switch_port, web_port = 18721, 18765
    settings.FREESWITCH_ESL_PORT = switch_port
    env = {**os.environ, "FREESWITCH_ESL_PORT": str(switch_port), "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    processes = [
        start(
            "phonify",
            ["manage.py", "phonify", "--port", str(switch_port), "--password", settings.FREESWITCH_ESL_PASSWORD]
            + ["--text", "--personas", personas_file(args.customers)],
            env,
        ),
        start("web", ["-m", "daphne", "-b", "127.0.0.1", "-p", str(web_port), "issetter.asgi:application"], env),
    ]
    wait_for_port(switch_port)
    profile = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]] if os.environ.get("BENCH_PROFILE") else []
    processes.append(start("telephony", [*profile, "manage.py", "telephony_events"], env))
    wait_for_port(web_port)
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    delays: list[float] = []
    stop = threading.Event()
    origin = f"http://127.0.0.1:{web_port}"
    socket_thread = threading.Thread(
        target=listen, args=(f"ws://127.0.0.1:{web_port}/ws/live/", cookie, origin, delays, stop)
    )
    socket_thread.start()
    time.sleep(2.0)

    pinned = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)  # a Tuesday morning in New York
    began = time.monotonic()
    with telephony_open() as telephony:
        run = dial_run_drive(run=dial_run_start(office=office), telephony=telephony, now=lambda: pinned, idle=0.05)
    wall = time.monotonic() - began
    time.sleep(1.0)
    stop.set()
    socket_thread.join(timeout=10)
    cpu = {
        name: cpu_seconds(process.pid) for name, process in zip(("phonify", "web", "telephony"), processes, strict=True)
    }
    cpu["bench (dialer, client)"] = sum(os.times()[:2])
    for process in processes:
        process.terminate()
        process.wait(timeout=15)

    calls = Call.objects.filter(dial_run=run)
    moments = sorted(calls.values_list("originated_at", flat=True))
    span = (moments[-1] - moments[0]).total_seconds() or 1
    ended = calls.filter(status="ended").count()
    p50, p95 = benchkit.percentiles(delays) if delays else (float("nan"), float("nan"))
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = "Redis" if os.environ.get("REDIS_URL") else "embedded relay"
    print(f"run {run.pk}: {run.status} {run.status_reason}")
    print("CPU seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()))
    print(
        "| database / live path | customers | concurrency | originations/s | run wall s | ended | event → socket p50 ms | p95 ms | messages |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {database} / {layer} | {args.customers} | {args.concurrency} | {len(moments) / span:.1f} | {wall:.1f} | "
        f"{ended} | {p50:.0f} | {p95:.0f} | {len(delays)} |"
    )


if __name__ == "__main__":
    main()
