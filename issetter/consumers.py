"""Live updates to the browser: one websocket per signed-in person, joined to their office's group.

Producers call `office_publish(office_id, html)` with a rendered partial; HTMX's ws extension swaps it
in out-of-band. A socket from an anonymous visitor or a person with no office is refused.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from issetter.live_relay import layer_is_cross_process, relay_ensure
from issetter.models import LiveMessage
from issetter.tenancy import office_of


def office_group(office_id: int) -> str:
    return f"office-{office_id}"


def office_publish(office_id: int, html: str) -> None:
    """Send an HTML fragment to every open page of this office (from sync code: tasks, listener). With
    the in-memory layer it goes through the LiveMessage table and the web process's relay."""
    if not layer_is_cross_process():
        LiveMessage.objects.create(office_id=office_id, html=html)
        return
    async_to_sync(get_channel_layer().group_send)(office_group(office_id), {"type": "html.fragment", "html": html})


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

    async def html_fragment(self, message: dict) -> None:
        await self.send(text_data=message["html"])
