"""Reviewing a call on its page: staff correct what it came to (the agent's outcome stays beside it), rate the
call or one turn and write what the agent should have said; the page links the appointment it booked."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from agent.models import Feedback
from calendars.models import Appointment
from calls.models import Call, Turn
from tests.conftest import client_for


def ended_call(office, customer, outcome="do_not_call") -> Call:
    call = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended",
                               outcome=outcome, billsec=40)  # fmt: skip
    Turn.objects.create(call=call, index=0, speaker="agent", text="Is this Maria?", started_ms=500)
    Turn.objects.create(call=call, index=1, speaker="callee", text="Please stop calling", started_ms=2500)
    return call


def test_staff_correct_the_outcome_and_the_agents_stays(colleague, office, customer):
    call = ended_call(office, customer)
    client = client_for(colleague)
    client.post(reverse("calls:outcome_correct", args=[call.uuid]), {"outcome": "declined"})
    call.refresh_from_db()
    assert (call.outcome, call.reviewed_outcome, call.final_outcome) == ("do_not_call", "declined", "declined")
    assert call.reviewed_by == colleague
    page = client.get(reverse("calls:detail", args=[call.uuid])).text
    assert 'Declined <span class="muted">(corrected by bob@north.example' in page
    assert "the agent said: Asked not to be called" in page
    client.post(reverse("calls:outcome_correct", args=[call.uuid]), {"outcome": ""})  # back to the agent's
    call.refresh_from_db()
    assert call.reviewed_outcome == "" and call.final_outcome == "do_not_call"


def test_an_outcome_cannot_be_made_up_or_set_on_a_call_still_going(colleague, office, customer):
    call = ended_call(office, customer)
    answer = client_for(colleague).post(
        reverse("calls:outcome_correct", args=[call.uuid]), {"outcome": "won"}, follow=True
    )
    assert "&#x27;won&#x27; is not an outcome." in answer.text
    Call.objects.filter(pk=call.pk).update(status="answered")
    answer = client_for(colleague).post(
        reverse("calls:outcome_correct", args=[call.uuid]), {"outcome": "booked"}, follow=True
    )
    assert "has not ended yet" in answer.text
    call.refresh_from_db()
    assert call.reviewed_outcome == ""


def test_staff_rate_a_turn_and_say_what_the_agent_should_have_said(colleague, office, customer):
    call = ended_call(office, customer)
    client = client_for(colleague)
    client.post(
        reverse("feedback:add", args=[call.uuid]),
        {"rating": "bad", "turn": "1", "comment": "An opt-out", "suggested_reply": "I'll take you off our list."},
    )
    feedback = Feedback.objects.get()
    assert (feedback.turn.index, feedback.rating, feedback.author) == (1, "bad", colleague)
    page = client.get(reverse("calls:detail", args=[call.uuid])).text
    assert "Should have said:</em> I&#x27;ll take you off our list." in page
    refused = client.post(reverse("feedback:add", args=[call.uuid]), {"rating": "meh"}, follow=True)
    assert "Choose “Good” or “Needs work”." in refused.text and Feedback.objects.count() == 1


def test_another_office_can_neither_correct_nor_rate(outsider, office, customer):
    call = ended_call(office, customer)
    assert (
        client_for(outsider).post(reverse("calls:outcome_correct", args=[call.uuid]), {"outcome": "booked"}).status_code
        == 404
    )
    assert client_for(outsider).post(reverse("feedback:add", args=[call.uuid]), {"rating": "good"}).status_code == 404


def test_the_page_links_the_appointment_and_each_turns_place_in_the_recording(
    colleague, office, customer, settings, tmp_path
):
    from calls.services import call_recording_save

    call = ended_call(office, customer, outcome="booked")
    settings.RECORDINGS_DIR = tmp_path
    call_recording_save(call_id=call.uuid, wav=b"RIFF\x24\x00\x00\x00WAVE" + bytes(32))
    Appointment.objects.create(office=office, customer=customer, source_call_uuid=call.uuid, title="Annual review",
                               starts_at=dt.datetime(2027, 1, 7, 19, tzinfo=dt.UTC),
                               ends_at=dt.datetime(2027, 1, 7, 19, 30, tzinfo=dt.UTC))  # fmt: skip
    page = client_for(colleague).get(reverse("calls:detail", args=[call.uuid])).text
    assert 'href="/calendar/?week=2027-01-07"' in page and "Annual review" in page
    assert 'data-seek-ms="2500">0:02</button>' in page and "call_review.js" in page
