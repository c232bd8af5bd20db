"""Personas that speak and listen over real audio (the default mode): synthesised speech into the fork,
a VAD and recogniser on what the agent plays, voicemail greetings, beeps and messages, barge-in, early
media, and both legs recorded as a stereo WAV. These calls run in real time (a few seconds each)."""

import json
import time
import uuid
import wave

import numpy as np
import pytest

from phonify.personas import Persona, Turn
from phonify.thread import SwitchThread
from tests.phonify.conftest import RawClient
from tests.phonify.speaking_agent import SpeakingAgent

pytestmark = pytest.mark.database_free  # Phonify and speech only

MARIA = "+12025550143"


@pytest.fixture
def speaking_phonify(tmp_path):
    runners = []

    def start(*personas, **options):
        options = {"ring_seconds": 0.2, "record_dir": tmp_path, **options}
        runner = SwitchThread(port=0, personas={p.number: p for p in personas}, **options)
        runners.append(runner)
        switch = runner.start()
        switch.raw = RawClient(switch.port)
        switch.raw.login()
        return switch

    yield start
    for runner in runners:
        runner.stop()


def call_with_agent(switch, number: str, agent: SpeakingAgent, variables: str = "") -> str:
    call = str(uuid.uuid4())
    switch.raw.send(f"api originate {{origination_uuid={call}{variables}}}sofia/gateway/gw/{number} &park()")
    assert switch.raw.frame()[2] == f"+OK {call}\n".encode()
    switch.raw.send(f"api uuid_audio_fork {call} start ws://127.0.0.1:{agent.port}/ mono 16k fork {{}}")
    assert switch.raw.frame()[2] == b"+OK Success\n"
    return call


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def end_call(switch, call: str) -> dict:
    switch.raw.send(f"api uuid_kill {call}")
    switch.raw.frame()
    channel = switch.channels[call]
    assert channel.settled.wait(30)
    return json.loads((switch.record_dir / f"{call}.json").read_text())


def said_by(channel, speaker: str) -> list[str]:
    return [line["text"] for line in channel.transcript if line["speaker"] == speaker]


def test_a_person_speaks_each_turn_after_the_agent_stops_and_waits_for_the_words_it_answers(speaking_phonify):
    maria = Persona(
        name="maria",
        number=MARIA,
        rings=1,
        turns=(
            Turn("Yes, speaking."),
            Turn("Thursday afternoon works for me.", after_hearing=("appointment",)),
            Turn("The second one please."),
        ),
    )
    switch = speaking_phonify(maria)
    agent = SpeakingAgent(
        [
            "Hi, this is Ava from Demo Insurance. Is this Maria?",
            ["Thank you.", "I am calling to set up your annual review appointment. Does Thursday work?"],
            "I have two or four in the afternoon.",
            "You are booked for four. Goodbye.",
        ]
    )
    call = call_with_agent(switch, MARIA, agent)
    channel = switch.channels[call]
    wait_for(lambda: len(said_by(channel, "agent")) == 5, 60)  # the persona heard the agent's last line out
    record = end_call(switch, call)

    assert said_by(channel, "callee") == [
        "Hello?",
        "Yes, speaking.",
        "Thursday afternoon works for me.",
        "The second one please.",
    ]
    heard = [line for line in channel.transcript if line["speaker"] == "agent"]  # recognised from its audio
    appointment_line = heard[2]["text"].split() + heard[2].get("spotted", [])  # open model or keyword spotting
    assert len(heard) == 5 and "appointment" in appointment_line
    assert "thank" in heard[1]["text"]
    appointment_line_sent = agent.sent_lines[2][0]
    thursday_said = next(line["at"] for line in channel.transcript if line["text"].startswith("Thursday"))
    assert thursday_said > appointment_line_sent  # "Thank you." alone did not answer the turn
    assert agent.callee_speech_seconds() > 3  # the agent received the persona's voice as audio frames

    assert record["audio"] == f"{call}.wav"
    with wave.open(str(switch.record_dir / record["audio"])) as recording:
        assert (recording.getnchannels(), recording.getframerate()) == (2, 16000)
        legs = np.frombuffer(recording.readframes(recording.getnframes()), np.int16).reshape(-1, 2)
    callee_energy, agent_energy = np.abs(legs.astype(np.int32)).mean(axis=0)
    assert callee_energy > 50 and agent_energy > 50  # both sides are on the recording


def test_a_person_asked_to_repeat_says_it_again_more_slowly_once(speaking_phonify):
    maria = Persona(
        name="maria",
        number=MARIA,
        rings=1,
        turns=(Turn("Yes, speaking."), Turn("Thursday afternoon works for me.")),
        voice={"rhythm": 0},  # the same words take the same time at the same speed (Piper varies them by ~5 %)
    )
    switch = speaking_phonify(maria)
    again = "Sorry, I didn't quite catch that. Is this Maria?"
    agent = SpeakingAgent(["Hi, this is Ava. Is this Maria?", again, again, "Thank you. Goodbye."], marks=True)
    call = call_with_agent(switch, MARIA, agent)
    channel = switch.channels[call]
    wait_for(lambda: len(said_by(channel, "agent")) == 4, 60)
    end_call(switch, call)

    assert said_by(channel, "callee") == [
        "Hello?",
        "Yes, speaking.",
        "Yes, speaking.",
        "Thursday afternoon works for me.",
    ]
    assert channel.said_turns == [None, 0, 0, 1]  # the repeat is labelled as the turn it repeats, and said once
    _, first, repeat, _ = channel.callee_audio.segments
    assert len(repeat.samples) > 1.1 * len(first.samples)  # the same words, more slowly


def test_a_voicemail_box_greets_beeps_and_transcribes_the_message_left(speaking_phonify):
    box = Persona(
        name="box",
        number=MARIA,
        answer="voicemail",
        rings=1,
        greeting="Please leave a message.",
        expect={"voicemail_contains": ["office", "appointment"]},
    )
    switch = speaking_phonify(box)
    message = "Hi James, this is Ava calling from the Demo office to set an appointment. Please call us back."
    agent = SpeakingAgent([message])
    call = call_with_agent(switch, MARIA, agent, ",execute_on_answer=avmd_start")
    channel = switch.channels[call]
    wait_for(lambda: agent.sent_lines and time.time() > agent.speaking_until + 1.0, 40)
    record = end_call(switch, call)

    assert "avmd::beep" in [name for _, name in channel.timeline]
    beep_event_at = next(at for at, name in channel.timeline if name == "avmd::beep")
    assert agent.sent_lines[0][0] > beep_event_at  # the agent spoke after the beep
    assert "call" in " ".join(record["voicemail_recording"])  # the open model's rough transcript
    assert {"appointment", "office"} <= set(
        record["voicemail_spotted"]
    )  # the message also says "call us back"  # the words the persona listened for
    assert said_by(channel, "callee") == ["Please leave a message."]


def test_a_person_talks_over_the_agent_and_the_recording_times_how_soon_the_agent_stopped(speaking_phonify):
    maria = Persona(
        name="maria",
        number=MARIA,
        rings=1,
        turns=(Turn("Yes, speaking."), Turn("Sorry, who is calling?")),
        barge_in_at=1,
    )
    switch = speaking_phonify(maria)
    long_line = (
        "Great. I am calling from Demo Insurance about your annual policy review, which is due next month, "
        "and I would like to find a time that suits you for a short meeting with your agent."
    )
    agent = SpeakingAgent(["Hi, is this Maria?", long_line, "This is Ava from Demo Insurance."], kill_on_speech=True)
    call = call_with_agent(switch, MARIA, agent)
    channel = switch.channels[call]
    # the first line, the cut one, and the answer, played out (the persona's ear may hear the cut line and the
    # answer as one utterance when the answer follows closely, so its transcript is not what is counted)
    wait_for(lambda: len(agent.sent_lines) == 3 and time.time() > agent.speaking_until + 0.5, 60)
    record = end_call(switch, call)

    barged = [line for line in channel.transcript if line.get("barge_in")]
    assert [line["text"] for line in barged] == ["Sorry, who is calling?"]
    assert agent.kills, "the agent heard the persona talk over it"
    (barge_in,) = record["barge_ins"]
    assert 0 < barge_in["agent_stopped_after_ms"] < 500
    long_line_seconds = agent.sent_lines[1][1]
    agent_seconds = len(channel.heard_audio) / 2 / 16000
    assert agent_seconds < agent.sent_lines[0][1] + long_line_seconds  # the long line was cut short


def early_events(switch, variables: str) -> list[str]:
    raw = RawClient(switch.port)
    raw.login()
    raw.send("event plain CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER BACKGROUND_JOB")
    raw.frame()
    raw.send(f"bgapi originate {{{variables}}}sofia/gateway/gw/{MARIA} &park()")
    raw.frame()
    names = []
    while "CHANNEL_ANSWER" not in names or "BACKGROUND_JOB" not in names:
        _, framing, body = raw.frame()
        if framing.get("Content-Type") == "text/event-plain":
            names.append(body.decode().split("Event-Name: ", 1)[1].split("\n", 1)[0])
    return names


def test_early_media_counts_as_success_for_originate_unless_ignored(speaking_phonify):
    ringing = Persona(name="ringing", number=MARIA, rings=3, early_media=True, hangup_after=1)
    switch = speaking_phonify(ringing, time_scale=0.05, ring_seconds=4.0)
    assert early_events(switch, "") == [
        "CHANNEL_PROGRESS",
        "CHANNEL_PROGRESS_MEDIA",
        "BACKGROUND_JOB",
        "CHANNEL_ANSWER",
    ]
    assert early_events(switch, "ignore_early_media=true") == [
        "CHANNEL_PROGRESS",
        "CHANNEL_PROGRESS_MEDIA",
        "CHANNEL_ANSWER",
        "BACKGROUND_JOB",
    ]


def test_a_fork_started_on_early_media_hears_the_ringback(speaking_phonify):
    ringing = Persona(name="ringing", number=MARIA, rings=3, early_media=True, hangup_after=1)
    switch = speaking_phonify(ringing, time_scale=0.05, ring_seconds=4.0)
    agent = SpeakingAgent([])
    call = call_with_agent(switch, MARIA, agent)  # +OK came on early media, before the answer
    assert switch.channels[call].answered_us == 0
    wait_for(lambda: len(agent.callee_audio) >= 640 * 10, 5)
    first = np.frombuffer(bytes(agent.callee_audio[: 640 * 10]), np.int16).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(first))
    loudest = np.fft.rfftfreq(len(first), 1 / 16000)[spectrum.argmax()]
    assert 430 < loudest < 490  # North American ringback: 440 + 480 Hz


def test_a_voicemail_dropped_with_uuid_broadcast_is_heard_and_transcribed(speaking_phonify, tmp_path):
    from phonify.call_audio import write_call_wav
    from phonify.voice import synthesize

    message = tmp_path / "message.wav"
    words = synthesize("This is the Demo office calling about your appointment. Please call us back.")
    write_call_wav(message, words, words)  # a stereo file: Phonify mixes it down
    box = Persona(
        name="box",
        number=MARIA,
        answer="voicemail",
        rings=1,
        greeting="Leave a message.",
        expect={"voicemail_contains": ["office", "appointment"]},  # listened for with keyword spotting
    )
    switch = speaking_phonify(box)
    call = str(uuid.uuid4())
    switch.raw.send(f"api originate {{origination_uuid={call}}}sofia/gateway/gw/{MARIA} &park()")
    assert switch.raw.frame()[2] == f"+OK {call}\n".encode()
    channel = switch.channels[call]
    wait_for(lambda: channel.beeped_at is not None, 15)
    switch.raw.send(f"api uuid_broadcast {call} {message} aleg")
    assert switch.raw.frame()[2] == b"+OK Message sent\n"
    wait_for(lambda: "PLAYBACK_STOP" in [name for _, name in channel.timeline], 15)
    record = end_call(switch, call)
    assert record["voicemail_recording"], "the message was transcribed"
    assert {"appointment", "office"} <= set(record["voicemail_spotted"])  # the message also says "call us back"


def test_a_persons_words_end_where_the_voice_ends_not_where_the_synthesisers_silence_does():
    from phonify.telephone_line import through_the_line
    from phonify.voice import RATE, synthesize, voiced_seconds

    for engine in ("piper", "espeak"):
        speech = through_the_line(synthesize("Yes, speaking.", engine=engine))
        voiced = voiced_seconds(speech)
        assert 0.6 < voiced < len(speech) / RATE - 0.1  # the trailing silence is not part of the words
        assert voiced_seconds(speech[: int(voiced * RATE)]) == pytest.approx(voiced, abs=0.011)
