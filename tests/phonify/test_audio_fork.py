"""The audio fork against a real WebSocket server on 127.0.0.1: metadata first, then 20 ms L16 frames in
real time; the server's audio and messages reach the call."""

import base64
import json
import threading
import time
import uuid

import numpy as np
import pytest

from tests.phonify.conftest import RawClient, fork_server

pytestmark = pytest.mark.database_free  # Phonify only


class AgentServer:
    """A stand-in for the agent's audio-fork server: records what arrives, answers like the agent may."""

    def __init__(self) -> None:
        self.received: list = []
        self.subprotocol = None
        self.closed = threading.Event()
        self.port = fork_server(self.conversation)

    async def conversation(self, socket) -> None:
        self.subprotocol = socket.subprotocol
        try:
            async for message in socket:
                self.received.append(message)
                if len(self.received) == 6:  # metadata + 5 frames: speak back
                    await socket.send(bytes(range(10)))
                    audio = base64.b64encode(np.full(160, 1000, np.int16).tobytes()).decode()  # 20 ms at 8 kHz
                    play = {
                        "type": "playAudio",
                        "data": {"audioContentType": "raw", "sampleRate": 8000, "audioContent": audio},
                    }
                    await socket.send(json.dumps(play))
                    await socket.send(json.dumps({"type": "mark", "data": {"name": "greeting"}}))
        finally:
            self.closed.set()


@pytest.fixture
def agent_server():
    return AgentServer()


@pytest.fixture
def slow_phonify():
    """Waits at 1/20: Maria answers in 0.4 s and stays 6 s, long enough to time a second of audio."""
    from phonify.personas import personas_load
    from phonify.thread import SwitchThread

    runner = SwitchThread(port=0, personas=personas_load(), time_scale=0.05)
    switch = runner.start()
    yield switch
    runner.stop()


def test_it_streams_metadata_then_real_time_frames_and_plays_what_the_agent_sends(slow_phonify, agent_server):
    phonify = slow_phonify
    raw = RawClient(phonify.port)
    raw.login()
    raw.send("event plain CUSTOM mod_audio_fork::connect mod_audio_fork::play_audio")
    raw.frame()
    call = str(uuid.uuid4())
    raw.send(f"api originate {{origination_uuid={call}}}sofia/gateway/gw/+12025550143 &park()")
    assert raw.frame()[2] == f"+OK {call}\n".encode()
    metadata = json.dumps({"call": call}, separators=(",", ":"))
    raw.send(
        f"api uuid_audio_fork {call} start ws://127.0.0.1:{agent_server.port}/calls mono 16k fork1 {metadata} true true 16000"
    )
    assert raw.frame()[2] == b"+OK Success\n"
    assert raw.event("mod_audio_fork::connect")[0]["Unique-ID"] == call

    def audio_frames():
        return [m for m in agent_server.received[1:] if isinstance(m, bytes)]

    started = time.monotonic()
    while len(audio_frames()) < 50:
        assert time.monotonic() - started < 5
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    assert agent_server.subprotocol == "audio.drachtio.org"
    assert agent_server.received[0] == metadata  # the first frame is the metadata text
    assert all(len(frame) == 640 for frame in audio_frames())  # 20 ms of 16 kHz L16 mono
    assert 0.8 < elapsed < 1.6  # 50 frames take about a second: real time, not a burst
    texts = [json.loads(m) for m in agent_server.received[1:] if isinstance(m, str)]
    assert texts == [{"type": "mark", "data": {"name": "greeting", "event": "playout"}}]

    headers, body = raw.event("mod_audio_fork::play_audio")
    assert json.loads(body)["audioContent"] == "file"
    channel = phonify.channels[call]
    heard = np.frombuffer(channel.heard_audio, np.int16)  # played in 20 ms frames at the fork's 16 kHz
    assert heard[:5].tobytes() == bytes(range(10))  # the binary frame, as sent
    assert len(heard) == 2 * 320 and (abs(heard[20:300] - 1000) < 50).mean() > 0.9  # playAudio's 8 kHz, resampled

    raw.send(f"api uuid_kill {call}")
    raw.frame()
    assert agent_server.closed.wait(2)  # the fork ends with the call


def test_it_reports_a_fork_that_cannot_connect(phonify):
    raw = RawClient(phonify.port)
    raw.login()
    raw.send("event plain CUSTOM mod_audio_fork::connect_failed")
    raw.frame()
    call = str(uuid.uuid4())
    raw.send(f"api originate {{origination_uuid={call}}}sofia/gateway/gw/+12025550143 &park()")
    raw.frame()
    raw.send(f"api uuid_audio_fork {call} start ws://127.0.0.1:9/nothing mono 8k")
    assert raw.frame()[2] == b"+OK Success\n"
    headers, body = raw.event("mod_audio_fork::connect_failed")
    assert headers["Unique-ID"] == call and "reason" in json.loads(body)
    raw.send(f"api uuid_audio_fork {call} start ws://x mono 44k")
    assert raw.frame()[2].startswith(b"-USAGE:")
    raw.send(f"api uuid_audio_fork {uuid.uuid4()} stop")
    assert raw.frame()[2] == b"-ERR Operation Failed\n"
