"""The agent's speed with audio: turn latency, first response, how many calls two cores carry, memory.

    .venv/bin/python bench/agent_turns.py [--levels 1,4,8,12] [--turns 50] [--postgres postgres://postgres@127.0.0.1:5432]

Everything real, each part in its own process as in production: the agent (`manage.py agent`) and a
`simulate` run (Phonify with speaking personas, the telephony listener, the dialer) sharing a scratch
SQLite database (or, with `--postgres`, a fresh PostgreSQL database per level). Each person answers "Hello?", then says five things the agent must answer (identify,
"can you repeat that", "who is this", a day, a choice) and books. At each level that many calls run at
once, in batches, until at least `--turns` turns are measured.

- Turn latency: from the end of the person's words (where the agent's voice activity puts it) to the
  agent's first audio frame sent, by the agent's clock, p50 / p95 — what `simulate` reports; and the same
  as the callee hears it, on Phonify's clock (from the end of the person's voiced audio, without the
  synthesiser's trailing silence, to the agent's audio arriving). First response: after their "Hello?".
- Concurrency: the most calls at once whose p95 (agent's clock) stays within 20 % of one call's.
- Memory: the agent's resident memory at its peak at each level; per call, the growth from one call at
  once to the most, divided by the extra calls (the models are loaded once per process).

Both processes share the machine's two cores with Phonify's callers, as they would not in production
(the callee is a real phone there).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-24T08:00:00-05:00"  # a Tuesday morning: calling hours, a free calendar
PERSON = {
    "answer": "human",
    "rings": 1,
    "greeting": "Hello?",
    "turns": [
        {"say": "Yes, speaking."},
        {"say": "Can you repeat that?"},
        {"say": "Who is this?"},
        {"say": "Thursday afternoon works for me."},
        {"say": "The first one please."},
        # calls at once may reach for the same time; whoever loses takes the first of the next offers
        {"say": "The first one please.", "after_hearing": ["taken"]},
        {"say": "The first one please.", "after_hearing": ["taken"]},
    ],
    "hangup_after": 120,
    "expect": {"outcome": "booked"},
}
TURNS_PER_CALL = 6  # the hello and five answers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def family(pid: int) -> list[int]:
    """The process and its children (the agent's recognition workers), as they are now."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            pids += family(int(child))
    return pids


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children."""
    total = 0.0
    for member in family(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            continue
    return total


def cpu_seconds(pid: int, children: bool = True) -> float:
    """CPU time of the process and (`children`) its children."""
    total = 0.0
    for member in family(pid) if children else [pid]:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def fresh_postgres(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def level_run(
    calls: int,
    concurrency: int,
    folder: Path,
    postgres: str = "",
    people: list[dict] | None = None,
    now: str = NOW,
    wideband: bool = True,
    keep: str = "",
    agent_command: list[str] | None = None,
    tag: str = "",
) -> dict:
    """`people`: a persona file's people to call instead of the five-sentence caller (their own words);
    `agent_command`: what serves the fork instead of `manage.py agent` (given `--port` and `--now`; it prints one
    line once it listens) — bench/peer_pipecat.py's Pipecat pipeline; `tag`: names this run's database apart from
    another agent's at the same level (each run starts from a fresh one: a person called before is not called
    again, and the judge would read the earlier call)."""
    if people is None:
        people = [  # picking up after one to four rings, as people do: calls at once do not speak in lockstep
            {"name": f"caller-{n}", "number": f"+1202555{300 + n:04d}", **PERSON, "rings": 1 + n % 4}
            for n in range(calls)
        ]
    else:
        people = [{**person, "rings": 1 + n % 4} for n, person in enumerate(people)]
    personas = folder / f"people-{concurrency}{tag}.yaml"
    personas.write_text(yaml.safe_dump({"personas": people}, sort_keys=False))
    database = folder / f"level-{concurrency}{tag}.sqlite3"
    database.unlink(missing_ok=True)
    url = (
        fresh_postgres(postgres, f"issetter_agent_bench_{concurrency}{tag.replace('-', '_')}")
        if postgres
        else f"sqlite:///{database}"
    )
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "RECORDINGS_DIR": str(folder / "recordings"),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    command = agent_command or [sys.executable, "manage.py", "agent"]
    agent = subprocess.Popen(
        [*command, "--port", str(port), "--now", now],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=(folder / "agent.log").open("a"), text=True,
    )  # fmt: skip
    agent.stdout.readline()  # "Agent: listening on port …"
    time.sleep(1.0)
    idle = rss_mb(agent.pid)
    peak = [idle]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], rss_mb(agent.pid))

    threading.Thread(target=sample, daemon=True).start()
    cpu_before, began = cpu_seconds(agent.pid), time.monotonic()
    own_before = cpu_seconds(agent.pid, children=False)
    argv = [sys.executable, "manage.py", "simulate", str(personas), "--inside", "--now", now, "--voices-first"]
    argv += ["--wideband"] if wideband else []
    argv += ["--concurrency", str(concurrency), "--agent-url", f"ws://127.0.0.1:{port}/"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    simulator_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    wall, cpu = time.monotonic() - began, cpu_seconds(agent.pid) - cpu_before
    own_cpu = cpu_seconds(agent.pid, children=False) - own_before
    done.set()
    agent.terminate()
    agent.wait(10)
    if child.returncode != 0:
        raise SystemExit(f"simulate failed:\n{child.stderr[-3000:]}")
    report = json.loads(child.stdout.strip().splitlines()[-1])
    if keep:  # every turn, for finding where the slow ones went
        Path(f"{keep}-{concurrency}.json").write_text(json.dumps(report, indent=1))
    rows = report["personas"]
    firsts = [row["turn_latencies_ms"][0] for row in rows if row["turn_latencies_ms"]]
    turns = [ms for row in rows for ms in row["heard_latencies_ms"][1:]]
    ordered = sorted(turns)
    by_agent = sorted(ms for row in rows for ms in row["turn_latencies_ms"][1:])
    summary = report["summary"]
    return {
        "concurrency": concurrency,
        "calls": len(rows),
        "passed": summary["passed"],
        "wrong_bookings": len(summary.get("wrong_bookings", [])),
        "missed_opt_outs": len(summary.get("missed_opt_outs", [])),
        "agent_max": summary.get("turn_latency_max_ms"),
        "heard_max": summary.get("heard_latency_max_ms"),
        "booked": sum(row["outcome"] == "booked" for row in rows),
        "turns": len(turns),
        "p50": statistics.median(turns) if turns else None,
        "p95": ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)] if turns else None,
        "agent_p50": statistics.median(by_agent) if by_agent else None,
        "agent_p95": by_agent[max(0, math.ceil(len(by_agent) * 0.95) - 1)] if by_agent else None,
        "first_p50": statistics.median(firsts) if firsts else None,
        "first_p95": sorted(firsts)[max(0, math.ceil(len(firsts) * 0.95) - 1)] if firsts else None,
        "peak_mb": peak[0],
        "idle_mb": idle,
        "agent_cpu_s": cpu,
        "agent_own_cpu_s": own_cpu,  # its own process; the rest is its recognition workers
        "simulator_cpu_s": simulator_cpu,
        "wall_s": wall,
        "talk_overs": sum(row.get("talk_overs", 0) for row in rows),
        "barge_in_stops_ms": [b["agent_stopped_after_ms"] for row in rows for b in row.get("barge_ins", [])],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,4,8,12", help="calls at once, comma-separated")
    parser.add_argument("--turns", type=int, default=50, help="answers to measure at each level (at least)")
    parser.add_argument(
        "--postgres", default="", help="a server URL without database, e.g. postgres://postgres@127.0.0.1:5432"
    )
    parser.add_argument("--personas", default="", help="call a persona file's people (their own words) instead")
    parser.add_argument("--take", type=int, default=0, help="with --personas: only the first N people who answer")
    parser.add_argument("--now", default=NOW, help="the pinned clock (with --personas, the file's own)")
    parser.add_argument("--telephone", action="store_true", help="through the 8 kHz μ-law leg (default wideband)")
    parser.add_argument("--keep", default="", help="write each level's `simulate --json` report to KEEP-N.json")
    options = parser.parse_args()
    chosen = None
    if options.personas:
        chosen = [
            p
            for p in yaml.safe_load(Path(options.personas).read_text())["personas"]
            if p.get("answer", "human") == "human"
        ]
        chosen = chosen[: options.take] if options.take else chosen
    results = []
    with tempfile.TemporaryDirectory(prefix="issetter-agent-bench-") as folder:
        for level in [int(value) for value in options.levels.split(",")]:
            calls = max(level, math.ceil(options.turns / (TURNS_PER_CALL - 1) / level) * level)
            result = level_run(
                calls, level, Path(folder), options.postgres, people=chosen, now=options.now,
                wideband=not options.telephone, keep=options.keep,
            )  # fmt: skip
            results.append(result)
            print(json.dumps(result), flush=True)
    base = results[0]["agent_p95"]
    carried = max(
        (r["concurrency"] for r in results if r["agent_p95"] is not None and r["agent_p95"] <= base * 1.2), default=0
    )
    print()
    print("| calls at once | calls | as expected | wrong bookings | missed opt-outs | turns "
          "| turn p50 / p95 / max ms (as heard) | turn p50 / p95 / max ms (agent) "
          "| first response p50 / p95 ms | agent peak MB | CPU s agent (its own process) / simulator | wall s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['concurrency']} | {r['calls']} | {r['passed']} | {r['wrong_bookings']} | {r['missed_opt_outs']} "
            f"| {r['turns']} | {r['p50']:.0f} / {r['p95']:.0f} / {r['heard_max']} "
            f"| {r['agent_p50']:.0f} / {r['agent_p95']:.0f} / {r['agent_max']} | {r['first_p50']:.0f} / {r['first_p95']:.0f} "
            f"| {r['peak_mb']:.0f} | {r['agent_cpu_s']:.0f} ({r['agent_own_cpu_s']:.0f}) / {r['simulator_cpu_s']:.0f} "
            f"| {r['wall_s']:.0f} |"
        )
    print(f"\nCalls at once with p95 within 20 % of one call's ({base:.0f} ms): {carried}")
    if len(results) > 1:
        most = results[-1]
        grown = (most["peak_mb"] - results[0]["peak_mb"]) / max(1, most["concurrency"] - results[0]["concurrency"])
        print(f"Agent memory: {results[0]['peak_mb']:.0f} MB with one call, about {grown:.1f} MB more per call")


if __name__ == "__main__":
    main()
