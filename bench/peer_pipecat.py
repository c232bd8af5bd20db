"""Side by side: the agent and a Pipecat pipeline built from the agent's own recogniser, voice and dialogue
(bench/pipecat_agent.py), on the same calls through Phonify — so only the pipeline differs.

    make bench-pipecat-env
    .venv-pipecat/bin/python bench/peer_pipecat.py [--levels 1,4,8] [--personas simulator/personas/realistic_audio.yaml]

Each level runs both, one after the other, each in its own process as `manage.py agent` runs (bench/agent_turns.py's
`level_run`: a scratch database, `simulate` with Phonify's speaking people pointed at it, the agent's CPU time and
memory read from /proc). Without `--personas` every call is agent_turns' caller (hello, five answers, a booking);
with it, the file's people who answer in person, in their own words. Per agent and level: what went as expected,
turn latency from the end of the person's voiced audio to the reply's first audio as Phonify hears it (and by the
agent's own turn log), the first response after "Hello?", how often it began talking while the person was, how
soon it stopped when talked over, CPU seconds and peak memory per call; then the most calls at once with p95 ≤ 800
ms on Phonify's clock.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

import yaml
from agent_turns import NOW, TURNS_PER_CALL, level_run

ROOT = Path(__file__).resolve().parents[1]
AGENTS = {
    "agent": [sys.executable, "manage.py", "agent"],
    "pipecat": [sys.executable, str(ROOT / "bench" / "pipecat_agent.py")],  # its defaults: smart-turn v3
    "pipecat-vad": [sys.executable, str(ROOT / "bench" / "pipecat_agent.py"), "--turn-end", "vad"],  # no turn model
}
SETTINGS = """Pipecat 1.14.0 as bench/pipecat_agent.py sets it up: Silero VAD at its defaults (confidence 0.7, start 0.2 s,
min volume 0.6) with the agent's end-of-speech wait (stop 0.2 s before the first hello, 0.35 s after);
UserTurnProcessor with the default UserTurnStrategies (start: VAD or transcription; stop: smart-turn v3 on the
CPU, its 3 s fallback) — and, as "pipecat-vad", with the turn ended by the VAD's stop alone (a speech-timeout
stop strategy at 0 s), as the agent's is; interruptions on (a user turn starting while the bot speaks sends killAudio);
SegmentedSTTService (1 s before the utterance, 0.5 s of silence after) around the agent's recogniser and the
state's grammar; TTSService around the agent's Piper voice, one TTSSpeakFrame a sentence; output 20 ms chunks
paced in real time, no end silence; 16 kHz in and out."""
TARGET_P95 = 800


def main() -> None:
    try:
        import pipecat  # noqa: F401
    except ImportError:
        raise SystemExit(
            "Pipecat is not installed here: `make bench-pipecat-env`, then run with .venv-pipecat/bin/python"
        ) from None
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,4,8", help="calls at once, comma-separated")
    parser.add_argument("--turns", type=int, default=40, help="answers to measure at each level (at least)")
    parser.add_argument("--personas", default="", help="call a persona file's people (who answer in person)")
    parser.add_argument("--take", type=int, default=0, help="with --personas: only the first N")
    parser.add_argument("--now", default=NOW, help="the pinned clock")
    parser.add_argument("--telephone", action="store_true", help="through the 8 kHz μ-law leg (default wideband)")
    parser.add_argument("--only", default="", help="comma-separated, of: " + ", ".join(AGENTS))
    parser.add_argument("--keep", default="", help="write each run's `simulate --json` report to KEEP-AGENT-N.json")
    options = parser.parse_args()
    people = None
    if options.personas:
        people = [
            p
            for p in yaml.safe_load(Path(options.personas).read_text())["personas"]
            if p.get("answer", "human") == "human"
        ]
        people = people[: options.take] if options.take else people
    print(SETTINGS, flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="issetter-peer-bench-") as folder:
        for level in [int(value) for value in options.levels.split(",")]:
            calls = max(level, math.ceil(options.turns / (TURNS_PER_CALL - 1) / level) * level)
            for name, command in AGENTS.items():
                if options.only and name not in options.only.split(","):
                    continue
                result = level_run(
                    len(people) if people else calls, level, Path(folder), people=people, now=options.now,
                    wideband=not options.telephone, agent_command=command,
                    keep=f"{options.keep}-{name}" if options.keep else "", tag=f"-{name}",
                )  # fmt: skip
                result["agent"] = name
                results.append(result)
                print(json.dumps(result), flush=True)
        log = Path(folder) / "agent.log"
        if log.exists():
            print(f"\n(last lines of the agents' logs)\n{log.read_text()[-1500:]}")
    table(results)


def table(results: list[dict]) -> None:
    print("\n| agent | calls at once | calls | as expected | wrong bookings / missed opt-outs | turn p50 / p95 / max ms "
          "(Phonify) | p50 / p95 ms (agent's log) | first response p50 ms | began over the person | stopped when "
          "talked over p50 / max ms | CPU s per call | peak MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        stops = [ms for ms in r["barge_in_stops_ms"] if ms is not None]
        stopped = f"{statistics.median(stops):.0f} / {max(stops)}" if stops else "—"
        print(
            f"| {r['agent']} | {r['concurrency']} | {r['calls']} | {r['passed']} | {r['wrong_bookings']} / "
            f"{r['missed_opt_outs']} | {_ms(r['p50'])} / {_ms(r['p95'])} / {r['heard_max']} | {_ms(r['agent_p50'])} / "
            f"{_ms(r['agent_p95'])} | {_ms(r['first_p50'])} | {r['talk_overs']} | {stopped} "
            f"| {r['agent_cpu_s'] / max(1, r['calls']):.1f} | {r['peak_mb']:.0f} |"
        )
    for name in AGENTS:
        carried = [
            r["concurrency"] for r in results if r["agent"] == name and r["p95"] is not None and r["p95"] <= TARGET_P95
        ]
        if any(r["agent"] == name for r in results):
            print(f"{name}: most calls at once with p95 ≤ {TARGET_P95} ms (Phonify): {max(carried, default=0)}")


def _ms(value) -> str:
    return "—" if value is None else f"{value:.0f}"


if __name__ == "__main__":
    main()
