"""Recognition in worker processes hears what the in-process recogniser hears, knows the same words, and
carries on when a worker dies."""

import os
import signal

import pytest

from agent.pipeline.machine import PHRASES
from agent.speech.grammars import Listening, grammar_for
from agent.speech.recognizer import SphinxRecognizer
from agent.speech.recognizer_processes import RecognizerProcesses
from agent.speech.tts import voice_named


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
