"""Keys the callee presses, through the whole system in text mode: Phonify sends the switch's DTMF event, the
listener passes the key to the agent over the call's fork, and the agent acts on it. Pressing 9 stops our
calls at any moment (the key-press opt-out of 64.1200(b)(3)), even while the agent is still talking; where
the agent could not hear a pick among the times, a key picks one."""

import pytest

from calendars.models import Appointment
from calls.models import Call, CallEvent, DialRun
from customers.models import DoNotCallEntry
from phonify.personas import personas_load
from tests.agent.whole_system import dial_all, whole_system

PEOPLE = """
personas:
  - name: kim
    number: "+12025550171"
    first_name: Kim
    turns:
      - press: "9"
  - name: lee
    number: "+12025550172"
    first_name: Lee
    turns:
      - say: "Yes, speaking."
      - press: "2"
        after_hearing: ["which time"]
  - name: max
    number: "+12025550173"
    first_name: Max
    presses_keys: true
    accepts: {offer: 1}
    turns:
      - say: "Yes, speaking."
      - say: "Bananas are yellow."
        after_hearing: ["which time"]
      - say: "The weather is nice."
"""


@pytest.fixture
def calling(settings, office, script, colleague, tmp_path):
    people = tmp_path / "people.yaml"
    people.write_text(PEOPLE)
    with whole_system(settings, office, script, list(personas_load(people).values())):
        yield


@pytest.mark.django_db(transaction=True)
def test_9_stops_our_calls_and_a_key_picks_an_offered_time(calling, office):
    run = dial_all(office, seconds=60)
    assert run.status == DialRun.Status.COMPLETED

    kim = Call.objects.get(customer__first_name="Kim")
    assert kim.outcome == Call.Outcome.DO_NOT_CALL
    assert DoNotCallEntry.objects.filter(office=office, phone="+12025550171").exists()
    assert [event.headers["DTMF-Digit"] for event in CallEvent.objects.filter(call=kim, name="DTMF")] == ["9"]
    kim_turns = list(kim.turns.order_by("index").values_list("speaker", "text"))
    assert ("callee", "(pressed 9)") in kim_turns and "won't get any more calls" in kim_turns[-1][1]

    lee = Call.objects.get(customer__first_name="Lee")
    assert lee.outcome == Call.Outcome.BOOKED
    offered = lee.turns.filter(speaker="agent", text__contains="Which time").get().text
    assert Appointment.objects.filter(source_call_uuid=lee.uuid).count() == 1
    assert lee.turns.filter(speaker="callee", text="(pressed 2)").exists()
    said_back = lee.turns.filter(speaker="agent").order_by("-index").first().text
    times = offered.split(" I have ")[1].split(". Which time")[0].replace(" or ", ", ").split(", ")
    assert said_back.startswith(f"You're all set for {times[1]}.")  # the second time offered, said back


@pytest.mark.django_db(transaction=True)
def test_a_person_who_presses_keys_answers_the_one_time_asked_about_after_two_answers_not_heard(calling, office):
    dial_all(office, seconds=60)
    max_ = Call.objects.get(customer__first_name="Max")
    turns = list(max_.turns.order_by("index").values_list("speaker", "text"))
    asked = next(text for speaker, text in turns if "trouble hearing you" in text)
    assert asked.endswith("Press 1 for yes, or 2 for no.")
    assert ("callee", "(pressed 1)") in turns and max_.outcome == Call.Outcome.BOOKED
    one_time = asked.split("Would ")[1].split(" work for you?")[0]
    assert turns[-1][1].startswith(f"You're all set for {one_time}.")
