"""Time to the agent's first audio per turn when the language model conducts the call, against the scripted
policy on the same people, through the whole system with audio (Phonify's speaking personas, the 8 kHz
telephone leg, the dialer, the listener, the agent in the same process as `simulate` runs it).

    .venv/bin/python bench/conducting_turns.py [--personas simulator/personas/suite.yaml] [--concurrency 4]
        [--first-token-ms 250] [--words-per-second 40] [--budget 1.0]

No GPU here, so the model is the tests' local chat-completions endpoint (`tests/agent/fake_chat.py`) streaming
at a set pace — the time to its first token and the words per second after it, defaults from what vLLM serves
a 7–8B instruct model at on one data-centre GPU with the prompt's prefix cached (about 100–300 ms to the first
token, 40–80 tokens a second per stream) — and its replies come from the persona-blind stand-in
(`tests/agent/conducting_brain.py`), which sees only what a real model is sent. What is measured is ours: the
stream read sentence by sentence, the checks on each sentence, the first sentence synthesised and sent while
the model goes on, the tools carried out by the scripted states, and the turn budget.

Prints, for each policy: people as expected, wrong bookings, missed opt-outs, turns, and the agent's turn
latency (end of the callee's words → its first audio) p50 / p95 / max, with the turns the model answered apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--personas", default="simulator/personas/suite.yaml")
    parser.add_argument("--now", default="2026-11-24T09:30:00-05:00")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--first-token-ms", type=float, default=250)
    parser.add_argument("--words-per-second", type=float, default=40)
    parser.add_argument("--budget", type=float, default=1.0, help="LLM_TURN_BUDGET_SECONDS")
    parser.add_argument("--text", action="store_true", help="in text instead of audio")
    parser.add_argument("--policies", default="scripted,llm_conducts", help="which, in this order")
    parser.add_argument("--save", default="", help="a folder to write each policy's simulate report to (JSON)")
    options = parser.parse_args()

    import django

    django.setup()
    from tests.agent.conducting_brain import conducting_brain
    from tests.agent.fake_chat import KEY, MODEL, FakeChat

    def paced(messages):
        spoken = conducting_brain(messages)
        spoken.first_delay = options.first_token_ms / 1000
        spoken.rate = options.words_per_second
        return spoken

    rows = []
    with FakeChat() as chat:
        chat.brain = paced
        for policy in options.policies.split(","):
            env = {
                **os.environ, "LLM_BASE_URL": chat.base_url, "LLM_API_KEY": KEY, "LLM_MODEL": MODEL,
                "LLM_TURN_BUDGET_SECONDS": str(options.budget),
            }  # fmt: skip
            argv = [sys.executable, "manage.py", "simulate", options.personas, "--json", "--now", options.now]
            argv += ["--policy", policy, "--concurrency", str(options.concurrency)] + (
                ["--text"] if options.text else []
            )
            asked = len(chat.requests)
            child = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
            out = child.stdout
            if "{" not in out:
                sys.exit(f"simulate failed for {policy}:\n{child.stderr[-3000:]}")
            report = json.JSONDecoder().raw_decode(out[out.index("{") :])[0]
            rows.append((policy, report, len(chat.requests) - asked))
            if options.save:
                Path(options.save).mkdir(parents=True, exist_ok=True)
                (Path(options.save) / f"{policy}.json").write_text(json.dumps(report, indent=1))
    print(
        f"people: {options.personas}; {options.concurrency} calls at once; {'text' if options.text else 'audio, 8 kHz leg'}; "
        f"model: first token {options.first_token_ms:g} ms, {options.words_per_second:g} words/s; budget {options.budget:g} s"
    )
    print(
        "| policy | as expected | wrong bookings | missed opt-outs | model requests | turns | p50 ms | p95 ms | max ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for policy, report, asked in rows:
        summary = report["summary"]
        latencies = sorted(ms for row in report["personas"] for ms in row.get("turn_latencies_ms") or [])
        p50, p95, top = _stats(latencies)
        print(
            f"| {policy} | {summary['passed']} / {summary['total']} | {len(summary['wrong_bookings'])} | "
            f"{len(summary['missed_opt_outs'])} | {asked} | {len(latencies)} | {p50} | {p95} | {top} |"
        )
        slow = sorted(
            ((ms, row["name"]) for row in report["personas"] for ms in row.get("turn_latencies_ms") or []), reverse=True
        )[:4]
        print(f"  slowest {policy}: " + "; ".join(f"{ms:.0f} ms ({name})" for ms, name in slow))


def _stats(samples: list[float]) -> tuple[str, str, str]:
    if not samples:
        return "—", "—", "—"
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return f"{p50:.0f}", f"{p95:.0f}", f"{samples[-1]:.0f}"


if __name__ == "__main__":
    main()
