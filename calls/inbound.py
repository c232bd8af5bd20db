"""Calls people make to the office: a call the switch answers on the office's caller-ID number (the public
dialplan answers and parks it, `deploy/freeswitch/dialplan/public.xml`) becomes an inbound Call the moment its
first event is heard — keyed by the switch's own uuid, the customer found by the calling number (none when we
do not know it) — and is forked to the agent like an answered outbound call. A message an unknown caller leaves
reaches staff as an alert.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid as uuidlib

import phonenumbers
from django.db import IntegrityError, transaction

from calls.alert_models import Alert
from calls.models import Call
from customers.models import Customer
from issetter.models import Office

log = logging.getLogger(__name__)

OPENING_EVENTS = ("CHANNEL_CREATE", "CHANNEL_ANSWER")


def inbound_call_open(*, headers: dict[str, str], call_id: uuidlib.UUID, now: dt.datetime) -> Call | None:
    """The inbound Call for an event of a channel we have no call for yet (None: not an inbound call to one of
    our offices' numbers). Runs inside the event's transaction; a second event finds the call made by the first."""
    if headers.get("Call-Direction") != "inbound" or headers.get("Event-Name") not in OPENING_EVENTS:
        return None
    office = office_for_number(headers.get("Caller-Destination-Number", ""))
    if office is None:
        return None
    caller = e164_of(headers.get("Caller-Caller-ID-Number", ""), office.phone_region)
    customer = Customer.objects.filter(office=office, phone=caller).first() if caller else None
    try:
        with transaction.atomic():
            call = Call.objects.create(
                uuid=call_id,
                office=office,
                customer=customer,
                direction=Call.Direction.INBOUND,
                to_number=office.caller_id_number,
                from_number=caller[:16],
                status=Call.Status.RINGING,
                job_uuid="",
                originated_at=now,
                ringing_at=now,
                last_event_at=now,
            )
    except IntegrityError:  # made meanwhile by another event of the same channel
        return Call.objects.select_for_update().filter(pk=call_id).first()
    log.info("inbound call %s from %s to %s (%s)", call.uuid, caller or "an unknown number", office.slug,
             customer or "not a customer")  # fmt: skip
    return Call.objects.select_for_update().get(pk=call.pk)


def office_for_number(number: str) -> Office | None:
    """The office whose caller-ID number was called (the number as the switch gives it, in any format)."""
    wanted = e164_of(number, "US")
    if not wanted:
        return None
    return Office.objects.filter(caller_id_number=wanted).first()


def e164_of(number: str, region: str) -> str:
    """A number as the switch or a caller ID gives it ("2025550100", "+1 202 555 0100") in E.164, or ""."""
    text = number.strip()
    if not text or not any(char.isdigit() for char in text):
        return ""
    try:
        parsed = phonenumbers.parse(text, region or "US")
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def caller_message_record(*, call_id, message: str) -> Alert | None:
    """A caller we do not know left a message: staff get an alert with it and the number to call back."""
    call = Call.objects.select_related("office").filter(pk=call_id).first()
    if call is None or not message.strip():
        return None
    Call.objects.filter(pk=call.pk).update(outcome=Call.Outcome.MESSAGE_TAKEN)
    who = call.customer.full_name if call.customer_id else f"An unknown caller ({call.from_number or 'no caller ID'})"
    return Alert.objects.create(
        office=call.office,
        customer=call.customer,
        call=call,
        kind=Alert.Kind.CALLER_MESSAGE,
        message=f"{who} called and left a message: “{message.strip()}”"[:500],
    )
