"""The persona corpora through the whole system in text — Phonify, the dialer, the listener, the agent — with the
dialogue "Language model conducts the call" against a local chat-completions endpoint that streams, answered
by a persona-blind stand-in for the model (`tests/agent/conducting_brain.py`: it sees only what a real model is
sent). The guard rails hold on every call (no booking nobody accepted, no missed opt-out) and the sets pass as
they do with the scripted policy.

simulate runs in a database of its own: SQLite phase of CI only."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.agent.conducting_brain import conducting_brain
from tests.agent.fake_chat import KEY, MODEL, FakeChat

ROOT = Path(__file__).resolve().parents[2]
NOW = "2027-01-05T08:30:00-05:00"
SETS = {
    "simulator/personas/suite.yaml": ("2026-11-24T09:30:00-05:00", 1.0),
    "simulator/personas/realistic_held_out_7.yaml": (NOW, 0.95),  # 294 / 296 when written (the tuning set 213 / 214)
}

pytestmark = pytest.mark.simulates


def _simulate(chat: FakeChat, personas: str, now: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1",
        "LLM_BASE_URL": chat.base_url, "LLM_API_KEY": KEY, "LLM_MODEL": MODEL, "LLM_TURN_BUDGET_SECONDS": "2",
    }  # fmt: skip
    argv = [sys.executable, "manage.py", "simulate", personas, "--text", "--json", "--now", now]
    argv += ["--policy", "llm_conducts", "--concurrency", "20", "--time-scale", "0.1"]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs():
    with FakeChat() as chat:
        chat.brain = conducting_brain
        with ThreadPoolExecutor(max_workers=len(SETS)) as pool:
            futures = {personas: pool.submit(_simulate, chat, personas, now) for personas, (now, _) in SETS.items()}
            yield {personas: future.result() for personas, future in futures.items()}, chat


@pytest.mark.parametrize(
    ("personas", "least"), [(p, least) for p, (_, least) in SETS.items()], ids=lambda v: str(v).split("/")[-1]
)
def test_with_the_model_conducting_nobody_is_booked_without_accepting_and_every_opt_out_is_honoured(
    runs, personas, least
):
    results, chat = runs
    result = results[personas]
    stdout = result.stdout
    report = json.loads(stdout[stdout.index("{") :]) if "{" in stdout else None
    assert report is not None, result.stderr[-3000:]
    summary = report["summary"]
    assert summary["wrong_bookings"] == [] and summary["missed_opt_outs"] == []
    failed = [(row["name"], row["problems"]) for row in report["personas"] if not row["passed"]]
    assert summary["passed"] >= least * summary["total"], (summary["pass_rate"], failed)
    streamed = [request for request in chat.requests if (request.json or {}).get("stream")]
    assert streamed and chat.answered_ok()  # the model was asked on these calls, and every request was in contract
