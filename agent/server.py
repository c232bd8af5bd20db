"""The agent's WebSocket server: what FreeSWITCH's audio fork (mod_audio_fork, subprotocol
`audio.drachtio.org`) connects to for every answered call. One `CallSession` per connection, many at once
in one process; a session that fails closes its own socket and nothing else. A fork (or a "prepare" visit)
must carry its call's secret (calls/fork_secret.py); one without it is closed before anything is read or
written."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from django.utils import timezone
from websockets.asyncio.server import serve

from agent.session import CallSession, Timing, speech_warm_up
from calls.fork_secret import fork_secret_matches

log = logging.getLogger(__name__)

SUBPROTOCOL = "audio.drachtio.org"


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
            metadata = json.loads(await socket.recv())
            if not isinstance(metadata, dict):
                return
            if metadata.get("prepare"):  # the call is ringing: make its greeting now (CallSession.prepare)
                call_id = str(metadata["prepare"])
                if fork_secret_matches(call_uuid=call_id, secret=metadata.get("secret")):
                    await CallSession.prepare(call_id, clock=self.clock)
                return
            session = await CallSession.open(socket, metadata, clock=self.clock, timing=self.timing)
            if session is None:
                log.warning(
                    "agent: a fork refused: unknown or unanswered call, or a wrong secret (%s)", _call_of(metadata)
                )
                return
            self.sessions += 1
            await session.run()
        except Exception:  # noqa: BLE001  (one call's failure never touches another)
            log.exception("agent: a call session failed")


def _call_of(metadata: dict) -> str:
    """The call a fork claimed, for the log (never its secret)."""
    return str(metadata.get("call", ""))[:40]
