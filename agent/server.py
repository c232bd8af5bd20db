"""The agent's WebSocket server: what FreeSWITCH's audio fork (mod_audio_fork, subprotocol
`audio.drachtio.org`) connects to for every answered call. One `CallSession` per connection, many at once
in one process; a session that fails closes its own socket and nothing else. A fork (or a "prepare" visit)
must carry its call's secret (calls/telephony/fork_protocol.py); one without it is closed before anything is read or
written."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from django.utils import timezone
from websockets.asyncio.server import serve

from agent.session import CallSession, Timing, speech_warm_up
from calls.telephony.fork_protocol import SUBPROTOCOL, ForkOpening

log = logging.getLogger(__name__)


class AgentServer:
    def __init__(self, host: str, port: int, *, clock: Callable = timezone.now, timing: Timing | None = None) -> None:
        self.host, self.port, self.clock, self.timing = host, port, clock, timing
        self.sessions = 0

    async def serve(self, stop: asyncio.Event, ready: Callable[[int], None] | None = None) -> None:
        await asyncio.to_thread(speech_warm_up)  # load the voice and the recogniser before the first call
        async with serve(self._handle, self.host, self.port, subprotocols=[SUBPROTOCOL], compression=None) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            log.info("agent: listening on ws://%s:%d/", self.host, port)
            if ready is not None:
                ready(port)
            await stop.wait()

    async def _handle(self, socket) -> None:
        try:
            opening = ForkOpening.decode(await socket.recv())
            if opening is None:
                return
            if opening.prepare:  # the call is ringing: make its greeting now (CallSession.prepare)
                if opening.trusted():
                    await CallSession.prepare(opening.call, clock=self.clock)
                return
            session = await CallSession.open(socket, opening, clock=self.clock, timing=self.timing)
            if session is None:
                log.warning(
                    "agent: a fork refused: unknown or unanswered call, or a wrong secret (%s)", opening.for_log()
                )
                return
            self.sessions += 1
            await session.run()
        except Exception:  # noqa: BLE001  (one call's failure never touches another)
            log.exception("agent: a call session failed")
