"""The parts a call session is put together from, each on its own: the turn timer (one wait at a time, work
alongside that never fails another call), the turn log (numbered in the order things happened, guesses
marked), what the first words say about a machine, the speaking side in text mode, and the speech stack."""

import asyncio
import json
import logging

import pytest

from agent.pipeline.machine import LONG_GREETING, FirstWords
from agent.session_speaking import SpeakingSide
from agent.session_timer import TurnTimer
from agent.session_turns import TurnLog
from agent.speech.backend import CpuSpeech, speech_backend
from agent.speech.grammars import Listening
from agent.speech.recognition import CONFIDENT, Recognition
from calls.models import Turn


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_wait_fires_once_and_a_new_wait_replaces_the_one_running():
    fired = []

    async def scene():
        timer = TurnTimer("call")

        async def note(what):
            fired.append(what)

        timer.after(0.05, lambda: note("first"))
        timer.after(0.02, lambda: note("second"))  # the callee did something: the first wait is gone
        await asyncio.sleep(0.1)
        timer.after(0.02, lambda: note("third"))
        timer.cancel()
        timer.after_unless(0.02, lambda: note("fourth"), busy=lambda: True)  # they are talking by then
        await asyncio.sleep(0.06)

    run(scene())
    assert fired == ["second"]


def test_work_alongside_the_call_is_stopped_with_it_and_its_failure_is_only_logged(caplog):
    async def scene():
        timer = TurnTimer("call-7")

        async def fails():
            raise RuntimeError("the calendar broke")

        forever = timer.spawn(asyncio.sleep(60))
        timer.spawn(fails())
        await asyncio.sleep(0.01)
        timer.stop()
        await asyncio.sleep(0)
        return forever.cancelled()

    with caplog.at_level(logging.ERROR, logger="agent.session"):
        assert run(scene())
    assert "call-7" in caplog.text and "the calendar broke" in caplog.text


def test_first_words_add_up_to_a_machine_by_length_or_by_what_machines_say():
    hello = FirstWords(began=0.0)
    assert not hello.add(voiced_seconds=0.6) and not hello.unsure()
    greeting = FirstWords(began=0.0)
    assert not greeting.add(voiced_seconds=LONG_GREETING / 2)  # a machine pauses between sentences …
    assert greeting.add(voiced_seconds=LONG_GREETING / 2)  # … and its greeting adds up
    phrase = FirstWords(began=0.0)
    assert phrase.add(spotted={"leave a message"})
    weak = FirstWords(began=0.0)
    assert not weak.add(spotted={"not available"}) and weak.unsure()  # "he's not available": maybe a person
    assert weak.young(now=14.0) and not weak.young(now=16.0)


@pytest.mark.django_db(transaction=True)
def test_turns_go_on_from_the_last_saved_and_keep_what_the_agent_did_not_act_on_marked(call):
    async def scene():
        timer = TurnTimer(call.pk)
        first = TurnLog(call.pk, timer)
        await first.add(Turn.Speaker.CALLEE, "Hello?")
        again = await TurnLog.resumed(call.pk, timer)  # the fork connected again
        guess = Recognition("this is he at nine", CONFIDENT / 2)
        index = await again.add(Turn.Speaker.CALLEE, "this is he at nine", recognition=guess, wait=False)
        nothing = await again.add(Turn.Speaker.CALLEE, "", recognition=Recognition("", 0.0))
        await again.understood(index, "unclear")
        return index, nothing

    index, nothing = run(scene())
    turns = {turn.index: turn for turn in Turn.objects.filter(call=call)}
    assert sorted(turns) == [1, 2, 3] and index == 2 and nothing == 3
    assert turns[2].text == "(this is he at nine?)" and turns[2].understood == "unclear"
    assert turns[3].text == "(not understood)"


class Socket:
    def __init__(self):
        self.sent = []

    async def send(self, message):
        self.sent.append(json.loads(message))


@pytest.mark.django_db(transaction=True)
def test_the_speaking_side_says_words_with_a_mark_and_says_goodbye_before_it_disconnects(call):
    socket, statuses = Socket(), []

    async def scene():
        timer = TurnTimer(call.pk)
        side = SpeakingSide(socket, TurnLog(call.pk, timer), FirstWords(began=0.0), statuses.append)
        await side.say("Hi, is this Maria?")
        assert side.last_said("said-1")
        await side.goodbye(transfer_to="+12025550199")
        await side.played("goodbye", played=True)

    run(scene())
    kinds = [message["type"] for message in socket.sent]
    assert kinds == ["playAudio", "mark", "transfer", "mark", "disconnect"]
    assert socket.sent[0]["data"]["textContent"] == "Hi, is this Maria?"
    assert socket.sent[1]["data"] == {"name": "said-1", "text": "Hi, is this Maria?"}
    assert socket.sent[2]["data"] == {"number": "+12025550199"}
    assert socket.sent[4]["data"] == {"reason": "goodbye"}
    assert statuses == ["speaking", ""]
    assert Turn.objects.get(call=call).text == "Hi, is this Maria?"


def test_the_cpu_speech_stack_is_the_default_and_its_ears_listen_for_the_callees_name(settings):
    assert isinstance(speech_backend(), CpuSpeech)
    grammar = CpuSpeech().grammar(Listening(state="identify", first_name="Maria"))
    assert "maria" in grammar.lower()
