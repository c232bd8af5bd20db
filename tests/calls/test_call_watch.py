"""Calls whose end was never heard (`call_end_unseen`): the outcome what was heard says, as for a heard end, the
profile counting an answered call as answered, and a flag reason that says why the end is unknown; ends whose
follow-up a killed listener never committed (`call_follow_ups_complete`)."""

import datetime as dt

import pytest
from django.utils import timezone

from calls.call_events import call_event_record
from calls.models import Call, QueueEntry
from calls.watch import ENDED_WHILE_AWAY, LOST_IN_SWITCH_RESTART, VANISHED, call_end_unseen, call_follow_ups_complete

SWITCH = "7f1d5c2e-0000-4000-8000-000000000001"
RESTARTED = "7f1d5c2e-0000-4000-8000-000000000002"


@pytest.fixture
def queued_call(call, office, customer):
    entry = QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.CALLING)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DIALING, queue_entry=entry)
    call.refresh_from_db()
    return call


def heard(call, name, sequence, switch=SWITCH):
    call_event_record(
        headers={"Event-Name": name, "Unique-ID": str(call.uuid), "Event-Sequence": str(sequence), "Core-UUID": switch}
    )


def test_an_answered_call_whose_end_was_not_heard_counts_as_answered(queued_call, customer):
    heard(queued_call, "CHANNEL_ANSWER", 1)
    assert call_end_unseen(call=queued_call, switch_now=SWITCH, after_absence=True) == 1
    queued_call.refresh_from_db()
    assert (queued_call.status, queued_call.outcome, queued_call.answered_by) == ("ended", "hung_up", "human")
    assert (queued_call.flagged, queued_call.flag_reason) == (True, ENDED_WHILE_AWAY)
    assert "listener was away" in queued_call.flag_reason and "no CDR" in queued_call.flag_reason
    customer.refresh_from_db()
    assert (customer.attempt_count, customer.answered_count, customer.last_outcome) == (1, 1, "hung_up")
    assert customer.last_answered_at == queued_call.answered_at
    assert QueueEntry.objects.get(pk=queued_call.queue_entry_id).status == "done"  # nobody left calling


def test_a_call_last_heard_from_a_switch_that_has_since_restarted_was_cut_off_by_the_restart(queued_call):
    heard(queued_call, "CHANNEL_ANSWER", 1)
    call_end_unseen(call=queued_call, switch_now=RESTARTED, after_absence=True)
    queued_call.refresh_from_db()
    assert queued_call.flag_reason == LOST_IN_SWITCH_RESTART
    assert "restarted while the call was up" in queued_call.flag_reason


def test_a_call_never_heard_answering_ends_as_no_answer_and_is_retried_by_the_policy(queued_call, customer):
    heard(queued_call, "CHANNEL_CREATE", 1)
    call_end_unseen(call=queued_call, switch_now=SWITCH)  # the quiet-call watch, the listener connected all along
    queued_call.refresh_from_db()
    assert (queued_call.outcome, queued_call.answered_by, queued_call.flag_reason) == ("no_answer", "unknown", VANISHED)
    assert QueueEntry.objects.filter(customer=customer, reason="retry", status="waiting").exists()


def test_a_machine_that_answered_is_no_answer_not_a_person_who_hung_up(queued_call, customer):
    heard(queued_call, "CHANNEL_ANSWER", 1)
    call_event_record(
        headers={
            "Event-Name": "CUSTOM",
            "Event-Subclass": "avmd::beep",
            "Unique-ID": str(queued_call.uuid),
            "Event-Sequence": "2",
        }
    )
    call_end_unseen(call=queued_call, after_absence=True)
    queued_call.refresh_from_db()
    assert (queued_call.outcome, queued_call.answered_by) == ("no_answer", "machine")
    customer.refresh_from_db()
    assert customer.answered_count == 0


def test_an_outcome_the_agent_recorded_and_an_earlier_flag_stand(queued_call):
    heard(queued_call, "CHANNEL_ANSWER", 1)
    Call.objects.filter(pk=queued_call.pk).update(
        outcome=Call.Outcome.CALLBACK, flagged=True, flag_reason="Longer than 600 s: hung up."
    )
    call_end_unseen(call=queued_call, after_absence=True)
    queued_call.refresh_from_db()
    assert queued_call.outcome == "callback"
    assert queued_call.flag_reason == f"Longer than 600 s: hung up. {ENDED_WHILE_AWAY}"


def test_an_end_heard_meanwhile_wins(queued_call):
    heard(queued_call, "CHANNEL_ANSWER", 1)
    stale = Call.objects.get(pk=queued_call.pk)
    heard(queued_call, "CHANNEL_HANGUP_COMPLETE", 2)
    assert call_end_unseen(call=stale, after_absence=True) == 0
    queued_call.refresh_from_db()
    assert (queued_call.flagged, queued_call.hangup_cause) == (False, "NORMAL_CLEARING")


def test_an_end_whose_follow_up_never_ran_is_followed_up_once(queued_call, customer):
    ended_at = timezone.now() - dt.timedelta(minutes=1)
    Call.objects.filter(pk=queued_call.pk).update(  # the end committed; the listener died before the follow-up
        status=Call.Status.ENDED, outcome=Call.Outcome.NO_ANSWER, ended_at=ended_at
    )
    assert call_follow_ups_complete() == 1
    assert QueueEntry.objects.get(pk=queued_call.queue_entry_id).status == "done"
    assert QueueEntry.objects.filter(customer=customer, reason="retry").count() == 1
    customer.refresh_from_db()
    assert (customer.attempt_count, customer.last_outcome) == (1, "no_answer")
    assert call_follow_ups_complete() == 0  # nothing left to do
    assert QueueEntry.objects.filter(customer=customer, reason="retry").count() == 1
