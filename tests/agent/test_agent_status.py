"""What the agent is doing on a call, from the session's `changed` on the event loop to the Queue page's live
block: the board writes the latest status of each call on its own thread, a burst of changes goes out as a
few blocks, an ended call shows none, and a call id that is not ours is let go."""

import re
import time
import uuid

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from agent.pipeline.status import AgentStatusBoard, status_board
from calls.call_events import call_event_record
from calls.live import live_context
from calls.models import Call
from customers.models import Customer
from tests.conftest import client_for


def answered(call: Call) -> Call:
    headers = {"Event-Name": "CHANNEL_ANSWER", "Unique-ID": str(call.uuid), "Event-Sequence": "5"}
    return call_event_record(headers=headers).call


def hung_up(call: Call) -> Call:
    headers = {"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": str(call.uuid), "Event-Sequence": "9"}
    return call_event_record(headers=headers).call


def row_of(html: str, call: Call) -> str:
    found = re.search(rf'<tr id="call-{call.uuid}".*?</tr>', html, re.DOTALL)
    assert found, f"no row for call {call.uuid}"
    return found.group(0)


def wait_until(condition, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def agent_status_of(call: Call) -> str:
    return Call.objects.values_list("agent_status", flat=True).get(pk=call.pk)


@pytest.mark.django_db(transaction=True)
def test_the_live_block_shows_what_the_agent_is_doing_and_nothing_once_the_call_ended(office, colleague, call):
    other = Customer.objects.create(office=office, first_name="Sam", last_name="Reed", phone="+12025550144")
    ending = answered(Call.objects.create(office=office, customer=other, to_number=other.phone))
    going = answered(call)
    blocks: list[tuple[int, str]] = []

    def publish(*, office_id, event_at):  # what office_live_publish sends, kept instead of sent
        blocks.append((office_id, render_to_string("calls/_live.html", live_context(office_id=office_id))))

    board = AgentStatusBoard(0.05, publish=publish).start()
    try:
        for status in ("listening", "thinking", "speaking"):
            board.changed(str(going.uuid), status)
        board.changed(str(ending.uuid), "voicemail")
        wait_until(lambda: agent_status_of(going) == "speaking" and agent_status_of(ending) == "voicemail")
        wait_until(lambda: blocks and 'data-agent-status="voicemail"' in blocks[-1][1])
        hung_up(ending)
        board.changed(str(ending.uuid), "listening")  # a late word from the agent after the hangup
    finally:
        board.stop()

    assert agent_status_of(going) == "speaking"
    assert agent_status_of(ending) == ""  # cleared at the end, and not brought back by the late word
    office_id, published = blocks[-1]
    assert office_id == office.pk
    assert "Agent speaking" in row_of(published, going)
    page = client_for(colleague).get(reverse("calls:queue")).content.decode()
    assert "Agent speaking" in row_of(page, going)
    assert 'data-status="ended"' in row_of(page, ending) and "data-agent-status" not in row_of(page, ending)


def test_an_ended_call_shows_no_agent_status_even_if_one_was_left_behind(call):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ENDED, agent_status=Call.AgentStatus.SPEAKING)
    call.refresh_from_db()
    html = render_to_string("calls/_live.html", {"live_calls": [call], "counts": {}})
    assert "Agent speaking" not in row_of(html, call)


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_changes_goes_out_as_a_few_blocks_ending_with_the_latest(call):
    answered(call)
    published: list[int] = []
    board = AgentStatusBoard(0.2, publish=lambda *, office_id, event_at: published.append(office_id)).start()
    changes = 0
    try:
        for status in ["listening", "thinking", "speaking"] * 30:  # quicker than the spacing, for ≈ 0.5 s
            board.changed(str(call.uuid), status)
            changes += 1
            time.sleep(0.005)
        board.changed(str(call.uuid), "voicemail")
        changes += 1
    finally:
        board.stop()  # writes and publishes what is still pending
    assert 2 <= len(published) <= 10 < changes  # one block per 0.2 s or so, not one per change
    assert set(published) == {call.office_id}
    assert agent_status_of(call) == "voicemail"


def test_changes_pending_together_are_one_write_per_call(call):
    published: list[int] = []
    board = AgentStatusBoard(0.2, publish=lambda *, office_id, event_at: published.append(office_id))
    for status in ["listening", "thinking", "speaking"] * 10:
        board.changed(str(call.uuid), status)
    assert board.flush() == 1
    assert published == [call.office_id]
    assert agent_status_of(call) == "speaking"
    board.changed(str(call.uuid), "speaking")  # no change: nothing written, nothing published
    assert board.flush() == 0 and published == [call.office_id]


def test_a_call_id_that_is_not_ours_is_let_go(call):
    published: list[int] = []
    board = AgentStatusBoard(0.05, publish=lambda *, office_id, event_at: published.append(office_id))
    board.changed(str(uuid.uuid4()), "speaking")
    board.changed("not-a-call", "thinking")
    board.changed(str(call.uuid), "listening")
    assert board.flush() == 1  # the real call is written; the others change nothing and raise nothing
    assert published == [call.office_id]


def test_an_unknown_status_is_refused_at_once():
    board = AgentStatusBoard()
    with pytest.raises(ValueError, match="shouting"):
        board.changed(str(uuid.uuid4()), "shouting")


def test_the_process_has_one_board_started_on_first_use():
    board = status_board()
    assert board is status_board()
    assert board._thread.is_alive() and board.publisher._thread.is_alive()
