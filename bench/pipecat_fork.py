"""The audio fork as a Pipecat transport speaks it, for bench/pipecat_agent.py: a `websockets` connection dressed as
the starlette WebSocket Pipecat's FastAPI transport reads (so one server holds a pipeline per call and answers the
fork's subprotocol), the fork's words as a frame serializer, and the agent's messages to the switch as frames."""

from __future__ import annotations

import websockets
from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
)
from pipecat.serializers.base_serializer import FrameSerializer
from starlette.websockets import WebSocketState
from websockets.protocol import State

from calls.telephony.fork_protocol import ToSwitch, to_switch

RATE = 16000  # L16 both ways, as the switch forks to the agent


class SocketAsStarlette:
    """The part of starlette's WebSocket that Pipecat's FastAPI transport uses, over a `websockets` connection
    (one server, one pipeline per call, the fork's subprotocol answered)."""

    def __init__(self, socket) -> None:
        self._socket = socket
        self.headers = socket.request.headers

    async def receive(self) -> dict:
        try:
            message = await self._socket.recv()
        except websockets.ConnectionClosed:
            return {"type": "websocket.disconnect"}
        key = "bytes" if isinstance(message, bytes) else "text"
        return {"type": "websocket.receive", key: message}

    async def send_bytes(self, data: bytes) -> None:
        await self._socket.send(data)

    async def send_text(self, data: str) -> None:
        await self._socket.send(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        await self._socket.close(code, reason or "")

    @property
    def client_state(self) -> WebSocketState:
        return WebSocketState.CONNECTED if self._socket.state is State.OPEN else WebSocketState.DISCONNECTED

    application_state = client_state


class ForkSerializer(FrameSerializer):
    """mod_audio_fork's words: binary L16 both ways, JSON text for the rest; an interruption is `killAudio`."""

    async def serialize(self, frame: Frame) -> str | bytes | None:
        if isinstance(frame, OutputTransportMessageFrame | OutputTransportMessageUrgentFrame):
            return frame.message["fork"]  # the fork's JSON, as the agent writes it
        if isinstance(frame, OutputAudioRawFrame):
            return frame.audio
        if isinstance(frame, InterruptionFrame):
            return to_switch(ToSwitch.KILL_AUDIO)
        return None

    async def deserialize(self, data: str | bytes) -> Frame | None:
        if isinstance(data, bytes | bytearray):
            return InputAudioRawFrame(audio=bytes(data), sample_rate=RATE, num_channels=1)
        return InputTransportMessageFrame(message=data)


def to_fork(kind: ToSwitch, *, urgent: bool = False, **data) -> Frame:
    """A message to the switch, in order after the audio before it (or at once, `urgent`)."""
    message = {"fork": to_switch(kind, **data)}  # a dict, as Pipecat's transports expect
    return (
        OutputTransportMessageUrgentFrame(message=message) if urgent else OutputTransportMessageFrame(message=message)
    )
