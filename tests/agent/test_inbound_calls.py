"""Calls people make to the office, through the whole system in text mode: Phonify places an inbound call from
a persona to the office's caller-ID number, the listener makes it an inbound Call and forks it to the agent.
A customer known by their number is greeted by name and books; a caller we do not know leaves a message that
reaches staff as an alert; an inbound call may come while we are calling the same person."""

import time

import pytest
from django.urls import reverse

from calendars.models import Appointment
from calls.alert_models import Alert
from calls.models import Call
from customers.models import Customer, DoNotCallEntry
from phonify.personas import Persona, Turn
from tests.agent.whole_system import whole_system
from tests.conftest import client_for

MARIA = Persona(
    name="maria-calls-back", number="+12025550143", first_name="Maria", greeting="",
    turns=(Turn(say="Hi, I missed a call from you."), Turn(say="The second one, please.")),
)  # fmt: skip
STRANGER = Persona(
    name="stranger", number="+13105550177", greeting="",
    turns=(Turn(say="Hi, this is Pat Green. I'd like a quote for home insurance, please call me back."),),
)  # fmt: skip
QUITTER = Persona(name="quitter", number="+13105550178", greeting="", turns=(Turn(say="Take me off your list."),))


def call_in(runner, persona: Persona, office) -> Call:
    """The persona calls the office; returns its Call once the agent is done with it."""
    uuid = runner.call(runner.switch.call_in(persona.number, office.caller_id_number))
    channel = runner.switch.channels[uuid]
    assert channel.settled.wait(30), "the inbound call did not end"
    call = Call.objects.get(pk=uuid)
    for _ in range(50):  # the end's follow-up lands a moment after the switch is done
        call.refresh_from_db()
        if call.status == Call.Status.ENDED:
            break
        time.sleep(0.1)
    return call


@pytest.fixture
def line(settings, office, script):
    with whole_system(settings, office, script, [MARIA, STRANGER, QUITTER]) as runner:
        # whole_system made every persona a customer and queued them: the stranger and the quitter are not ours
        Customer.objects.filter(phone__in=[STRANGER.number, QUITTER.number]).delete()
        yield runner


@pytest.mark.django_db(transaction=True)
def test_a_customer_who_calls_back_is_greeted_by_name_and_books(line, office, supervisor):
    call = call_in(line, MARIA, office)
    assert (call.direction, call.customer.first_name, call.from_number) == ("inbound", "Maria", MARIA.number)
    assert call.outcome == Call.Outcome.BOOKED
    turns = list(call.turns.order_by("index").values_list("speaker", "text"))
    assert turns[0][0] == "agent" and "Thank you for calling North Insurance" in turns[0][1]
    assert "Hi Maria" in turns[0][1] and "I have" in turns[0][1]
    assert turns[1] == ("callee", "Hi, I missed a call from you.")
    assert turns[2][1].startswith("Yes, we were trying to reach you")  # "you called me": why, and the times again
    appointment = Appointment.objects.get(source_call_uuid=call.uuid)
    assert appointment.customer == call.customer
    profile = client_for(supervisor).get(reverse("customers:detail", args=[call.customer.pk])).content.decode()
    assert "They called us" in profile and "Booked" in profile


@pytest.mark.django_db(transaction=True)
def test_a_caller_we_do_not_know_leaves_a_message_for_staff(line, office, supervisor):
    call = call_in(line, STRANGER, office)
    assert (call.direction, call.customer, call.outcome) == ("inbound", None, Call.Outcome.MESSAGE_TAKEN)
    first = call.turns.order_by("index").first()
    assert "No one from the office can take your call" in first.text
    (alert,) = Alert.objects.filter(kind=Alert.Kind.CALLER_MESSAGE)
    assert STRANGER.number in alert.message and "quote for home insurance" in alert.message
    client = client_for(supervisor)
    assert "quote for home insurance" in client.get(reverse("calls:alert_list")).content.decode()
    page = client.get(reverse("calls:detail", args=[call.uuid])).content.decode()
    assert "Pat Green" in page  # the transcript keeps the message too


@pytest.mark.django_db(transaction=True)
def test_an_unknown_caller_who_opts_out_is_put_on_the_do_not_call_list(line, office):
    call = call_in(line, QUITTER, office)
    assert call.outcome == Call.Outcome.DO_NOT_CALL
    assert DoNotCallEntry.objects.filter(office=office, phone=QUITTER.number).exists()


@pytest.mark.django_db(transaction=True)
def test_a_call_to_a_number_that_is_no_offices_is_not_ours_and_is_hung_up(line, office):
    uuid = line.call(line.switch.call_in(MARIA.number, "+19995550000"))
    channel = line.switch.channels[uuid]
    assert channel.settled.wait(10), "nobody hung up the call to a number that is no office's"
    assert channel.hangup_cause == "UNALLOCATED_NUMBER"
    assert not Call.objects.filter(pk=uuid).exists()
