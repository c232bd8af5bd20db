"""Inbound calls as the switch reports them: the first event of a channel someone placed to an office's number
makes the inbound Call (the switch's uuid, the customer by the calling number), also while we are calling that
same person; a call to a number that is no office's makes nothing."""

import uuid

import pytest

from calls.call_events import call_event_record
from calls.models import Call


def inbound(name: str, channel: str, *, caller: str, dialed: str, sequence: int = 1) -> dict[str, str]:
    return {
        "Event-Name": name,
        "Event-Sequence": str(sequence),
        "Unique-ID": channel,
        "Call-Direction": "inbound",
        "Caller-Caller-ID-Number": caller,
        "Caller-Destination-Number": dialed,
    }


@pytest.mark.django_db
def test_a_customer_calling_in_while_we_call_them_gets_an_inbound_call_of_their_own(office, customer):
    outbound = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ringing")
    channel = str(uuid.uuid4())
    dialed = office.caller_id_number.removeprefix("+1")  # the trunk gives the number in its own format
    created = call_event_record(headers=inbound("CHANNEL_CREATE", channel, caller=customer.phone, dialed=dialed))
    answered = call_event_record(
        headers=inbound("CHANNEL_ANSWER", channel, caller=customer.phone, dialed=dialed, sequence=2)
    )
    call = Call.objects.get(pk=channel)
    assert (call.direction, call.customer, call.from_number, call.office) == (
        "inbound",
        customer,
        customer.phone,
        office,
    )
    assert created.call.pk == answered.call.pk and answered.answered_now and call.status == Call.Status.ANSWERED
    outbound.refresh_from_db()
    assert outbound.status == "ringing"  # both go on


@pytest.mark.django_db
def test_an_unknown_caller_has_no_customer_and_a_call_to_no_offices_number_is_not_ours(office):
    stranger = str(uuid.uuid4())
    call_event_record(
        headers=inbound("CHANNEL_CREATE", stranger, caller="+13105550177", dialed=office.caller_id_number)
    )
    assert Call.objects.get(pk=stranger).customer is None
    elsewhere = str(uuid.uuid4())
    assert (
        call_event_record(headers=inbound("CHANNEL_ANSWER", elsewhere, caller="+13105550177", dialed="+19995550000"))
        is None
    )
    assert not Call.objects.filter(pk=elsewhere).exists()
