"""The scripted dialogue on a call, in text, with the real tools (calendar, callbacks, do-not-call) and the
clock pinned to Tuesday 24 November 2026, 08:00 in New York: each branch ends with the right outcome, and
nothing unclear is ever booked."""

import datetime as dt

from agent.dialogue.policy import Hangup, Say, Transfer
from agent.speech.tts import sentences_of
from calendars.models import Appointment
from calls.models import QueueEntry
from customers.models import DoNotCallEntry
from tests.agent.conftest import NEW_YORK, NOW


def said(actions) -> str:
    return " ".join(action.text for action in actions if isinstance(action, Say))


def ended(actions) -> str | None:
    return next((action.outcome for action in actions if isinstance(action, Hangup)), None)


def test_maria_books_thursday_afternoon(agent, call):
    policy = agent()
    greeting = said(policy.heard("Hello?"))
    assert "automated assistant" in greeting and "North Insurance" in greeting and "Is this Maria?" in greeting
    offer = said(policy.heard("Yes, speaking."))
    assert "annual review" in offer and "Which time works best" in offer
    thursday = said(policy.heard("Thursday afternoon works for me."))
    assert thursday.startswith("I have Thursday, November 26 at") and "Which one" in thursday
    closing = policy.heard("The second one please.")
    assert ended(closing) == "booked" and "You're all set for Thursday, November 26 at" in said(closing)
    appointment = Appointment.objects.get(source_call_uuid=call.uuid)
    local = appointment.starts_at.astimezone(NEW_YORK)
    assert local.weekday() == 3 and 12 <= local.hour < 17
    assert appointment.source == Appointment.Source.AGENT and appointment.appointment_type == "annual review"


def test_their_own_time_is_booked_when_free_and_the_nearest_offered_when_not(agent, call):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes")
    assert ended(policy.heard("Is Thursday at 2 free?")) == "booked"
    assert Appointment.objects.get().starts_at == dt.datetime(2026, 11, 26, 14, 0, tzinfo=NEW_YORK)


def test_a_taken_time_gets_the_nearest_free_ones(agent, office, colleague, customer):
    from calendars.booking import appointment_book
    from calendars.services import booking_calendar_of
    from customers.models import Customer

    other = Customer.objects.create(office=office, first_name="Ken", phone="+12025550177")
    appointment_book(
        account=booking_calendar_of(office=office, user=None), customer=other,
        starts_at=dt.datetime(2026, 11, 26, 14, 0, tzinfo=NEW_YORK), now=NOW,
    )  # fmt: skip
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes")
    answer = said(policy.heard("Thursday at 2?"))
    assert "isn't free" in answer and "Thursday, November 26 at 2:30 PM" in answer
    assert ended(policy.heard("the first one")) == "booked"


def test_people_called_at_once_are_offered_different_times_and_none_hears_taken(agent, office, script, customer):
    """Every call of a run books into the same calendar: each is offered times the others do not have on
    offer, so two callees who both pick the first one both get it."""
    from agent.dialogue.policy import ScriptedPolicy
    from agent.script_lines import lines_for
    from agent.tools import CallTools
    from calls.models import Call
    from customers.models import Customer

    def called(first_name: str, phone: str):
        person = Customer.objects.create(office=office, first_name=first_name, phone=phone)
        on_call = Call.objects.create(office=office, customer=person, to_number=phone)
        tools = CallTools(call=on_call, script=script, clock=lambda: NOW)
        return ScriptedPolicy(lines=lines_for(script=script, customer=person, office=office), tools=tools)

    policies = [agent(), called("Ken", "+12025550177"), called("Ada", "+12025550178")]
    offered = []
    for policy in policies:
        policy.heard("Hello?")
        said(policy.heard("Yes, speaking."))
        offered.append(set(policy.offered))
    assert all(len(times) == 3 for times in offered)
    assert not (offered[0] & offered[1]) and not (offered[0] & offered[2]) and not (offered[1] & offered[2])
    for policy in policies:
        closing = policy.heard("The first one, please.")
        assert ended(closing) == "booked" and "just taken" not in said(closing)
    assert Appointment.objects.count() == 3


def test_a_calendar_that_cannot_be_used_is_never_called_taken(agent, office, customer):
    """The calendar needs reconnecting by the time they pick: they are told the truth, and staff get a
    callback to book it with them."""
    from calendars.models import CalendarAccount

    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    CalendarAccount.objects.update(status=CalendarAccount.Status.NEEDS_RECONNECT)
    closing = policy.heard("The first one, please.")
    assert ended(closing) == "callback" and "just taken" not in said(closing)
    assert "can't book that in our calendar right now" in said(closing)
    assert not Appointment.objects.exists()
    assert QueueEntry.objects.filter(customer=customer, reason=QueueEntry.Reason.CALLBACK).exists()


def test_susan_is_not_interested(agent):
    policy = agent()
    policy.heard("Susan speaking.")
    policy.heard("Yes, this is Susan.")
    assert ended(policy.heard("No thanks, I'm not interested.")) == "declined"
    assert not Appointment.objects.exists()


def test_stop_calling_puts_the_number_on_the_do_not_call_list_at_once(agent, customer):
    policy = agent()
    policy.heard("Hello?")
    actions = policy.heard("Take me off your list.")
    assert ended(actions) == "do_not_call" and "won't get any more calls" in said(actions)
    customer.refresh_from_db()
    assert customer.do_not_call
    assert DoNotCallEntry.objects.get(phone=customer.phone).source == DoNotCallEntry.Source.CALL


def test_a_wrong_number_ends_the_call_and_nothing_calls_it_again(agent, customer, call):
    policy = agent()
    policy.heard("Hello?")
    actions = policy.heard("No, you have the wrong number.")
    assert ended(actions) == "wrong_person" and "better time" not in said(actions)
    call.refresh_from_db()
    assert call.outcome == "wrong_person"
    assert not QueueEntry.objects.filter(customer=customer, status=QueueEntry.Status.WAITING).exists()


def test_someone_not_at_home_gets_a_callback_at_the_time_said(agent, customer):
    policy = agent()
    policy.heard("Hello?")
    actions = policy.heard("She's not home right now. Can you try again tomorrow at 3?")
    assert ended(actions) == "callback" and "tomorrow at 3 PM" in said(actions)
    entry = QueueEntry.objects.get(customer=customer, reason=QueueEntry.Reason.CALLBACK)
    assert entry.due_at == dt.datetime(2026, 11, 25, 15, 0, tzinfo=NEW_YORK)


def test_call_me_back_later_schedules_a_callback(agent, customer):
    policy = agent()
    policy.heard("Hello?")
    actions = policy.heard("I'm driving, call me back tomorrow morning")
    assert ended(actions) == "callback" and "tomorrow at 10 AM" in said(actions)
    assert QueueEntry.objects.get(customer=customer, reason=QueueEntry.Reason.CALLBACK).due_at == dt.datetime(
        2026, 11, 25, 10, 0, tzinfo=NEW_YORK
    )


def test_what_is_unclear_is_asked_again_and_never_booked(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes")
    assert "didn't quite catch" in said(policy.heard("the weather is lovely"))
    assert "having trouble hearing you" in said(policy.heard("bananas"))  # one time, for a yes or a no
    assert ended(policy.heard("mm")) == "callback"
    assert not Appointment.objects.exists()


def test_silence_gets_a_greeting_two_prompts_then_a_polite_goodbye(agent):
    policy = agent()
    assert "Is this Maria?" in said(policy.silence())  # picked up and said nothing
    assert "Are you still there?" in said(policy.silence())
    assert "Are you still there?" in said(policy.silence())
    actions = policy.silence()
    assert "Goodbye" in said(actions) and ended(actions) == ""


def test_a_machine_gets_the_voicemail_message_once(agent, office):
    policy = agent()
    actions = policy.machine()
    assert said(actions) == (
        "Hi Maria, this is Ava calling from North Insurance office to set an appointment. "
        "Please call us back at 202-555-0143."
    )
    assert ended(actions) == "voicemail_left" and policy.voicemail_message == said(actions)
    assert policy.machine() == [] and policy.heard("hello?") == []


def test_asking_for_a_person_transfers_when_the_script_has_a_number(agent):
    policy = agent(transfer_number="+12025550100")
    policy.heard("Hello?")
    actions = policy.heard("Can I speak to a real person?")
    assert Transfer("+12025550100") in actions and policy.outcome == "transferred"
    without = agent(transfer_number="")
    without.heard("Hello?")
    assert ended(without.heard("I want a real person")) == "callback"


def test_who_is_this_is_answered_and_the_question_asked_again(agent):
    policy = agent()
    policy.heard("Hello?")
    answer = said(policy.heard("Who is this?"))
    assert answer == "This is Ava, an automated assistant calling for North Insurance. Am I speaking with Maria?"
    assert said(policy.heard("Can you repeat that?")) == answer


def test_the_replies_said_most_start_with_a_sentence_made_while_the_phone_rang(agent):
    """A re-ask, the stop question, a goodbye: each starts with one of the policy's openings, whose audio the
    session makes before the call is answered, so the callee does not wait for the voice on these turns."""

    def opening(actions) -> str:
        first = sentences_of(said(actions))[0]
        assert first in policy.openings, first
        return first

    policy = agent()
    policy.heard("Hello?")
    assert opening(policy.heard("the weather is lovely")) == "Sorry, I didn't quite catch that."
    assert opening(policy.heard("Leave me alone.")) == "I'm sorry to bother you."
    assert opening(policy.heard("mm")) == "Sorry, should we stop calling this number?"
    assert opening(policy.heard("Yes.")) == "Understood."
    policy = agent()
    policy.heard("Hello?")
    assert opening(policy.silence()) == "Are you still there?"
    assert opening(policy.heard("She's not home right now.")) == "No problem."
    assert opening(policy.heard("Try tomorrow morning.")) == "Of course."


def test_a_clear_question_the_script_cannot_answer_goes_to_the_speech_model_where_the_script_lets_it(agent):
    from agent.dialogue.actions import ModelAnswer
    from agent.dialogue.model_answers import ANSWERS_PER_CALL

    policy = agent()
    policy.heard("Hello?")
    assert policy.heard("Can I bring my wife?", 0.9)[0].text.startswith("Sorry, I didn't quite catch that")
    policy = agent()
    policy.speech_model_answers = True
    policy.heard("Hello?")
    answer = policy.heard("Can I bring my wife?", 0.9)
    assert answer == [ModelAnswer(fallback=f"Sorry, I didn't quite catch that. {answer[0].then}", then=answer[0].then)]
    assert "Maria" in answer[0].then or "speaking with" in answer[0].then
    assert not isinstance(policy.heard("Do I bring my", 0.3)[0], ModelAnswer)  # only guessed: asked again
    assert not isinstance(policy.heard("blue monkey", 0.9)[0], ModelAnswer)  # no question
    assert not isinstance(policy.heard("What is this about?", 0.9)[0], ModelAnswer)  # the script's own answer
    for _ in range(ANSWERS_PER_CALL):
        policy.heard("Why is the sky blue?", 0.9)
    assert not any(isinstance(action, ModelAnswer) for action in policy.heard("How long does it take?", 0.9))


def test_the_speech_models_words_are_stopped_where_they_touch_times_bookings_or_opt_outs():
    from agent.dialogue.model_answers import model_words_allowed

    assert model_words_allowed("Yes, of course, your wife is welcome to come along.")
    assert model_words_allowed("")
    for refused in (
        "Sure, see you Thursday.", "We could do 3 PM.", "I've booked that for you.", "Let me cancel it.",
        "How about tomorrow morning?", "It takes about thirty minutes.", "I will stop calling you.",
        "word " * 60,
    ):  # fmt: skip
        assert not model_words_allowed(refused), refused


def test_the_third_one_still_counts_in_the_three_offered_after_the_first_was_turned_down(agent, call):
    """Three times offered, the first read back and turned down, two left: "the third one" means the third
    they heard — read back before anything is booked."""
    policy = agent()
    policy.heard("Hello?")
    offer = said(policy.heard("Yes, speaking."))
    assert "Which time works best" in offer
    assert "Shall I book it?" in said(policy.heard("Today, I guess."))
    assert "work instead?" in said(policy.heard("No, that doesn't work."))
    third = policy.offered[-1]
    read_back = said(policy.heard("The third one please."))
    assert read_back.startswith("Just to confirm") and not Appointment.objects.exists()
    assert ended(policy.heard("Yes.")) == "booked"
    assert Appointment.objects.get().starts_at == third
