"""`call_agent_status_set`: one UPDATE when the agent's status changed, the office id back to publish, and no
status on a call that has ended (the end clears it, both when it is heard and when it was missed)."""

import uuid

import pytest

from calls.models import Call
from calls.services import call_agent_status_set
from calls.watch import call_end_unseen


def test_a_change_is_written_and_gives_the_office_to_publish(call, django_assert_num_queries):
    with django_assert_num_queries(2):  # the UPDATE, then the office id of the call it changed
        assert call_agent_status_set(call_id=call.uuid, status="speaking") == call.office_id
    call.refresh_from_db()
    assert call.agent_status == Call.AgentStatus.SPEAKING
    assert call.get_agent_status_display() == "Agent speaking"


def test_the_same_status_again_writes_nothing(call, django_assert_num_queries):
    call_agent_status_set(call_id=call.uuid, status="listening")
    with django_assert_num_queries(1):
        assert call_agent_status_set(call_id=str(call.uuid), status="listening") is None


def test_no_such_call_gives_none(db):
    assert call_agent_status_set(call_id=uuid.uuid4(), status="thinking") is None
    assert call_agent_status_set(call_id="not-a-call", status="thinking") is None


def test_an_unknown_status_is_refused(call):
    with pytest.raises(ValueError):
        call_agent_status_set(call_id=call.uuid, status="dancing")


def test_an_ended_call_keeps_no_status(call):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ANSWERED)
    call.refresh_from_db()
    call_agent_status_set(call_id=call.uuid, status="speaking")
    assert call_end_unseen(call=call) == 1
    call.refresh_from_db()
    assert call.agent_status == ""
    assert call_agent_status_set(call_id=call.uuid, status="listening") is None
    call.refresh_from_db()
    assert call.agent_status == ""
