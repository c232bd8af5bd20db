"""Rules the database itself keeps for dialing, so no code path can break them."""

import pytest
from django.db import IntegrityError, transaction

from calls.models import Call, CallEvent, DialingPolicy, QueueEntry, Turn


def test_it_allows_one_open_queue_entry_per_customer(office, customer):
    QueueEntry.objects.create(office=office, customer=customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.CALLING)


def test_it_queues_a_customer_again_once_the_last_entry_is_done(office, customer):
    QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.DONE)
    QueueEntry.objects.create(office=office, customer=customer, status=QueueEntry.Status.REMOVED)
    again = QueueEntry.objects.create(office=office, customer=customer)
    assert again.status == QueueEntry.Status.WAITING


def test_it_keeps_a_replayed_switch_event_once(call):
    CallEvent.objects.create(call=call, name="CHANNEL_ANSWER", sequence=4711)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallEvent.objects.create(call=call, name="CHANNEL_ANSWER", sequence=4711)
    CallEvent.objects.create(call=call, name="CHANNEL_HANGUP", sequence=4712)
    assert call.events.count() == 2


def test_it_numbers_transcript_turns_once(call):
    Turn.objects.create(call=call, index=0, speaker=Turn.Speaker.AGENT, text="Hi, this is Ava.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Turn.objects.create(call=call, index=0, speaker=Turn.Speaker.CALLEE, text="Hello?")


def test_it_refuses_a_ring_timeout_under_fifteen_seconds(office):
    with pytest.raises(IntegrityError), transaction.atomic():
        DialingPolicy.objects.create(office=office, ring_timeout_seconds=10)


def test_it_keeps_the_call_record_when_someone_tries_to_delete_the_customer(call, customer):
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        customer.delete()
    assert Call.objects.filter(pk=call.pk).exists()


def test_it_deletes_a_whole_office_with_its_calls(office, call):
    office.delete()
    assert not Call.objects.exists()
