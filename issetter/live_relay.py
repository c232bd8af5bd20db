"""Live updates across processes without Redis (the embedded default of `make run`).

Channels' in-memory layer only reaches sockets of the process it lives in, while call events are
handled by the telephony listener and the worker. So with that layer, `office_publish` writes the
fragment to the LiveMessage table and one relay task inside the web process forwards new rows to the
office's group every RELAY_SECONDS. With Redis (production) the layer is cross-process and publishing
goes straight to it; the relay never starts.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

RELAY_SECONDS = 0.05
KEEP = dt.timedelta(minutes=2)
_relay: asyncio.Task | None = None


def layer_is_cross_process() -> bool:
    return not settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")


def relay_ensure(channel_layer, group_of) -> None:
    """Start the relay on this event loop once (called by each live socket as it connects)."""
    global _relay
    if layer_is_cross_process():
        return
    loop = asyncio.get_running_loop()
    if _relay is None or _relay.done() or _relay.get_loop() is not loop:
        _relay = loop.create_task(_run(channel_layer, group_of))


async def _run(channel_layer, group_of) -> None:
    last = await database_sync_to_async(_newest_id)()
    sweeps = 0
    while True:
        await asyncio.sleep(RELAY_SECONDS)
        try:
            messages = await database_sync_to_async(_after)(last)
            for message_id, office_id, html in messages:
                await channel_layer.group_send(group_of(office_id), {"type": "html.fragment", "html": html})
                last = message_id
            sweeps += 1
            if sweeps % 300 == 0:
                await database_sync_to_async(_forget_old)()
        except Exception:  # noqa: BLE001  (a database hiccup must not end live updates for good)
            log.exception("live relay")


def _newest_id() -> int:
    from issetter.models import LiveMessage

    return LiveMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _after(last: int) -> list[tuple[int, int, str]]:
    from issetter.models import LiveMessage

    return list(LiveMessage.objects.filter(id__gt=last).order_by("id").values_list("id", "office_id", "html")[:200])


def _forget_old() -> None:
    from issetter.models import LiveMessage

    LiveMessage.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
