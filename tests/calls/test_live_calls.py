"""The Queue page's live block over a real WebSocket to daphne: a call's change reaches the office's
open pages within a second — through Redis when configured, else through the web process's relay —
and another office's socket gets nothing."""

import json
import time

import pytest
from django.test import Client
from websockets.sync.client import connect

from calls.call_events import call_event_record
from calls.live import call_publish


def live_socket(live_server_url: str, user):
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    url = live_server_url.replace("http://", "ws://") + "/ws/live/"
    return connect(url, additional_headers={"Cookie": cookie, "Origin": live_server_url}, open_timeout=5)


@pytest.mark.django_db(transaction=True)
def test_a_call_answered_shows_on_the_offices_live_page_and_nowhere_else(live_server_url, colleague, outsider, call):
    with live_socket(live_server_url, colleague) as own, live_socket(live_server_url, outsider) as other:
        time.sleep(0.3)  # both sockets joined their groups
        sent = time.monotonic()
        headers = {"Event-Name": "CHANNEL_ANSWER", "Unique-ID": str(call.uuid), "Event-Sequence": "7"}
        applied = call_event_record(headers=headers)
        call_publish(call=applied.call)
        fragment = own.recv(timeout=2)
        latency = time.monotonic() - sent
        with pytest.raises(TimeoutError):
            other.recv(timeout=0.5)
    assert latency < 1.0
    assert 'id="live-calls" hx-swap-oob="true"' in fragment
    assert f'id="call-{call.uuid}" data-status="answered"' in fragment and "Maria Lopez" in fragment
    assert json.dumps(fragment)  # plain text, ready for HTMX's ws extension
