"""The agent's server on a thread of its own (its own event loop): for `simulate` and tests, which run the
switch, the listener and the agent in one process."""

from __future__ import annotations

import asyncio
import threading

from agent.server import AgentServer
from agent.session import Timing

STARTS_WITHIN = 60  # seconds: loading the voice and the recognisers takes 2–3 s alone, over 10 s with four
# simulations starting at once on two cores


class AgentThread:
    def __init__(self, *, clock, timing: Timing | None = None) -> None:
        self.server = AgentServer("127.0.0.1", 0, clock=clock, timing=timing)
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self) -> AgentThread:
        self.thread.start()
        if not self._ready.wait(STARTS_WITHIN):
            raise RuntimeError(f"the agent did not start within {STARTS_WITHIN} s")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(timeout=10)

    def _run(self) -> None:
        from django.db import connections

        async def main() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            await self.server.serve(self._stop, ready=self._started)

        try:
            asyncio.run(main())
        finally:
            connections.close_all()

    def _started(self, port: int) -> None:
        self.port = port
        self._ready.set()
