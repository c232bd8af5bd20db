"""`manage.py phonify`: run the simulated FreeSWITCH (Event Socket on --host/--port) until stopped."""

from __future__ import annotations

import asyncio
import signal

from django.core.management.base import BaseCommand, CommandError

from phonify.personas import PersonaError, personas_load
from phonify.switch import Switch


class Command(BaseCommand):
    help = "Run Phonify, the simulated FreeSWITCH, speaking the Event Socket protocol."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8021)
        parser.add_argument("--password", default="ClueCon")
        parser.add_argument("--personas", default=None, help="persona YAML file (default: the built-in set)")
        parser.add_argument(
            "--record",
            default=None,
            help="folder for each ended call: <uuid>.json (timeline, CDR, words) and <uuid>.wav",
        )
        parser.add_argument(
            "--text", action="store_true", help="text mode: personas and agent exchange words, not audio"
        )
        parser.add_argument("--time-scale", type=float, default=1.0, help="multiply every wait (tests: 0.01)")
        parser.add_argument(
            "--no-transcribe",
            action="store_true",
            help="people only listen for their cue words in the agent's speech (saves the CPU the agent needs)",
        )

    def handle(self, *args, host, port, password, personas, time_scale, record, text, **options) -> None:
        try:
            people = personas_load(personas)
        except PersonaError as problem:
            raise CommandError(str(problem)) from None
        asyncio.run(
            self._serve(
                Switch(
                    host=host,
                    port=port,
                    password=password,
                    personas=people,
                    time_scale=time_scale,
                    record_dir=record,
                    text_mode=text,
                    transcribe=not options["no_transcribe"],
                )
            )
        )

    async def _serve(self, switch: Switch) -> None:
        await switch.start()
        self.stdout.write(f"Phonify listening on {switch.host}:{switch.port} with {len(switch.personas)} personas")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        await switch.stop()
        self.stdout.write("Phonify stopped")
