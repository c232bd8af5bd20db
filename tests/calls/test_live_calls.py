"""The Queue page's live block over a real WebSocket to daphne: a call's change reaches the office's
open pages within a second — through Redis when configured, else through the web process's relay —
and another office's socket gets nothing."""

import json
import time

import pytest
from django.test import Client
from websockets.sync.client import connect

from calls.call_events import call_event_record
from calls.live import LivePublisher, call_publish


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


def test_the_publisher_sends_a_first_change_at_once_and_folds_a_burst_into_few_blocks():
    sent: list[tuple[int, str, float]] = []
    publisher = LivePublisher(
        0.2, publish=lambda *, office_id, event_at: sent.append((office_id, event_at, time.monotonic()))
    )
    publisher.start()
    try:
        changed = time.monotonic()
        publisher.changed(1, "100")
        deadline = time.monotonic() + 2
        while not sent and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sent and sent[0][:2] == (1, "100") and sent[0][2] - changed < 0.1  # after a quiet spell: at once
        for n in range(50):  # a burst of changes in two offices, quicker than the spacing
            publisher.changed(1, str(200 + n))
            publisher.changed(2, str(300 + n))
            time.sleep(0.004)
    finally:
        publisher.stop()  # sends what is still pending
    burst = sent[1:]
    assert 2 <= len(burst) <= 8  # ≈ 0.2 s of changes, one block per office per 0.2 s, not 100 blocks
    assert [event_at for office, event_at, _ in burst if office == 1][
        0
    ] == "200"  # each block carries its oldest change
    assert {office for office, *_ in burst} == {1, 2}


def test_one_offices_change_never_waits_on_another_offices_round():
    """The spacing is kept per office: with ten offices busy at once, a single spacing for all made every
    change wait for the next round (event → browser p50 rose by about the spacing)."""
    sent: list[tuple[int, float]] = []
    publisher = LivePublisher(0.5, publish=lambda *, office_id, event_at: sent.append((office_id, time.monotonic())))
    publisher.start()
    try:
        publisher.changed(1, "100")
        deadline = time.monotonic() + 2
        while not sent and time.monotonic() < deadline:
            time.sleep(0.005)
        publisher.changed(1, "101")  # office 1 again, within its spacing: held
        changed = time.monotonic()
        publisher.changed(2, "200")  # office 2's first change: at once
        while len(sent) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sent[1][0] == 2 and sent[1][1] - changed < 0.2, sent
        while len(sent) < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sent[2][0] == 1 and sent[2][1] - sent[0][1] >= 0.45, sent  # office 1's next block: after its spacing
    finally:
        publisher.stop()


def test_the_publisher_makes_several_offices_blocks_at_once():
    published: list[tuple[int, float]] = []

    def slow_publish(*, office_id, event_at):
        time.sleep(0.2)  # an office's block: its queries and the send
        published.append((office_id, time.monotonic()))

    publisher = LivePublisher(0.05, publish=slow_publish, threads=4)
    for office_id in (1, 2, 3, 4):
        publisher.changed(office_id, "100")
    began = time.monotonic()
    publisher.start()
    try:
        deadline = time.monotonic() + 3
        while len(published) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        publisher.stop()
    assert sorted(office for office, _ in published) == [1, 2, 3, 4]
    assert max(at for _, at in published) - began < 0.5  # not one after another (0.8 s)
