"""greenswitch's inbound client, fixed where it loses data (shared/notes/esl-protocol.md §13.2):
event bodies are kept (BACKGROUND_JOB results, JSON bodies of CUSTOM events), each header value is
percent-decoded on its own, and every command has a timeout so a dead switch cannot hang us."""

from __future__ import annotations

import contextlib
from urllib.parse import unquote

import gevent
from greenswitch import InboundESL
from greenswitch.esl import NotConnectedError

from calls.telephony.esl_values import command_checked

COMMAND_TIMEOUT = 10.0


class SwitchUnavailableError(Exception):
    """The switch cannot be reached or stopped answering."""


class EventSocket(InboundESL):
    def handle_event(self, event) -> None:
        kind = event.headers.get("Content-Type", "")
        if not kind.startswith("text/event-plain"):
            super().handle_event(event)
            return
        raw = self._read_socket(self.sock_file, int(event.headers["Content-Length"]))
        block, _, body = raw.partition("\n\n")
        event.headers = plain_headers(block)
        event.body = body
        self._esl_event_queue.put(event)

    def receive_events(self) -> None:
        """greenswitch's reader; once it stops (the switch closed the connection, or we did), a command still
        waiting for its reply fails at once instead of waiting out its timeout: no reply will come."""
        try:
            super().receive_events()
        finally:
            self.connected = False
            waiting, self._commands_sent = self._commands_sent, []
            for reply in waiting:
                reply.set_exception(NotConnectedError("the switch closed the connection"))

    def send(self, data: str):
        """The last guard before the wire: a command that could read as two is refused, never sent."""
        return super().send(command_checked(data))

    def close_quietly(self, timeout: float = COMMAND_TIMEOUT) -> None:
        """Say goodbye and close; a link that is already dead (or whose reader died, so that greenswitch's
        `exit` would wait for its reply forever) closes without complaint."""
        with contextlib.suppress(Exception), gevent.Timeout(timeout, False):
            self.stop()
        self._run = self.connected = False
        with contextlib.suppress(Exception):
            self.sock.close()

    def command(self, text: str, timeout: float = COMMAND_TIMEOUT):
        """Send one command and wait for its reply; SwitchUnavailableError if it does not come."""
        try:
            with gevent.Timeout(timeout, SwitchUnavailableError(f"no reply to {text.split()[0]!r} in {timeout:.0f} s")):
                return self.send(text)
        except (NotConnectedError, OSError) as problem:
            self.connected = False
            raise SwitchUnavailableError(str(problem) or "not connected") from None


def plain_headers(block: str) -> dict[str, str]:
    """`Name: value` lines as FreeSWITCH serialises an event (an event's head, `uuid_dump`), each value
    percent-decoded on its own."""
    headers = {}
    for line in block.split("\n"):
        name, separator, value = line.partition(": ")
        if separator:
            headers[name] = unquote(value).strip()
    return headers


def event_socket_open(host: str, port: int, password: str, timeout: float = 5.0) -> EventSocket:
    client = EventSocket(host=host, port=port, password=password, timeout=timeout)
    try:
        with gevent.Timeout(timeout, SwitchUnavailableError(f"{host}:{port} did not greet in {timeout:.0f} s")):
            client.connect()
    except (NotConnectedError, OSError, ValueError) as problem:
        raise SwitchUnavailableError(f"{host}:{port}: {problem or 'connection refused'}") from None
    return client
