"""The Redis channel layer exactly as settings build it, against a real redis-server of the test's own: a live
socket that hears nothing for longer than one Redis read may take (redis-py 8 gives up on a read after 5 s by
default) still gets its next message, and a thousand pages' worth of sockets can join and leave an office's
group at once (redis-py 8 allows 100 connections per pool by default)."""

import asyncio

from django.utils.module_loading import import_string

from issetter import config
from issetter.env import Env
from tests.faults.private_servers import PrivateRedis

FRAGMENT = {"type": "html.fragment", "html": "<div>3 calls</div>"}


def layer_scenario(scenario):
    """Run `scenario(layer)` on the configured layer over a private Redis; returns what it returns."""
    redis = PrivateRedis()
    redis.start()
    try:
        settings = config.channel_layers_config(Env({"REDIS_URL": redis.url}))["default"]
        layer = import_string(settings["BACKEND"])(**settings["CONFIG"])

        async def run():
            try:
                return await scenario(layer)
            finally:
                await layer.flush()

        return asyncio.run(run())
    finally:
        redis.stop()


def test_it_keeps_an_idle_socket_waiting_past_one_redis_read():
    async def scenario(layer):
        channel = await layer.new_channel()
        await layer.group_add("office-1", channel)
        waiting = asyncio.create_task(layer.receive(channel))
        await asyncio.sleep(6.5)  # longer than redis-py's default read timeout and channels_redis's BZPOPMIN
        still_waiting = not waiting.done()
        await layer.group_send("office-1", FRAGMENT)
        return still_waiting, await asyncio.wait_for(waiting, 2)

    still_waiting, message = layer_scenario(scenario)
    assert still_waiting
    assert message["html"] == FRAGMENT["html"]


def test_it_lets_many_sockets_join_and_leave_their_group_at_once():
    async def scenario(layer):
        channels = [await layer.new_channel() for _ in range(300)]
        await asyncio.gather(*(layer.group_add("office-1", channel) for channel in channels))
        await layer.group_send("office-1", FRAGMENT)
        heard = await asyncio.gather(*(asyncio.wait_for(layer.receive(channel), 5) for channel in channels))
        await asyncio.gather(*(layer.group_discard("office-1", channel) for channel in channels))
        await layer.group_send("office-1", {**FRAGMENT, "html": "<div>4 calls</div>"})
        try:
            late = await asyncio.wait_for(layer.receive(channels[0]), 0.5)
        except TimeoutError:
            late = None
        return heard, late

    heard, late = layer_scenario(scenario)
    assert [message["html"] for message in heard] == [FRAGMENT["html"]] * 300
    assert late is None


def test_office_publish_from_plain_threads_reaches_the_offices_sockets(settings):
    from channels.layers import get_channel_layer

    from issetter.consumers import office_group, office_publish

    redis = PrivateRedis()
    redis.start()
    try:
        settings.CHANNEL_LAYERS = config.channel_layers_config(Env({"REDIS_URL": redis.url}))

        async def scenario():
            layer = get_channel_layer()
            channel = await layer.new_channel()
            await layer.group_add(office_group(7), channel)
            for n in range(3):  # each from a thread with no event loop, as the listener's publisher publishes
                await asyncio.to_thread(office_publish, 7, f"<div>{n} calls</div>")
            heard = [(await asyncio.wait_for(layer.receive(channel), 2))["html"] for _ in range(3)]
            await layer.flush()
            return heard

        heard = asyncio.run(scenario())
    finally:
        redis.stop()
    assert heard == ["<div>0 calls</div>", "<div>1 calls</div>", "<div>2 calls</div>"]
