"""The event listener on a thread of its own (gevent inside it): for `simulate` and tests, which run the
switch, the listener and the agent in one process."""

from __future__ import annotations

import threading

from calls.telephony.listener import EventListener


class ListenerThread:
    def __init__(self, agent_url: str = "") -> None:
        self.stopping = threading.Event()
        self.listener = EventListener(agent_url=agent_url, fresh_call_grace=0.5)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        try:
            self.listener.run(stop=self.stopping.is_set, tick=0.1)
        finally:
            connection.close()

    def start(self) -> ListenerThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=15)
