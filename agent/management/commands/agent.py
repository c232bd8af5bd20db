"""`manage.py agent [--port N] [--now ISO]`: the agent's WebSocket server (the audio fork connects here)."""

from __future__ import annotations

import asyncio
import signal

from django.core.management.base import BaseCommand
from django.utils import timezone

from agent.server import AgentServer
from issetter.pinned_clock import pinned_moment_parse


class Command(BaseCommand):
    help = "Serve the agent: answered calls are forked here and the agent talks with the callee."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8091)
        parser.add_argument(
            "--now", type=pinned_moment_parse, help="Pin the clock for offering times (ISO-8601 with offset)."
        )

    def handle(self, *args, **options) -> None:
        pinned = options["now"]
        clock = (lambda: pinned) if pinned else timezone.now
        asyncio.run(self._serve(AgentServer(options["host"], options["port"], clock=clock)))

    async def _serve(self, server: AgentServer) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await server.serve(stop, ready=lambda port: self.stdout.write(f"Agent: listening on port {port}"))
        self.stdout.write(f"Agent: stopped after {server.sessions} calls")
