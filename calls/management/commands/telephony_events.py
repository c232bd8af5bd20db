"""`manage.py telephony_events`: the one long-lived Event Socket connection (calls.telephony.listener)."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from calls.telephony.listener import EventListener


class Command(BaseCommand):
    help = "Listen to the switch's events and keep every call's record current (reconnects by itself)."

    def handle(self, *args, **options) -> None:
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.append(True))
        listener = EventListener()
        self.stdout.write("Telephony events: listening")
        listener.run(stop=lambda: bool(stopping), tick=1.0)
        listener.close()
        self.stdout.write(f"Telephony events: stopped after {listener.events_handled} events")
