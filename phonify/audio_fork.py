"""mod_audio_fork as jambonz builds it: Phonify connects to the agent's WebSocket, sends the metadata
text frame, then the callee's audio as binary L16 (little-endian, mono) every 20 ms in real time, and
handles what the agent sends back (shared/notes/audio-streaming.md §2–4).

The callee's audio is silence until speaking personas land; audio the agent sends (binary frames or
playAudio) is what the callee hears, kept on the channel.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import TYPE_CHECKING

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from phonify.channel import Channel
from phonify.conversation import Conversation

if TYPE_CHECKING:
    from phonify.switch import Switch

SUBPROTOCOL = "audio.drachtio.org"
FRAME_SECONDS = 0.020
RATES = {"8k": 8000, "16k": 16000, "8000": 8000, "16000": 16000, "24000": 24000, "32000": 32000, "64000": 64000}
EVENT_PREFIX = "mod_audio_fork::"


class AudioFork:
    def __init__(self, switch: Switch, channel: Channel, *, url: str, rate: int, metadata: str) -> None:
        self.switch, self.channel = switch, channel
        self.url, self.rate, self.metadata = url, rate, metadata
        self.socket = None
        self.frames_sent = 0
        self.lateness_ms: list[float] = []  # how late each frame left, for the real-time bench
        self._task: asyncio.Task | None = None
        self.conversation = Conversation(self, channel) if switch.text_mode else None

    def start(self) -> None:
        self._task = self.switch._spawn(self._run())

    async def _run(self) -> None:
        try:
            self.socket = await connect(self.url, subprotocols=[SUBPROTOCOL], open_timeout=5)
        except (TimeoutError, OSError, WebSocketException) as problem:
            self._event("connect_failed", {"reason": str(problem)})
            return
        self._event("connect")
        try:
            await self.socket.send(self.metadata)
            if self.conversation is not None:  # text mode: words instead of audio frames
                await asyncio.gather(self.conversation.run(), self._receive(), self._close_on_hangup())
            else:
                await asyncio.gather(self._send_audio(), self._receive())
        except (WebSocketException, ConnectionError):
            pass
        finally:
            self._event("disconnect")

    async def _send_audio(self) -> None:
        silence = bytes(int(self.rate * FRAME_SECONDS) * 2)
        start = time.monotonic()
        while self.channel.alive:
            due = start + self.frames_sent * FRAME_SECONDS
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            self.lateness_ms.append((time.monotonic() - due) * 1000)
            await self.socket.send(silence)
            self.frames_sent += 1
        await self.socket.close()

    async def _close_on_hangup(self) -> None:
        while self.channel.alive:
            await asyncio.sleep(0.02)
        await self.socket.close()

    async def _receive(self) -> None:
        async for message in self.socket:
            if isinstance(message, bytes):
                self.channel.heard_audio.extend(message)  # streamed playback: the callee hears it
                continue
            try:
                command = json.loads(message)
            except ValueError:
                continue  # logged and dropped by the real module
            self._handle(command)

    def _handle(self, command: dict) -> None:
        kind = command.get("type")
        data = command.get("data") or {}
        if kind == "playAudio":
            audio = base64.b64decode(data.get("audioContent", "") or b"")
            self.channel.heard_audio.extend(audio)
            self._event("play_audio", {**data, "audioContent": "file"})
            if self.conversation is not None:
                self.conversation.agent_said(data.get("textContent", ""))
        elif kind == "killAudio":
            self._event("kill_audio")
        elif kind == "mark":
            name = data.get("name", "")
            self.switch._spawn(
                self.socket.send(json.dumps({"type": "mark", "data": {"name": name, "event": "playout"}}))
            )
        elif kind in ("transcription", "transfer", "error"):
            self._event(kind, data)
        elif kind == "disconnect":
            self._event("disconnect")  # the real module does not hang up either
        elif kind == "json":
            self._event("json", command)

    async def send_text(self, text: str) -> None:
        if self.socket is not None:
            await self.socket.send(text)

    async def stop(self, text: str = "") -> None:
        if self.socket is not None:
            if text:
                await self.socket.send(text)
            await self.socket.close()
        if self._task is not None:
            self._task.cancel()

    def _event(self, name: str, body: dict | None = None) -> None:
        self.switch.publish(
            "CUSTOM", channel=self.channel, subclass=EVENT_PREFIX + name, body=json.dumps(body) if body else ""
        )
