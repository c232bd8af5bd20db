"""mod_audio_fork as jambonz builds it: Phonify connects to the agent's WebSocket, sends the metadata
text frame, then the callee's audio as binary L16 (little-endian, mono) every 20 ms in real time, and
handles what the agent sends back (shared/notes/audio-streaming.md §2–4).

Each tick sends the callee side's frame due now (a persona's speech, a voicemail greeting, else
silence) and plays 20 ms of what the agent sent (binary frames or playAudio) into the call: the persona's
ear hears it, the channel keeps it, and jambonz's marks are answered once the audio before them played.

As the real module, it fires `mod_audio_fork::disconnect` when the agent sends `disconnect` (its data as the
body) and, with no body, when the connection closes or drops from the agent's end; closing it itself (the
call hung up, `stop`) fires nothing.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import time
import wave
from typing import TYPE_CHECKING

import numpy as np
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from phonify.call_audio import Playout
from phonify.channel import Channel
from phonify.conversation import TextConversation
from phonify.fork_words import EVENT_PREFIX, SUBPROTOCOL, ForkEvent, FromAgent, MarkReply
from phonify.voice import resample

if TYPE_CHECKING:
    from phonify.switch_side import ForkSwitch

FRAME_SECONDS = 0.020
RATES = {"8k": 8000, "16k": 16000, "8000": 8000, "16000": 16000, "24000": 24000, "32000": 32000, "64000": 64000}


class AudioFork:
    def __init__(
        self,
        switch: ForkSwitch,
        channel: Channel,
        *,
        url: str,
        rate: int,
        metadata: str,
        stream_rate: int | None = None,
    ) -> None:
        self.switch, self.channel = switch, channel
        self.url, self.rate, self.metadata = url, rate, metadata
        self.stream_rate = stream_rate  # binary frames from the agent are played only with bidirectional streaming
        self.socket = None
        self.closed_here = False  # the switch closed the socket (hangup, stop): the module reports nothing then
        self.frames_sent = 0
        self.lateness_ms: list[float] = []  # how late each frame left, for the real-time bench
        self._task: asyncio.Task | None = None
        self.playout = Playout(rate)
        self.conversation = TextConversation(self, channel) if switch.text_mode else None

    def start(self) -> None:
        self._task = self.switch.spawn(self._run())

    async def _run(self) -> None:
        try:
            self.socket = await connect(self.url, subprotocols=[SUBPROTOCOL], open_timeout=5, compression=None)
        except (TimeoutError, OSError, WebSocketException) as problem:
            self._event(ForkEvent.CONNECT_FAILED, {"reason": str(problem)})
            return
        self._event(ForkEvent.CONNECT)
        try:
            await self.socket.send(self.metadata)
            if self.conversation is not None:  # text mode: words instead of audio frames
                await self._converse()
            else:
                await asyncio.gather(self._send_audio(), self._receive())
        except (WebSocketException, ConnectionError):
            pass
        finally:
            if not self.closed_here:  # closed or dropped from the agent's end ("connection dropped from far end")
                self._event(ForkEvent.DISCONNECT)

    async def _converse(self) -> None:
        """Text mode: the persona talks while the agent's messages come in, until the socket closes from
        either end."""
        alongside = [asyncio.ensure_future(self.conversation.run()), asyncio.ensure_future(self._close_on_hangup())]
        try:
            await self._receive()
        finally:
            for task in alongside:
                task.cancel()
            await asyncio.gather(*alongside, return_exceptions=True)

    async def _send_audio(self) -> None:
        samples = int(self.rate * FRAME_SECONDS)
        silence = bytes(samples * 2)
        channel = self.channel
        start = time.monotonic()
        while channel.alive:
            due = start + self.frames_sent * FRAME_SECONDS
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            self.lateness_ms.append((time.monotonic() - due) * 1000)
            at = due - channel.origin
            await self.socket.send(channel.callee_audio.frame(at, self.rate, samples) or silence)
            self.frames_sent += 1
            self._play(at, samples * 2, silence)
        self.closed_here = True
        await self.socket.close()

    def _play(self, at: float, size: int, silence: bytes) -> None:
        """Play the agent's next 20 ms into the call (the persona hears it) and answer reached marks."""
        channel = self.channel
        frame, reached = self.playout.take(size)
        for name in reached:
            self._mark_reply(name, MarkReply.PLAYOUT)
        if frame is not None:
            channel.agent_playing = True
            channel.agent_frame_played(at, frame, self.rate)
            return
        if channel.agent_playing:
            channel.agent_stopped_playing()
        if channel.ear is not None:
            channel.ear.hear(silence, self.rate, at, silent=True)

    def _mark_reply(self, name: str, event: MarkReply) -> None:
        if self.socket is not None:
            reply = {"type": FromAgent.MARK, "data": {"name": name, "event": event}}
            self.switch.spawn(self.socket.send(json.dumps(reply)))

    async def _close_on_hangup(self) -> None:
        while self.channel.alive:
            await asyncio.sleep(0.02)
        self.closed_here = True
        await self.socket.close()

    async def _receive(self) -> None:
        async for message in self.socket:
            if isinstance(message, bytes):
                if self.stream_rate:  # bidirectional streaming: raw L16 at its rate, resampled to the call's
                    self.channel.agent_audio_arrived()
                    samples = np.frombuffer(message[: len(message) - len(message) % 2], dtype=np.int16)
                    self.playout.queue(resample(samples, self.stream_rate, self.rate).tobytes())
                continue  # without it the real module discards binary frames
            try:
                command = json.loads(message)
            except ValueError:
                continue  # logged and dropped by the real module
            self._handle(command)

    def _handle(self, command: dict) -> None:
        kind = command.get("type")
        data = command.get("data") or {}
        if kind == FromAgent.PLAY_AUDIO:
            self._event(ForkEvent.PLAY_AUDIO, {**data, "audioContent": "file"})
            if self.conversation is not None:  # text mode: words, not audio; they are "played" at once
                self.conversation.agent_text(data.get("textContent", ""))
                return
            self.channel.agent_audio_arrived()
            self.playout.queue(self._decoded(data))
        elif kind == FromAgent.KILL_AUDIO:
            for name in self.playout.kill():
                self._mark_reply(name, MarkReply.CLEARED)
            if self.channel.agent_playing:
                self.channel.agent_stopped_playing()
            self._event(ForkEvent.KILL_AUDIO)
        elif kind == FromAgent.MARK:
            if self.conversation is not None:  # text mode: everything sent before it has been said
                self._mark_reply(str(data.get("name", "")), MarkReply.PLAYOUT)
                return
            if data.get("text"):  # the words the audio before it says (a person understands the agent)
                self.channel.agent_words.append(str(data["text"]))
            self.playout.mark(str(data.get("name", "")))
        elif kind == FromAgent.CLEAR_MARKS:
            for name in self.playout.clear_marks():
                self._mark_reply(name, MarkReply.CLEARED)
        elif kind in (FromAgent.TRANSCRIPTION, FromAgent.TRANSFER, FromAgent.ERROR):
            self._event(ForkEvent(kind), data)
        elif kind == FromAgent.DISCONNECT:
            self._event(ForkEvent.DISCONNECT, data or None)  # the real module does not hang up either
        elif kind == FromAgent.JSON:
            self._event(ForkEvent.JSON, command)

    def _decoded(self, data: dict) -> bytes:
        """playAudio's content as L16 at the fork's rate: raw at `sampleRate`, or a WAV file."""
        try:
            content = base64.b64decode(data.get("audioContent", "") or b"")
        except ValueError:
            return b""
        rate = int(data.get("sampleRate") or self.rate)
        if data.get("audioContentType") == "wave" or content[:4] == b"RIFF":
            try:
                with wave.open(io.BytesIO(content)) as recording:
                    rate, content = recording.getframerate(), recording.readframes(recording.getnframes())
            except (wave.Error, EOFError):
                return b""
        samples = np.frombuffer(content[: len(content) - len(content) % 2], dtype=np.int16)
        return resample(samples, rate, self.rate).tobytes()

    async def send_text(self, text: str) -> None:
        if self.socket is not None:
            await self.socket.send(text)

    async def stop(self, text: str = "") -> None:
        self.closed_here = True
        if self.socket is not None:
            if text:
                await self.socket.send(text)
            await self.socket.close()
        if self._task is not None:
            self._task.cancel()

    def _event(self, name: ForkEvent, body: dict | None = None) -> None:
        self.switch.publish(
            "CUSTOM", channel=self.channel, subclass=EVENT_PREFIX + name, body=json.dumps(body) if body else ""
        )
