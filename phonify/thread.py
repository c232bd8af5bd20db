"""Run Phonify on its own thread and event loop, e.g. inside a test or beside a gevent client."""

from __future__ import annotations

import asyncio
import threading

from phonify.switch import Switch


class SwitchThread:
    def __init__(self, **options) -> None:
        self.options = options
        self.loop = asyncio.new_event_loop()
        self.switch: Switch | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="phonify", daemon=True)

    def start(self) -> Switch:
        """Start, and return once the personas' greetings are synthesised, so a call placed at once
        sounds as it would on a switch that has been up a while (matters when waits are scaled down)."""
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError("Phonify did not start")
        self.call(self.switch.voices_ready.wait(), timeout=60)
        return self.switch

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.switch = Switch(**self.options)
        self.loop.run_until_complete(self.switch.start())
        self._ready.set()
        self.loop.run_forever()

    def call(self, coroutine, timeout: float = 10):
        """Run a coroutine on the switch's loop from another thread and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return  # already stopped
        if self.switch is not None:
            self.call(self.switch.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
