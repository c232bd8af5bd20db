"""What a call came to, as the agent records it beside the listener's events: whichever lands first, the
call and the customer's profile end up saying what the agent decided, and the profile is written once when
the agent's word comes before the hangup (as it does when the agent says goodbye)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.call_events import call_event_record
from calls.call_record import call_agent_end_record, call_booked_record, call_turn_add, call_turn_last_index
from calls.models import Call, Turn
from tests.calls.test_call_events import event, hangup_complete


@pytest.fixture
def answered_call(call):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DIALING, job_uuid=str(call.uuid))
    call_event_record(headers=event(call, "CHANNEL_ANSWER", 5))
    call.refresh_from_db()
    return call


def profile_writes(queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith("UPDATE") and "customers_customer" in query["sql"])


def test_the_agents_outcome_before_the_hangup_stands_and_the_profile_is_written_once(answered_call, customer):
    with CaptureQueriesContext(connection) as queries:
        call_agent_end_record(call_id=answered_call.pk, outcome=Call.Outcome.DO_NOT_CALL)
        call_event_record(headers=hangup_complete(answered_call, 9))
    answered_call.refresh_from_db()
    customer.refresh_from_db()
    assert answered_call.outcome == customer.last_outcome == Call.Outcome.DO_NOT_CALL
    assert profile_writes(queries) == 1


def test_the_agents_outcome_after_the_hangup_replaces_the_guess_on_the_profile_too(answered_call, customer):
    call_event_record(headers=hangup_complete(answered_call, 9))  # the callee hung up during the goodbye
    answered_call.refresh_from_db()
    assert answered_call.outcome == Call.Outcome.HUNG_UP  # what the hangup alone says
    call_agent_end_record(call_id=answered_call.pk, outcome=Call.Outcome.WRONG_PERSON)
    answered_call.refresh_from_db()
    customer.refresh_from_db()
    assert answered_call.outcome == customer.last_outcome == Call.Outcome.WRONG_PERSON


def test_a_booking_makes_the_call_booked_at_once_and_a_lost_agent_does_not_undo_it(answered_call, customer):
    call_booked_record(call_id=answered_call.pk)
    answered_call.refresh_from_db()
    assert answered_call.status == Call.Status.ANSWERED and answered_call.outcome == Call.Outcome.BOOKED
    call_event_record(headers=event(answered_call, "CUSTOM", 7, **{"Event-Subclass": "mod_audio_fork::disconnect"}))
    call_event_record(headers=hangup_complete(answered_call, 9, cause="NORMAL_TEMPORARY_FAILURE"))
    answered_call.refresh_from_db()
    customer.refresh_from_db()
    assert answered_call.outcome == customer.last_outcome == Call.Outcome.BOOKED


def test_a_voicemail_message_marks_a_machine(answered_call):
    call_agent_end_record(call_id=answered_call.pk, outcome="", voicemail_message="Hi Maria, please call us back.")
    call_event_record(headers=hangup_complete(answered_call, 9))
    answered_call.refresh_from_db()
    assert answered_call.answered_by == Call.AnsweredBy.MACHINE
    assert answered_call.outcome == Call.Outcome.VOICEMAIL_LEFT


def test_turns_are_numbered_on_from_the_last_one_saved(answered_call):
    assert call_turn_last_index(call_id=answered_call.pk) == 0
    for index, (speaker, text) in enumerate([("callee", "Hello?"), ("agent", "Hi, is this Maria?")], start=1):
        call_turn_add(
            call_id=answered_call.pk, index=index, speaker=speaker, text=text, started_ms=-5, ended_ms=10,
            confidence=None,
        )  # fmt: skip
    assert call_turn_last_index(call_id=answered_call.pk) == 2
    assert Turn.objects.get(call=answered_call, index=1).started_ms == 0  # never before the call began
