"""What Phonify's helpers may ask of the switch, as small interfaces: the audio fork (`ForkSwitch`), a
persona's side of a call (`CallerSwitch`) and an Event Socket connection (`EslSwitch`). `Switch` provides
all three; a helper sees only the one it is typed with, and nothing private."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from phonify import wire
    from phonify.channel import Channel
    from phonify.connection import Connection


class ForkSwitch(Protocol):
    text_mode: bool  # personas and agent exchange words, not audio

    def spawn(self, coroutine: Coroutine) -> asyncio.Task: ...

    def publish(
        self, name: str, extra: list[tuple[str, str]] | None = None, *, channel: Channel | None = None,
        body: str = "", subclass: str = "",
    ) -> None: ...  # fmt: skip


class CallerSwitch(Protocol):
    today: dt.date | None  # the day the personas live in
    telephone_line: bool  # the callee's words pass through an 8 kHz μ-law trunk
    transcribe: bool  # personas recognise the agent's speech (else they spot their words in it)

    async def wait(self, seconds: float) -> None: ...

    def key_pressed(self, channel: Channel, key: str) -> None: ...

    def voicemail_beep(self, channel: Channel) -> None: ...


class EslSwitch(Protocol):
    password: str
    connections: set[Connection]

    async def api(self, line: str) -> str: ...

    def background(self, line: str, job: str) -> None: ...

    def sendmsg(self, target: str, packet: wire.Packet) -> str: ...
