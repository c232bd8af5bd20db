"""`manage.py simulate` on the shipped persona suite, in text mode: every branch of the dialogue ends as its
persona expects, through the real dialer, ESL client, listener and agent, in a database of its own."""

import json
import os
import subprocess
import sys

import pytest

from phonify.personas import personas_load
from simulator.judge import asked_not_to_be_called
from tests.servers import ROOT

pytestmark = pytest.mark.database_free  # simulate keeps a database of its own

SUITE = "simulator/personas/suite.yaml"


def simulate(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", "simulate", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400
    )


def test_every_branch_of_the_suite_ends_as_its_persona_expects():
    result = simulate(SUITE, "--text", "--json", "--now", "2026-11-24T09:30:00-05:00")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    rows = {row["name"]: row for row in report["personas"]}
    assert report["summary"]["passed"] == report["summary"]["total"] == 14
    assert {row["outcome"] for row in rows.values()} >= {
        "booked", "declined", "wrong_person", "callback", "do_not_call", "hung_up", "voicemail_left", "no_answer", "busy",
    }  # fmt: skip
    maria = rows["maria-books-an-offered-time"]
    assert maria["appointment"]["start"].startswith("2026-11-26T") and maria["appointment"]["start"].endswith("-05:00")
    hello = maria["transcript"][0]
    assert (hello["speaker"], hello["text"], hello.get("understood")) == ("callee", "Hello?", "hello")
    assert maria["first_response_ms"] is not None and len(maria["turn_latencies_ms"]) >= 3
    assert "call us back" in rows["james-voicemail"]["voicemail_message"]
    assert report["summary"]["turn_latency_p50_ms"] is not None


def test_people_who_call_the_office_end_as_they_expect():
    """Inbound personas: customers returning a call or about the appointment they have, and strangers."""
    result = simulate("simulator/personas/inbound.yaml", "--text", "--json", "--now", "2027-01-05T08:30:00-05:00")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(result.stdout)
    rows = {row["name"]: row for row in report["personas"]}
    assert report["summary"]["passed"] == report["summary"]["total"] == 10
    assert not report["summary"]["wrong_bookings"] and not report["summary"]["missed_opt_outs"]
    assert rows["raj-moves-his"]["appointment"]["start"] != "2027-01-07T11:00:00-05:00"  # moved, to his pick
    sam = [turn["text"] for turn in rows["sam-says-yes-to-an-either-or"]["transcript"]]
    assert "Just to be clear: you'll be there" in sam[2]  # a bare yes to "make it, move it or cancel it?" is asked
    nadia = rows["nadia-returns-the-call"]["transcript"]
    assert nadia[0]["speaker"] == "agent" and "Thank you for calling Simulation" in nadia[0]["text"]


def test_a_yes_to_stop_calling_is_asking_not_to_be_called_and_a_hint_alone_is_not(tmp_path):
    """How `simulate` counts missed opt-outs: a person who hinted ("Oh, you people again") and then said yes
    to "Would you like us to stop calling you?" asked, even where the line turned the yes into "yeah no";
    one who was never asked the question, and so never said the yes, did not (that call fails as not
    understood)."""
    people = tmp_path / "people.yaml"
    people.write_text(
        "personas:\n"
        "  - name: rita-hints\n"
        '    number: "+12025550290"\n'
        "    turns:\n"
        '      - {say: "Yes, speaking.", intent: yes_identity}\n'
        '      - {say: "Oh, you people again.", intent: opt_out_unsure, after_hearing: [time]}\n'
        '      - {say: "Yes.", intent: "yes", after_hearing: [stop calling]}\n'
        "    expect: {outcome: do_not_call}\n"
    )
    (rita,) = personas_load(people).values()

    def callee(*said):
        return [{"speaker": "callee", "text": text} for text in said]

    assert asked_not_to_be_called(rita, callee("Hello?", "yes speaking", "oh you people again", "yeah no"))
    assert not asked_not_to_be_called(rita, callee("Hello?", "yes speaking", "oh you people again"))
    repeated = callee("Hello?", "yes speaking", "yes speaking", "oh you people again")  # asked to repeat its yes
    assert not asked_not_to_be_called(rita, repeated, said_turns=[None, 0, 0, 1])  # Phonify: the yes is unsaid
    assert asked_not_to_be_called(rita, callee("Hello?", "a", "b", "c"), said_turns=[None, 0, 1, 2])


def test_an_opt_out_counts_as_asked_once_it_was_said_not_before(tmp_path):
    """A person who hung up before reaching the line that asks not to be called (its patience ran out) did not
    ask: its call fails as the outcome it reached, not as a missed opt-out. Once said, it asked, whatever the
    agent made of it."""
    people = tmp_path / "people.yaml"
    people.write_text(
        "personas:\n"
        "  - name: pat-opts-out\n"
        '    number: "+12025550291"\n'
        "    turns:\n"
        '      - {say: "Yes, speaking.", intent: yes_identity}\n'
        '      - {say: "Delete my number.", intent: opt_out, after_hearing: [time]}\n'
        "    expect: {outcome: do_not_call}\n"
    )
    (pat,) = personas_load(people).values()
    assert not asked_not_to_be_called(pat, [], said_turns=[None, 0])  # hung up while the agent was still offering
    assert asked_not_to_be_called(pat, [], said_turns=[None, 0, 1])


def test_it_explains_bad_input():
    result = simulate("no-such-file.yaml", "--text")
    assert result.returncode != 0 and "no-such-file.yaml" in result.stderr
    result = simulate(SUITE, "--text", "--now", "tomorrow")
    assert result.returncode != 0 and "ISO-8601" in result.stderr


def test_with_audio_a_representative_set_ends_as_expected():
    """The agent hears and speaks: Piper voices on both sides, pocketsphinx grammars, barge-in, machines
    with and without a beep; each call's recording is kept. On a wideband line: what the telephone leg does
    to recognition is measured by test_realistic_audio.py and bench/recognition_phrasings.py."""
    result = simulate(
        "simulator/personas/audio_sample.yaml", "--json", "--wideband", "--concurrency", "4",
        "--now", "2026-11-24T08:00:00-05:00",
    )  # fmt: skip
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    failed = [row for row in report["personas"] if not row["passed"]] if report else result.stderr[-3000:]
    assert result.returncode == 0, failed
    rows = {row["name"]: row for row in report["personas"]}
    assert report["summary"]["passed"] == report["summary"]["total"] == 7, report["summary"]
    for name in ("olga-talks-over-the-agent", "nina-says-mm-hm"):
        (barge_in,) = rows[name]["barge_ins"]
        assert barge_in["agent_stopped_after_ms"] is not None and barge_in["agent_stopped_after_ms"] < 500, barge_in
    nina = [turn["text"] for turn in rows["nina-says-mm-hm"]["transcript"] if turn["speaker"] == "agent"]
    assert not any("didn't quite catch" in text for text in nina), nina  # "mm-hm" did not derail it
    for name in ("james-voicemail", "grace-voicemail-without-a-beep"):
        said = [turn["text"] for turn in rows[name]["transcript"] if turn["speaker"] == "agent"]
        assert said[-1] == rows[name]["voicemail_message"] and said.count(said[-1]) == 1, said  # once, at the end
        assert len(said) <= 2, said  # at most a greeting begun after the machine's first word, cut off at once
    james = rows["james-voicemail"]["transcript"]  # the greeting its beep cut short is kept, before the message
    assert [turn["speaker"] for turn in james[-2:]] == ["callee", "agent"], james
    maria = rows["maria-books-an-offered-time"]
    assert maria["first_response_ms"] is not None and len(maria["turn_latencies_ms"]) >= 3
    assert maria["transcript"][1]["speaker"] == "agent" and "Is this Maria?" in maria["transcript"][1]["text"]
    assert maria["recording_seconds"] and maria["recording_seconds"] > 10
