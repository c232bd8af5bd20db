"""The live websocket: signed-in members only, and each office hears only its own updates."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from issetter.asgi import application
from issetter.consumers import office_group, office_publish


def session_headers(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return [(b"cookie", cookie), (b"origin", b"http://127.0.0.1")]


def connect(headers):
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_anonymous_socket():
    async def scenario():
        socket = connect([(b"origin", b"http://127.0.0.1")])
        connected, code = await socket.connect()
        await socket.disconnect()
        return connected, code

    assert asyncio.run(scenario()) == (False, 4403)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_socket_from_a_foreign_site(colleague):
    headers = [h for h in session_headers(colleague) if h[0] != b"origin"] + [(b"origin", b"https://evil.example")]

    async def scenario():
        socket = connect(headers)
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    assert asyncio.run(scenario()) is False


@pytest.mark.django_db(transaction=True)
def test_it_sends_office_updates_only_to_that_office(colleague, outsider, office):
    own_headers, other_headers = session_headers(colleague), session_headers(outsider)

    async def scenario():
        own, other = connect(own_headers), connect(other_headers)
        assert (await own.connect())[0] and (await other.connect())[0]
        await sync_to_async(office_publish)(office.pk, '<div id="figures">3 calls</div>')
        received = await own.receive_from(timeout=2)
        heard_nothing = await other.receive_nothing(timeout=0.3)
        await own.disconnect()
        await other.disconnect()
        return received, heard_nothing

    received, heard_nothing = asyncio.run(scenario())
    assert received == '<div id="figures">3 calls</div>'
    assert heard_nothing


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_fragment_without_waiting_for_the_database_thread(colleague, office):
    headers = session_headers(colleague)

    async def scenario():
        own = connect(headers)
        assert (await own.connect())[0]
        busy = asyncio.ensure_future(sync_to_async(time.sleep)(1.0))  # the one thread database work runs on
        await asyncio.sleep(0.05)
        await get_channel_layer().group_send(office_group(office.pk), {"type": "html.fragment", "html": "<p>1</p>"})
        received = await own.receive_from(timeout=0.5)
        await busy
        await own.disconnect()
        return received

    assert asyncio.run(scenario()) == "<p>1</p>"
