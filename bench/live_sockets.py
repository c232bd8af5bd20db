"""1,000 signed-in live sockets on the Queue page while 100 calls run: event → browser delay, office isolation.

    .venv/bin/python bench/live_sockets.py [--offices 10] [--sockets-per-office 100] [--calls 100] [--cps 5]

Everything real and in its own process as under `make run`, with the production live path: daphne serving
`/ws/live/` (the socket the Queue page's HTMX ws extension opens), the channel layer on Redis (a private
redis-server on a free port), Phonify in text mode, the telephony listener (`manage.py telephony_events`)
publishing each office's live block, and a dialer process driving one dial run per office at once, as the
worker would. The data lives in a PostgreSQL database of its own on 127.0.0.1:5432 (a fresh name, dropped at
the end). Two warm-up calls in an office of their own go first, so nothing measured starts cold.

Each office has `--sockets-per-office` staff members, each with a real session cookie and one socket, all
opened from this process with the asyncio `websockets` client. For every fragment delivered to every
socket it records the delay from the switch event the fragment reflects (its `data-event-at`, the event's
Event-Date-Timestamp: the oldest change the block carries) to its arrival, and whether the fragment names a
call, number or run of another office (wrong-office deliveries: must be 0). Sockets that close before the
end count as dropped. Prints each process's CPU seconds, where a fragment's delay goes (event → its first
socket: listener, publisher, Redis, daphne's first send; first → last socket of the office: daphne's
fan-out) and a markdown table. Target: event → browser p95 ≤ 250 ms. Takes a minute or two.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import benchkit
from live_socket_client import Tally, number, open_sockets

POSTGRES = "postgres://postgres@127.0.0.1:5432"
WARM_UP_CALLS = 2  # placed before the measured run, in an office of their own, so nothing starts cold
PINNED = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)  # a Tuesday morning in New York: calling hours


# ---- the people and their calls -----------------------------------------------------------------------
def personas_file(offices: int, calls_per_office: int) -> str:
    """Calls that overlap: people ring 1–3 times (4 s each) and talk 6–20 s; one in ten is busy, one in ten
    a voicemail box (with its beep), one in ten never answers (the ring timeout ends it). The warm-up office
    (the last number block) has two people who answer at once and hang up after a second."""
    import yaml

    people = []
    for office in range(offices):
        for n in range(calls_per_office):
            kind = n % 10
            answer = {7: "voicemail", 8: "busy", 9: "no_answer"}.get(kind, "human")
            people.append(
                {
                    "name": f"o{office}p{n}",
                    "number": number(office, n),
                    "answer": answer,
                    "rings": 1 + (n + office) % 3,
                    "hangup_after": 6 + (n * 7 + office * 3) % 15,
                }
            )
    for n in range(WARM_UP_CALLS):
        people.append({"name": f"warm{n}", "number": number(offices, n), "rings": 0, "hangup_after": 1})
    path = benchkit.ROOT / "var" / "bench-live-sockets-personas.yaml"
    path.write_text(yaml.safe_dump({"personas": people}))
    return str(path)


def fill(offices: range, members: int, calls_per_office: int, cps: float) -> list[dict]:
    """Offices with their staff (one session each), customers queued and a dial run started; returns per
    office: its id, its run's id, the members' session cookies."""
    from django.test import Client

    from calls.dialer import dial_run_start
    from issetter.services import member_ensure, office_ensure

    made = []
    for k in offices:
        office, _ = office_ensure(
            slug=f"live-{k}", name=f"Live Office {k}", caller_id_number="+12025550100", callback_number="+12025550143"
        )
        cookies = []
        for m in range(members):
            user, _ = member_ensure(office=office, email=f"staff{m}@office{k}.example")
            client = Client()
            client.force_login(user)
            cookies.append(f"sessionid={client.cookies['sessionid'].value}")
        benchkit.customers_queued_to_dial(
            office,
            ({"first_name": f"O{k}", "last_name": f"P{n}", "phone": number(k, n)} for n in range(calls_per_office)),
            max_concurrent_calls=calls_per_office,
            calls_per_second=cps,
        )
        run = dial_run_start(office=office)
        made.append({"office": office.pk, "run": run.pk, "cookies": cookies})
    return made


def dial(run_ids: list[int]) -> None:
    """The dialer process: drive every run at once (a thread and a switch connection each) until each is
    done, as the worker would."""
    from django.db import connection

    from calls.dialer import dial_run_drive
    from calls.models import DialRun
    from calls.telephony import telephony_open

    def drive(run_id: int) -> None:
        with telephony_open() as telephony:
            run = dial_run_drive(run=DialRun.objects.get(pk=run_id), telephony=telephony, now=lambda: PINNED, idle=0.5)
        print(f"run {run.pk}: {run.status} {run.status_reason}", flush=True)
        connection.close()

    threads = [threading.Thread(target=drive, args=(run_id,)) for run_id in run_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- the system -----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def start(name: str, argv: list[str], env: dict) -> subprocess.Popen:
    """A process of the system, as `make run` starts it, logging to var/bench-live-sockets-<name>.log."""
    log = open(benchkit.ROOT / "var" / f"bench-live-sockets-{name}.log", "w")  # noqa: SIM115  (lives with the process)
    return subprocess.Popen(argv, cwd=benchkit.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share) - 1))] if ordered else float("nan")


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offices", type=int, default=10)
    parser.add_argument("--sockets-per-office", type=int, default=100)
    parser.add_argument("--calls", type=int, default=100, help="in all, shared evenly between the offices")
    parser.add_argument("--cps", type=float, default=5, help="each office's dialing pace (calls per second)")
    parser.add_argument("--dial", default="", help=argparse.SUPPRESS)  # the dialer process: run ids
    args = parser.parse_args()
    if args.dial:  # the environment is the bench's: its database is made and migrated
        sys.path.insert(0, str(benchkit.ROOT))
        import django

        django.setup()
        dial([int(run_id) for run_id in args.dial.split(",")])
        return

    began = time.monotonic()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.offices * args.sockets_per_office * 2 + 1000  # both ends of every socket live on this machine
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))  # the servers we start inherit it
    database = f"issetter_bench_live_{os.getpid()}_{secrets.token_hex(3)}"
    redis_port = free_port()
    redis = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(
        DATABASE_URL=f"{POSTGRES}/{database}",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        FREESWITCH_ESL_PASSWORD=secrets.token_urlsafe(24),
        FREESWITCH_ESL_PORT=str(free_port()),
        AGENT_URL="",
    )
    processes: dict[str, subprocess.Popen] = {}
    try:
        wait_for_port(redis_port)
        benchkit.prepare(default_database_url="")
        processes, report = run(args, processes, began)
    finally:
        for group in (list(processes.values()), [redis]):  # Redis last: the others close their connections first
            for process in group:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in group:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        from django.db import connections

        connections.close_all()
        drop_database(database)
    print(report)


def run(args, processes: dict, began: float) -> tuple[dict, str]:
    from calls.models import Call

    calls_per_office = args.calls // args.offices
    made = fill(range(args.offices), args.sockets_per_office, calls_per_office, args.cps)
    warm_up = fill(range(args.offices, args.offices + 1), 0, WARM_UP_CALLS, args.cps)[0]
    env = dict(os.environ)
    python, web_port, switch_port = sys.executable, free_port(), os.environ["FREESWITCH_ESL_PORT"]
    persona_path = personas_file(args.offices, calls_per_office)
    processes["phonify"] = start(
        "phonify",
        [python, "manage.py", "phonify", "--port", switch_port, "--password", os.environ["FREESWITCH_ESL_PASSWORD"]]
        + ["--text", "--personas", persona_path],
        env,
    )
    processes["web"] = start(
        "web", [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(web_port), "issetter.asgi:application"], env
    )
    wait_for_port(int(switch_port))
    processes["telephony"] = start("telephony", [python, "manage.py", "telephony_events"], env)
    wait_for_port(web_port)
    prepared = time.monotonic()

    tally = Tally()
    cpu_before: dict[str, float] = {}

    async def scene() -> tuple[float, float]:
        stop = asyncio.Event()
        opening = time.monotonic()
        tasks = await open_sockets(web_port, made, tally, stop)
        opened = time.monotonic() - opening
        warming = start("dialer", [python, "bench/live_sockets.py", "--dial", str(warm_up["run"])], env)
        while warming.poll() is None:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        cpu_before.update({name: cpu_seconds(process.pid) for name, process in processes.items()})
        cpu_before["sockets (this process)"] = sum(os.times()[:2])
        dialing = time.monotonic()
        runs = ",".join(str(office["run"]) for office in made)
        reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
        dialer = start("dialer", [python, "bench/live_sockets.py", "--dial", runs], env)
        while dialer.poll() is None:
            await asyncio.sleep(0.2)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the dialer is the one child reaped meanwhile
        cpu_before["dialer"] = (after.ru_utime + after.ru_stime) - (reaped.ru_utime + reaped.ru_stime)
        calls_wall = time.monotonic() - dialing
        await asyncio.sleep(1.5)  # the last blocks on their way
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return opened, calls_wall

    opened, calls_wall = asyncio.run(scene())
    cpu = {name: cpu_seconds(process.pid) - cpu_before.get(name, 0.0) for name, process in processes.items()}
    cpu["sockets (this process)"] = sum(os.times()[:2]) - cpu_before["sockets (this process)"]
    cpu["dialer"] = cpu_before["dialer"]

    run_office = {office["run"]: office["office"] for office in made}
    calls = Call.objects.filter(dial_run_id__in=run_office)
    call_office = {str(uuid): office for uuid, office in calls.values_list("uuid", "office_id")}
    wrong, blank = tally.wrong_office(run_office, call_office, [office["office"] for office in [*made, warm_up]])
    ended = calls.filter(status=Call.Status.ENDED).count()
    delays = sorted(tally.delays)
    deliveries = sum(tally.deliveries.values())
    sockets = args.offices * args.sockets_per_office
    load = os.getloadavg()
    to_first, spread = tally.stages()
    lines = [
        f"setup {prepared - began:.0f} s; {sockets} sockets opened in {opened:.1f} s; load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}",
        "CPU seconds while the calls ran: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items()),
        f"per fragment: event → first socket p50 {percentile(to_first, 0.5):.0f} / p95 {percentile(to_first, 0.95):.0f}"
        f" / max {percentile(to_first, 1.0):.0f} ms; first → last socket p50 {percentile(spread, 0.5):.0f} / p95 "
        f"{percentile(spread, 0.95):.0f} / max {percentile(spread, 1.0):.0f} ms",
        "",
        "| offices × sockets | pace per office /s | connected | refused | dropped | calls placed / ended | calls wall s | fragments "
        "(distinct) | deliveries | event → browser p50 ms | p95 ms | max ms | wrong office | unattributed | "
        "bench wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {args.offices} × {args.sockets_per_office} | {args.cps:g} | {tally.connected} | {tally.refused} | {tally.dropped} | "
        f"{len(call_office)} / {ended} | {calls_wall:.1f} | {len(tally.fragments)} | {deliveries:,} | "
        f"{percentile(delays, 0.5):.0f} | {percentile(delays, 0.95):.0f} | {percentile(delays, 1.0):.0f} | "
        f"{wrong} | {blank} | {time.monotonic() - began:.0f} |",
    ]
    return processes, "\n".join(lines)


if __name__ == "__main__":
    main()
