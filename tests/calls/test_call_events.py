"""The call state machine fed events directly, as the switch may send them: repeated, out of order,
refused before a channel existed, and not ours."""

import datetime as dt
import uuid

import pytest

from calls.call_events import call_event_record
from calls.models import Call, CallEvent, QueueEntry


def event(call, name, sequence, **headers):
    return {"Event-Name": name, "Unique-ID": str(call.uuid), "Event-Sequence": str(sequence), **headers}


def hangup_complete(call, sequence, cause="NORMAL_CLEARING", answered=True):
    return event(
        call,
        "CHANNEL_HANGUP_COMPLETE",
        sequence,
        **{
            "Hangup-Cause": cause,
            "variable_hangup_cause": cause,
            "variable_hangup_cause_q850": "16",
            "variable_answer_uepoch": "1795528800000000" if answered else "0",
            "variable_end_uepoch": "1795528830000000",
            "variable_duration": "34",
            "variable_billsec": "30" if answered else "0",
        },
    )


@pytest.fixture
def dialing_call(call):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DIALING, job_uuid=str(call.uuid))
    call.refresh_from_db()
    return call


def test_a_replayed_event_changes_nothing(dialing_call):
    answer = event(dialing_call, "CHANNEL_ANSWER", 5)
    assert call_event_record(headers=answer).answered_now
    replay = call_event_record(headers=answer)  # the same event again (a reconnect replay)
    assert not replay.answered_now and not replay.changed
    assert CallEvent.objects.filter(call=dialing_call).count() == 1


def test_a_status_never_moves_backwards(dialing_call):
    call_event_record(headers=event(dialing_call, "CHANNEL_ANSWER", 5))
    call_event_record(headers=event(dialing_call, "CHANNEL_PROGRESS", 3))  # late, out of order
    dialing_call.refresh_from_db()
    assert dialing_call.status == Call.Status.ANSWERED


def test_the_end_applies_once_even_if_events_come_after_it(dialing_call, customer):
    first = call_event_record(headers=hangup_complete(dialing_call, 9))
    assert first.ended_now
    late_answer = call_event_record(headers=event(dialing_call, "CHANNEL_ANSWER", 5))
    assert not late_answer.answered_now  # the call is over: no agent is started for it
    late_job = call_event_record(
        headers={"Event-Name": "BACKGROUND_JOB", "Job-UUID": str(dialing_call.uuid), "Event-Sequence": "10"},
        body=f"+OK {dialing_call.uuid}\n",
    )
    assert not late_job.ended_now
    dialing_call.refresh_from_db()
    customer.refresh_from_db()
    assert (dialing_call.status, dialing_call.outcome, dialing_call.billsec) == ("ended", "hung_up", 30)
    assert customer.attempt_count == 1  # the profile counted the call once


def test_an_originate_refused_before_any_channel_ends_the_call(dialing_call, office, customer):
    entry = QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.CALLING)
    Call.objects.filter(pk=dialing_call.pk).update(queue_entry=entry)
    applied = call_event_record(
        headers={"Event-Name": "BACKGROUND_JOB", "Job-UUID": str(dialing_call.uuid), "Event-Sequence": "3"},
        body="-ERR GATEWAY_DOWN\n",
    )
    assert applied.ended_now
    dialing_call.refresh_from_db()
    entry.refresh_from_db()
    assert (dialing_call.outcome, dialing_call.hangup_cause) == ("failed", "GATEWAY_DOWN")
    assert entry.status == QueueEntry.Status.DONE
    assert QueueEntry.objects.filter(customer=customer, reason="retry").exists()  # failed: retried once


def test_a_beep_marks_a_machine_and_a_message_makes_it_a_voicemail(dialing_call):
    call_event_record(headers=event(dialing_call, "CHANNEL_ANSWER", 5))
    call_event_record(headers=event(dialing_call, "CUSTOM", 6, **{"Event-Subclass": "avmd::beep"}))
    Call.objects.filter(pk=dialing_call.pk).update(voicemail_message="Hi Maria, this is Ava …")
    call_event_record(headers=hangup_complete(dialing_call, 9))
    dialing_call.refresh_from_db()
    assert (dialing_call.answered_by, dialing_call.outcome) == ("machine", "voicemail_left")
    assert dialing_call.beep_detected_at is not None


def test_events_of_channels_that_are_not_ours_are_ignored(db):
    assert call_event_record(headers={"Event-Name": "CHANNEL_ANSWER", "Unique-ID": str(uuid.uuid4())}) is None
    assert call_event_record(headers={"Event-Name": "CHANNEL_ANSWER", "Unique-ID": "not-a-uuid"}) is None
    assert call_event_record(headers={"Event-Name": "HEARTBEAT"}) is None


def test_a_booking_made_before_the_line_dropped_still_makes_the_call_booked(dialing_call, customer, colleague):
    """The agent records "booked" when the booking succeeds (the listener reads no calendar at hangup)."""
    from calendars.booking import appointment_book
    from calendars.services import booking_calendar_of
    from calls.call_record import call_booked_record

    Call.objects.filter(pk=dialing_call.pk).update(status=Call.Status.ANSWERED, answered_at=dialing_call.created_at)
    start = dt.datetime(2030, 1, 8, 15, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in New York
    calendar = booking_calendar_of(office=dialing_call.office, user=colleague)
    booked = appointment_book(
        account=calendar,
        customer=customer,
        starts_at=start,
        call_uuid=dialing_call.uuid,
        now=start - dt.timedelta(days=1),
    )
    assert booked.booked
    call_booked_record(call_id=dialing_call.pk)
    call_event_record(headers=hangup_complete(dialing_call, 9))  # the callee hung up before the agent's goodbye
    dialing_call.refresh_from_db()
    customer.refresh_from_db()
    assert dialing_call.outcome == Call.Outcome.BOOKED and customer.last_outcome == "booked"


def test_a_replayed_hangup_finishes_a_follow_up_the_database_cut_short(dialing_call, office, customer):
    """The listener re-applies an event after the database went away. When the hangup itself had committed
    but the connection dropped before its follow-up did, the replay must still close the queue entry (and
    queue the retry), or the customer stays `calling` for good."""
    entry = QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.CALLING)
    Call.objects.filter(pk=dialing_call.pk).update(queue_entry=entry)
    hangup = hangup_complete(dialing_call, 9, cause="NO_ANSWER", answered=False)
    call_event_record(headers=hangup)
    # what a drop between the hangup's commit and its follow-up's leaves: the call ended, its entry calling
    QueueEntry.objects.filter(customer=customer, reason="retry").delete()
    QueueEntry.objects.filter(pk=entry.pk).update(status=QueueEntry.Status.CALLING)

    replay = call_event_record(headers=hangup)

    assert not replay.ended_now  # the end itself is applied once
    entry.refresh_from_db()
    assert entry.status == QueueEntry.Status.DONE
    assert QueueEntry.objects.filter(customer=customer, reason="retry").count() == 1
    again = call_event_record(headers=hangup)  # and a further replay changes nothing
    assert not again.changed
    assert QueueEntry.objects.filter(customer=customer, reason="retry").count() == 1


def fork_ended(call, sequence, subclass="mod_audio_fork::disconnect"):
    return event(call, "CUSTOM", sequence, **{"Event-Subclass": subclass})


def test_a_fork_that_ends_without_the_agents_goodbye_flags_the_call_and_it_ends_failed(dialing_call, customer):
    call_event_record(headers=event(dialing_call, "CHANNEL_ANSWER", 5))
    lost = call_event_record(headers=fork_ended(dialing_call, 6))  # no body: the connection dropped
    assert lost.agent_lost
    call_event_record(headers=hangup_complete(dialing_call, 9, cause="NORMAL_TEMPORARY_FAILURE"))  # the listener's
    dialing_call.refresh_from_db()
    assert (dialing_call.outcome, dialing_call.flagged) == ("failed", True)
    assert dialing_call.flag_reason.startswith("The agent stopped in the middle of the call")
    assert QueueEntry.objects.filter(customer=customer, reason="retry").exists()  # failed: retried once


def test_the_agents_goodbye_or_a_call_put_through_to_a_person_is_not_a_lost_agent(dialing_call):
    call_event_record(headers=event(dialing_call, "CHANNEL_ANSWER", 5))
    goodbye = call_event_record(headers=fork_ended(dialing_call, 6), body='{"reason":"goodbye"}')
    assert not goodbye.agent_lost
    Call.objects.filter(pk=dialing_call.pk).update(outcome=Call.Outcome.TRANSFERRED)
    assert not call_event_record(headers=fork_ended(dialing_call, 7)).agent_lost  # the call goes on with a person
    assert not call_event_record(headers=fork_ended(dialing_call, 8, "mod_audio_fork::connect_failed")).agent_lost
    dialing_call.refresh_from_db()
    assert not dialing_call.flagged


def test_an_agent_that_cannot_be_reached_flags_the_answered_call(dialing_call):
    assert not call_event_record(headers=fork_ended(dialing_call, 4, "mod_audio_fork::connect_failed")).agent_lost
    call_event_record(headers=event(dialing_call, "CHANNEL_ANSWER", 5))  # (only an answered call is forked)
    assert call_event_record(headers=fork_ended(dialing_call, 6, "mod_audio_fork::connect_failed")).agent_lost
    dialing_call.refresh_from_db()
    assert dialing_call.flag_reason.startswith("The agent could not be reached when the call was answered")
