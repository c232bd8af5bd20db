"""Each call is summarised when it ends, from rules over its record: who answered, what it came to, the times
discussed, the objections, the follow-up and the mood — on the call, on the profile, and as filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calls.call_summary import call_summary_write
from calls.models import Call, Turn
from tests.conftest import client_for


def said(call, *lines):
    for index, (speaker, text, understood) in enumerate(lines):
        Turn.objects.create(call=call, index=index, speaker=speaker, text=text, understood=understood)


@pytest.fixture
def ended(office, customer):
    from django.utils import timezone

    return Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended",
                               answered_at=timezone.now(), answered_by="human", billsec=80)  # fmt: skip


def test_a_booking_after_an_objection(ended):
    Call.objects.filter(pk=ended.pk).update(outcome="booked")
    ended.refresh_from_db()
    said(
        ended,
        ("agent", "Is this Maria?", ""),
        ("callee", "Is this a robot?", "robot"),
        ("callee", "Thursday afternoon", "choose (thursday, afternoon)"),
        ("callee", "the second one", "choose (offer 2)"),
    )
    facts = call_summary_write(call=ended)
    assert facts["who"] == "Maria" and facts["outcome"] == "Booked" and facts["mood"] == "positive"
    assert facts["times_discussed"] == ["thursday, afternoon", "offer 2"]
    assert facts["objections"] == ["asked if it was a robot"]
    assert ended.summary == (
        "Maria; booked; times discussed: thursday, afternoon, offer 2; raised: asked if it was a robot; mood positive."
    )


def test_a_callback_and_a_refusal(ended, office, customer):
    Call.objects.filter(pk=ended.pk).update(outcome="callback")
    ended.refresh_from_db()
    said(ended, ("callee", "I'm busy, call me tomorrow at ten", "callback (tomorrow, 10:00)"))
    facts = call_summary_write(call=ended)
    assert facts["follow_up"] == "a call back (tomorrow, 10:00)" and facts["mood"] == "neutral"
    declined = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended",
                                   outcome="declined", answered_by="human", billsec=20)  # fmt: skip
    said(declined, ("callee", "Not interested", "not_interested"))
    assert call_summary_write(call=declined)["mood"] == "negative"


def test_it_is_written_when_the_call_ends_and_filters_the_list(colleague, office, customer):
    call = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended",
                               outcome="do_not_call", answered_by="human", billsec=15)  # fmt: skip
    said(call, ("callee", "Take me off your list", "opt_out"))
    from calls.call_record import call_agent_end_record

    call_agent_end_record(call_id=call.uuid, outcome="do_not_call")
    call.refresh_from_db()
    assert call.summary_facts["objections"] == ["asked not to be called"] and "mood negative" in call.summary
    client = client_for(colleague)
    assert [c.pk for c in client.get(reverse("calls:list"), {"mood": "negative"}).context["page"]] == [call.pk]
    listed = client.get(reverse("calls:list"), {"objection": "asked not to be called"}).context["page"]
    assert [c.pk for c in listed] == [call.pk]
    assert not list(client.get(reverse("calls:list"), {"objection": "not interested"}).context["page"])
    assert call.summary in client.get(reverse("customers:detail", args=[customer.pk])).text
