"""Recognition in worker processes hears what the in-process recogniser hears, knows the same words, and
carries on when a worker dies."""

import os
import signal
from pathlib import Path

import pytest

from agent.pipeline.machine import PHRASES
from agent.speech.grammars import Listening, grammar_for
from agent.speech.recognizer import SphinxRecognizer
from agent.speech.recognizer_processes import RecognizerProcesses
from agent.speech.tts import voice_named
from tests.calls.dialing_helpers import PINNED
from tests.faults.call_scene import agent_start
from tests.faults.conftest import wait_until
from tests.servers import free_port


@pytest.fixture(scope="module")
def workers():
    recognizer = RecognizerProcesses(2)
    recognizer.warm_up()
    yield recognizer
    recognizer.close()


def test_workers_hear_what_the_recogniser_in_this_process_hears(workers):
    here, voice = SphinxRecognizer(), voice_named()
    for said, state in (("Yes, speaking.", "identify"), ("The second one please.", "offer")):
        grammar = grammar_for(Listening(state=state, first_name="Maria"), known=workers.knows)
        assert grammar == grammar_for(Listening(state=state, first_name="Maria"), known=here.knows)
        audio = voice.say(said)
        assert workers.recognize(audio, grammar) == here.recognize(audio, grammar)
    greeting = voice.say("Hi, you've reached the Carters. Please leave a message after the tone.")
    assert workers.spot(greeting, PHRASES) >= {"leave a message", "after the tone"}
    assert all(workers.knows(word) for word in ("thursday", "afternoon", "maria"))
    assert not workers.knows("zzyzzxq")


def test_a_worker_that_dies_is_replaced_and_the_request_answered(workers):
    grammar = grammar_for(Listening(state="offer", first_name="Maria"), known=workers.knows)
    audio = voice_named().say("The first one please.")
    before = workers.workers()
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    assert workers.recognize(audio, grammar).text.endswith("first one please")
    assert workers.recognize(audio, grammar).text.endswith("first one please")
    assert not set(workers.workers()) & {before[0]}


def _workers_of(parent: int) -> set[int]:
    """The recognition workers a process started (its children that multiprocessing spawned)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"multiprocessing-fork" in command:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_workers_of_an_agent_killed_outright_exit_too(tmp_path):
    """SIGKILL (or the OOM killer) gives the agent no chance to close its pool: its workers must not live on,
    each holding its decoders' memory, one set more after every crash."""
    log = tmp_path / "agent.log"
    agent = agent_start(free_port(), log, PINNED, {"AGENT_RECOGNITION_PROCESSES": "2"})
    try:
        wait_until(lambda: len(_workers_of(agent.pid)) == 2, 60, "the agent's two recognition workers", log)
        workers = _workers_of(agent.pid)
    finally:
        agent.send_signal(signal.SIGKILL)
        agent.wait()
    wait_until(lambda: not any(_running(pid) for pid in workers), 10, "the orphaned workers to exit", log)
