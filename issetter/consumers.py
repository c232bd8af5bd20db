"""Live updates to the browser: one websocket per signed-in person, joined to their office's group.

Producers call `office_publish(office_id, html)` with a rendered partial; HTMX's ws extension swaps it
in out-of-band. A socket from an anonymous visitor or a person with no office is refused.
"""

from __future__ import annotations

import asyncio
import threading

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from issetter.live_relay import layer_is_cross_process, relay_ensure
from issetter.models import LiveMessage
from issetter.tenancy import office_of


def office_group(office_id: int) -> str:
    return f"office-{office_id}"


PUBLISH_TIMEOUT_SECONDS = 30  # a publish waits at most this long (the layer's own Redis timeouts come first)


def office_publish(office_id: int, html: str) -> None:
    """Send an HTML fragment to every open page of this office (from sync code: tasks, listener). With
    the in-memory layer it goes through the LiveMessage table and the web process's relay."""
    if not layer_is_cross_process():
        LiveMessage.objects.create(office_id=office_id, html=html)
        return
    message = {"type": "html.fragment", "html": html}
    sending = asyncio.run_coroutine_threadsafe(
        get_channel_layer().group_send(office_group(office_id), message), _publishing_loop()
    )
    try:
        sending.result(timeout=PUBLISH_TIMEOUT_SECONDS)
    except TimeoutError:
        sending.cancel()
        raise


_loop: asyncio.AbstractEventLoop | None = None
_loop_thread: threading.Thread | None = None
_loop_lock = threading.Lock()


def _publishing_loop() -> asyncio.AbstractEventLoop:
    """The process's one event loop for publishing, on a daemon thread: the channel layer keeps its Redis
    connections per loop, so they are made once. (`async_to_sync` from a thread with no loop made a new loop,
    thread and Redis connection for every fragment: 6 ms each, one office after another, in the listener's
    publisher; bench/live_sockets.py.) Started again in a forked child, whose copy of the thread is gone."""
    global _loop, _loop_thread
    with _loop_lock:
        if _loop_thread is None or not _loop_thread.is_alive():
            _loop = asyncio.new_event_loop()
            _loop_thread = threading.Thread(target=_loop.run_forever, name="live-publishing", daemon=True)
            _loop_thread.start()
        return _loop


class OfficeLiveConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        office = await database_sync_to_async(office_of)(self.scope.get("user"))
        if office is None:
            await self.close(code=4403)
            return
        self.group = office_group(office.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        relay_ensure(self.channel_layer, office_group)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def dispatch(self, message: dict) -> None:
        """A fragment goes straight out. Channels first closes stale database connections for every message,
        a hop to the one database thread: a fragment to a hundred sockets of an office made a hundred hops,
        in line with every other socket's (bench/live_sockets.py). A fragment needs no database."""
        if message["type"] == "html.fragment":
            await self.html_fragment(message)
        else:
            await super().dispatch(message)

    async def html_fragment(self, message: dict) -> None:
        await self.send(text_data=message["html"])
