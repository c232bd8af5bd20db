"""A word to the agent before the audio fork connects: "this call is ringing", so the agent synthesises
the personalised greeting while the phone rings and can answer the first "Hello?" at once.

It is a short WebSocket visit on the agent's fork address (the same server the switch forks to): one
text frame {"prepare": "<call uuid>", "secret": "<the call's fork secret>"} and close. Best effort, off
the listener's threads: a missed visit only means the greeting is made after answer instead.
"""

from __future__ import annotations

import logging
import threading

from calls.models import Call
from calls.telephony.fork_protocol import SUBPROTOCOL, ForkOpening

log = logging.getLogger(__name__)


def agent_prepare(agent_url: str, call: Call) -> None:
    if not agent_url:
        return
    message = ForkOpening.for_call(call, prepare=True).encode()
    threading.Thread(target=_visit, args=(agent_url, message), name="agent-prepare", daemon=True).start()


def _visit(agent_url: str, message: str) -> None:
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    try:
        with connect(agent_url, subprotocols=[SUBPROTOCOL], open_timeout=2, close_timeout=1) as socket:
            socket.send(message)
    except (OSError, TimeoutError, WebSocketException) as problem:
        log.info("telephony events: the agent could not be told a call is ringing (%s)", problem)
