"""Text mode: personas and the agent exchange words over the audio fork's text channel."""

import asyncio
import json
import time
import uuid

import pytest

from phonify.personas import personas_load
from phonify.thread import SwitchThread
from tests.phonify.conftest import RawClient, fork_server

pytestmark = pytest.mark.database_free  # Phonify only


def agent_line(text: str) -> str:
    return json.dumps(
        {
            "type": "playAudio",
            "data": {"audioContentType": "raw", "sampleRate": 8000, "audioContent": "", "textContent": text},
        }
    )


class ScriptedAgent:
    """Answers each thing the callee says with its next line; can also speak first (for voicemail)."""

    def __init__(self, lines: list, speak_after_metadata: float | None = None) -> None:
        self.lines, self.heard = list(lines), []
        self.speak_after_metadata = speak_after_metadata
        self.port = fork_server(self.conversation)

    async def conversation(self, socket) -> None:
        await socket.recv()  # metadata
        if self.speak_after_metadata is not None:
            await asyncio.sleep(self.speak_after_metadata)
            await socket.send(agent_line(self.lines.pop(0)))
        async for message in socket:
            said = json.loads(message)
            if said.get("type") == "phonify.speech":
                self.heard.append(said["text"])
                if self.lines:
                    step = self.lines.pop(0)
                    for line in [step] if isinstance(step, str) else step:  # several lines in a row
                        await socket.send(agent_line(line))


@pytest.fixture
def text_phonify():
    runner = SwitchThread(port=0, personas=personas_load(), time_scale=0.01, text_mode=True)
    switch = runner.start()
    yield switch
    runner.stop()


def call_with_fork(switch, number: str, agent: ScriptedAgent) -> str:
    raw = RawClient(switch.port)
    raw.login()
    call = str(uuid.uuid4())
    raw.send(f"api originate {{origination_uuid={call},execute_on_answer=avmd_start}}sofia/gateway/gw/{number} &park()")
    assert raw.frame()[2] == f"+OK {call}\n".encode()
    raw.send(f"api uuid_audio_fork {call} start ws://127.0.0.1:{agent.port}/ mono 16k fork {{}}")
    assert raw.frame()[2] == b"+OK Success\n"
    return call


def wait_until_ended(switch, call: str) -> None:
    deadline = time.monotonic() + 10
    while switch.channels[call].alive:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_it_holds_a_conversation_and_waits_for_the_words_a_turn_answers(text_phonify):
    agent = ScriptedAgent(
        [
            "Hi, this is Ava, an automated assistant for Demo Insurance. Is this Maria?",
            [
                "Thanks, Maria.",  # no "appointment" or "time" in this line: Maria waits for the next
                "I'm calling to set up your annual review appointment. Would Thursday at two or four work?",
            ],
            "The first or the second one?",
            "You're booked for Thursday at four. Goodbye!",
        ]
    )
    call = call_with_fork(text_phonify, "+12025550143", agent)
    wait_until_ended(text_phonify, call)
    assert agent.heard == ["Hello?", "Yes, speaking.", "Thursday afternoon works for me.", "The second one please."]
    transcript = [(line["speaker"], line["text"]) for line in text_phonify.channels[call].transcript]
    assert transcript[:4] == [
        ("callee", "Hello?"),
        ("agent", "Hi, this is Ava, an automated assistant for Demo Insurance. Is this Maria?"),
        ("callee", "Yes, speaking."),
        ("agent", "Thanks, Maria."),
    ]
    assert transcript[4][0] == "agent" and "appointment" in transcript[4][1]
    assert transcript[5] == ("callee", "Thursday afternoon works for me.")


def test_it_records_the_message_left_after_the_beep(text_phonify):
    agent = ScriptedAgent(
        ["Hi James, this is Ava calling from Demo Insurance office to set an appointment. Please call us back."],
        speak_after_metadata=0.3,  # after the greeting (about 0.07 s here) and its beep
    )
    call = call_with_fork(text_phonify, "+13125550123", agent)
    wait_until_ended(text_phonify, call)
    channel = text_phonify.channels[call]
    assert agent.heard[0].startswith("Hi, you've reached James Carter.")
    assert channel.beeped_at is not None and "avmd::beep" in [name for _, name in channel.timeline]
    assert channel.voicemail_recording == [
        "Hi James, this is Ava calling from Demo Insurance office to set an appointment. Please call us back."
    ]


def test_the_fork_ending_from_the_agents_end_is_reported_as_the_real_module_does(text_phonify):
    async def goodbye_then_close(socket) -> None:
        await socket.recv()  # metadata
        await socket.send(json.dumps({"type": "disconnect", "data": {"reason": "goodbye"}}))
        await asyncio.sleep(0.2)  # then the agent's end closes (its process stopping does the same)

    port = fork_server(goodbye_then_close)
    raw = RawClient(text_phonify.port)
    raw.login()
    raw.send("event plain CUSTOM mod_audio_fork::disconnect")
    raw.frame()
    call = str(uuid.uuid4())
    raw.send(f"api originate {{origination_uuid={call}}}sofia/gateway/gw/+12025550143 &park()")
    raw.frame()
    raw.send(f"api uuid_audio_fork {call} start ws://127.0.0.1:{port}/ mono 16k fork {{}}")
    raw.frame()

    headers, body = raw.event("mod_audio_fork::disconnect")
    assert headers["Unique-ID"] == call and json.loads(body) == {"reason": "goodbye"}  # the agent's message
    headers, body = raw.event("mod_audio_fork::disconnect")
    assert body == ""  # the connection closed from the agent's end, even while the persona waits to talk
    assert text_phonify.channels[call].alive  # neither hangs up: that is the listener's to do


CHECKED_PEOPLE = """
personas:
  - name: wrong-number
    number: "+12025550161"
    answer: human
    rings: 1
    greeting: "Hello?"
    turns:
      - say: "Oh, I think you have the wrong number."
        intent: wrong_person
  - name: maria-says-yes
    number: "+12025550162"
    answer: human
    rings: 1
    greeting: "Hello?"
    turns:
      - say: "Yes, speaking."
        intent: yes_identity
"""


def test_a_person_answers_did_you_say_as_their_words_meant_it(tmp_path):
    """When the agent only guessed words that would end the call it asks about them ("Did you say I have the
    wrong number?"); a simulated person says yes when that is what they meant, no when not — as people do,
    instead of falling silent once their own turns are said."""
    people = tmp_path / "people.yaml"
    people.write_text(CHECKED_PEOPLE)
    runner = SwitchThread(port=0, personas=personas_load(people), time_scale=0.01, text_mode=True)
    switch = runner.start()
    try:
        asked = "Sorry, I may have misheard. Did you say I have the wrong number? Press 1 for yes, or 2 for no."
        for number, answer in (("+12025550161", "Yes, that's right."), ("+12025550162", "No.")):
            agent = ScriptedAgent(["Hi, this is Ava calling for Demo Insurance. Is this Maria?", asked, "Goodbye."])
            call = call_with_fork(switch, number, agent)
            wait_until_ended(switch, call)
            assert agent.heard[-1] == answer, agent.heard
    finally:
        runner.stop()
