"""The two errors that hurt people, in the scripted policy with the real tools (the clock pinned to Tuesday
24 November 2026, 08:00 in New York): nothing is booked that the callee did not accept, and an opt-out is
heard in every state of the call — do-not-call written before the goodbye."""

from pathlib import Path

import pytest
import yaml

from agent.dialogue.policy import Wait
from agent.dialogue.policy_hearing import KEYS_YES_NO
from agent.dialogue.understanding import GUESSED
from calendars.models import Appointment
from calls.models import Call
from customers.models import DoNotCallEntry
from tests.agent.test_dialogue import ended, said

TUNING = yaml.safe_load((Path(__file__).resolve().parents[2] / "agent/speech/phrasings.yaml").read_text())
OPT_OUTS = TUNING["intents"]["opt_out"]

# every test here on the calendar's short time limits (tests/conftest.py), as when it imported them autouse
pytestmark = pytest.mark.usefixtures("short_limits")


# How to bring a call to each state, from the greeting
STATES = {
    "waiting_hello": [],
    "identify": ["Hello?"],
    "offer": ["Hello?", "Yes, speaking."],
    "confirm": ["Hello?", "Yes, speaking.", "Thursday afternoon please", "the one after lunch"],
    "not_available": ["Hello?", "No."],
    "holding": ["Hello?", "Yes, speaking.", "Hold on a second."],
    "confirm_opt_out": ["Hello?", "Yes, speaking.", "Why do you keep calling me?"],
    "confirm_intent": ["Hello?", ("you have the wrong number", GUESSED)],  # "Did you say I have the wrong number?"
}


def hear(policy, words):
    """Words as typed, or (words, confidence) as the recogniser gave them."""
    return policy.heard(*words) if isinstance(words, tuple) else policy.heard(words)


def test_the_tuning_table_has_at_least_25_ways_to_opt_out():
    assert len(OPT_OUTS) >= 25


@pytest.mark.parametrize("state", STATES)
def test_an_opt_out_is_heard_in_every_state(agent, customer, state):
    for words in OPT_OUTS:
        DoNotCallEntry.objects.all().delete()
        policy = agent()
        for before in STATES[state]:
            hear(policy, before)
        assert policy.state == state, (state, policy.state)
        actions = policy.heard(words)
        assert ended(actions) == "do_not_call", (state, words, said(actions))
        assert DoNotCallEntry.objects.filter(phone=customer.phone).exists(), (state, words)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("state", STATES)
def test_pressing_9_stops_our_calls_in_every_state(agent, customer, state):
    """The key-press opt-out (64.1200(b)(3)): never misheard, whatever was being asked."""
    policy = agent()
    for before in STATES[state]:
        hear(policy, before)
    actions = policy.pressed("9")
    assert ended(actions) == "do_not_call", (state, said(actions))
    assert DoNotCallEntry.objects.filter(phone=customer.phone).exists() and not Appointment.objects.exists()


def test_where_hearing_failed_1_is_yes_and_2_is_no_and_a_key_books_only_what_was_asked(agent):
    """Asked about one time after two answers it could not hear ("… Press 1 for yes, or 2 for no."): 2 offers
    the other times, a key for one of them books it; 1 to "Did you say I have the wrong number?" is a yes."""
    policy = agent()
    for words in STATES["offer"]:
        policy.heard(words)
    first, *others = policy.offered
    policy.heard("mumble mumble", confidence=0.9)
    assert said(policy.heard("mumble", confidence=0.9)).endswith(KEYS_YES_NO)
    assert said(policy.pressed("2")) == f"No problem. Would {policy._options(others)} work instead?"
    assert not Appointment.objects.exists()
    assert ended(policy.pressed("2")) == "booked" and Appointment.objects.get().starts_at == others[1]
    policy = agent()
    policy.heard("Hello?")
    policy.heard("you have the wrong number", confidence=GUESSED)
    assert ended(policy.pressed("1")) == "wrong_person"


def test_a_key_that_means_nothing_where_it_was_pressed_is_not_taken_for_a_yes(agent):
    policy = agent()
    for words in STATES["confirm"]:
        policy.heard(words)
    actions = policy.pressed("7")
    assert ended(actions) is None and "didn't quite catch" in said(actions)
    assert not Appointment.objects.exists()
    policy = agent()
    for words in STATES["offer"]:
        policy.heard(words)
    assert "didn't quite catch" in said(policy.pressed("#")) and policy.state == "offer"


def test_words_that_may_be_an_opt_out_are_asked_about_and_a_yes_is_honoured(agent, customer):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    assert said(policy.heard("Ugh, why do you people keep calling?")) == (
        "I'm sorry to bother you. Would you like us to stop calling you?"
    )
    assert not DoNotCallEntry.objects.exists()
    assert ended(policy.heard("Yes.")) == "do_not_call" and DoNotCallEntry.objects.filter(phone=customer.phone).exists()


def test_silence_after_the_opt_out_question_gets_the_question_again_not_the_times(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    policy.heard("Leave me alone.")
    assert said(policy.silence()) == f"Sorry, should we stop calling this number? {KEYS_YES_NO}"


@pytest.mark.parametrize("answer", ["yeah no", ("no", GUESSED), "mm", "Hello?"])
def test_an_answer_to_the_opt_out_question_not_heard_clearly_gets_it_again_then_is_honoured(agent, customer, answer):
    """A "Yes." to "Would you like us to stop calling you?" came back from the phone line as "yeah no": taken
    for a no, the person was called again. Only a no heard clearly goes back to the times."""
    policy = agent()
    for words in STATES["confirm_opt_out"]:
        policy.heard(words)
    assert said(hear(policy, answer)) == f"Sorry, should we stop calling this number? {KEYS_YES_NO}"
    assert not DoNotCallEntry.objects.exists() and policy.state == "confirm_opt_out"
    assert ended(hear(policy, answer)) == "do_not_call" and DoNotCallEntry.objects.filter(phone=customer.phone).exists()


def test_a_key_answers_the_opt_out_question_asked_again(agent):
    policy = agent()
    for words in STATES["confirm_opt_out"]:
        policy.heard(words)
    policy.heard("no", GUESSED)
    assert "Would today at" in said(policy.pressed("2")) and not DoNotCallEntry.objects.exists()


def test_a_long_guess_with_a_yeah_in_it_is_no_yes_to_is_this(agent):
    """The open search's "yeah hi your the not look all great" was "Yeah, hi. Please just take me off your
    call list.": no times are offered on it; a short guessed yes still goes on."""
    policy = agent()
    policy.heard("Hello?")
    answer = said(policy.heard("yeah hi your the not look all great", GUESSED))
    assert answer.startswith("Sorry, I didn't quite catch that.") and not policy.offered
    assert said(policy.heard("yeah speaking", GUESSED)).startswith("I'm calling to set up")


def test_a_no_to_the_opt_out_question_goes_back_to_the_times(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    policy.heard("Leave me alone.")
    answer = said(policy.heard("No, it's fine."))
    assert "Would today at" in answer and not DoNotCallEntry.objects.exists()


@pytest.mark.parametrize(
    "vague", ["That works.", "Yes, that one.", "Correct.", "Sure, any of those is fine.", "Yeah okay."]
)
def test_a_bare_yes_to_several_times_books_nothing_and_asks_which(agent, vague):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    answer = said(policy.heard(vague))
    assert answer.startswith("Which one would you like:") and not Appointment.objects.exists()


def test_a_time_recognised_without_confidence_is_read_back_and_booked_only_on_a_clear_yes(agent, call):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    answer = said(policy.heard("the second one please", confidence=0.3))
    assert answer.startswith("Just to confirm, tomorrow at") and answer.endswith("Shall I book it?")
    assert not Appointment.objects.exists()
    assert said(policy.heard("yes", confidence=0.2)).startswith("Sorry, was that a yes for")
    assert not Appointment.objects.exists()
    assert ended(policy.heard("yes please", confidence=0.9)) == "booked"
    assert Appointment.objects.get(source_call_uuid=call.uuid)


def test_a_time_heard_with_confidence_and_picked_outright_is_booked_and_said_back(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    actions = policy.heard("the second one please", confidence=0.8)
    assert ended(actions) == "booked" and said(actions).startswith("You're all set for tomorrow at")


@pytest.mark.parametrize("first_words", ["Hello, this is Maria.", "Yeah.", "This is he, at nine.", "Yes, nine works"])
def test_nothing_said_before_the_times_are_offered_books(agent, first_words):
    """The reported wrong booking: Dana's "Hello, this is Dana." / "Yeah." heard as "(hello)" / "this is he
    at nine" booked tomorrow 9 AM. A time before the purpose and the times were said is never booked."""
    policy = agent()
    policy.heard("Hello?")
    answer = said(policy.heard(first_words))
    assert "Which time works best" in answer and not Appointment.objects.exists()


def test_a_refused_time_is_never_taken_for_a_choice(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    answer = said(policy.heard("Tomorrow at noon doesn't work for me."))
    assert not Appointment.objects.exists() and "tomorrow at noon" not in answer.lower()


def test_next_tuesday_said_on_a_tuesday_is_next_week(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    actions = policy.heard("Next Tuesday at four.")
    assert ended(actions) == "booked" and "Tuesday, December 1 at 4 PM" in said(actions)


def test_tuesday_said_on_a_tuesday_is_read_back(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    answer = said(policy.heard("Tuesday at four."))
    assert answer.endswith("Shall I book it?") and not Appointment.objects.exists()


def test_hold_on_waits_quietly_then_goes_on_where_it_was(agent):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    actions = policy.heard("Hold on a second, let me turn the TV down.")
    assert said(actions) == "Sure, take your time." and isinstance(actions[-1], Wait)
    assert all(isinstance(action, Wait) for action in policy.silence())  # quiet while they are away
    assert said(policy.heard("Okay, I'm back.")).startswith("No problem. Would today at")


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Is this a robot?", "Yes, I'm Ava, an automated assistant"),
        ("Am I talking to a real person?", "Yes, I'm Ava, an automated assistant"),
        ("What is this about?", "annual review"),
        ("How did you get my number?", "on file with North Insurance"),
        ("Who is this?", "This is Ava, an automated assistant"),
        ("What?", "Hi, this is Ava"),
    ],
)
def test_the_common_questions_get_an_honest_answer_and_the_question_again(agent, question, answer):
    policy = agent()
    policy.heard("Hello?")
    reply = said(policy.heard(question))
    assert answer in reply and (reply.endswith("Is this Maria?") or reply.endswith("Am I speaking with Maria?"))


def test_a_calendar_that_does_not_answer_in_time_gets_the_time_held_and_said_so(
    agent,
    call,
    settings,
    microsoft,
    outlook,
    short_limits,
):
    microsoft.hold_next("*", "/v1.0/me", times=20)  # Graph silent: neither the live check nor the create answers
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    actions = policy.heard("The first one please.")
    assert ended(actions) == "booked" and "I'm holding" in said(actions) and "will confirm it" in said(actions)
    assert Appointment.objects.get(source_call_uuid=call.uuid).provider_error


def test_a_guessed_opt_out_is_asked_about_and_a_guessed_time_read_back(agent, customer):
    """Words from the recogniser's open search (GUESSED confidence) never opt out or book by themselves."""
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    assert said(policy.heard("take me off your list", confidence=GUESSED)).endswith("stop calling you?")
    assert not DoNotCallEntry.objects.exists()
    policy.heard("no", confidence=0.9)
    assert said(policy.heard("the second one", confidence=GUESSED)).endswith("Shall I book it?")
    assert not Appointment.objects.exists()


def test_hanging_up_on_the_opt_out_question_counts_as_a_yes(agent, customer):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Leave me alone.")
    assert policy.hung_up() and DoNotCallEntry.objects.filter(phone=customer.phone).exists()


def test_the_last_thing_i_need_is_no_pick_and_a_pick_inside_a_long_answer_is_read_back(agent):
    """A blind held-out caller's "this is the last thing I need" was booked as "the last" time on offer."""
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    policy.heard("Look, I'm running a business here, this is the last thing I need.")
    assert not Appointment.objects.exists()
    answer = said(policy.heard("Well I suppose if I had to pick one I would go for the second one of those I guess"))
    assert answer.endswith("Shall I book it?") and not Appointment.objects.exists()


@pytest.mark.parametrize(
    "words",
    [
        "Ten-thirty tomorrow? Sure, let me just teleport. How about Thursday instead?",
        "Tomorrow at noon or maybe Thursday",
        "Not tomorrow at noon, Thursday",
        "Tomorrow at noon but Thursday would be better",
        "Yes nope can you do tomorrow at noon",  # "Yeah, no, can you just stop calling? Thanks." misheard
    ],
)
def test_a_pick_said_with_another_time_or_a_but_is_never_booked_outright(agent, words):
    """A blind held-out caller's sarcastic "Ten-thirty today? Sure, let me just teleport. How about Thursday
    instead?" was booked for today at 10:30: a pick said beside "or", "but", "instead", "not" or a second day
    is read back (or another time looked for), never booked on the spot."""
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    answer = said(policy.heard(words, confidence=0.9))
    assert not Appointment.objects.exists() and not answer.startswith("You're all set")


def test_an_opt_out_question_left_unanswered_twice_is_honoured(agent, customer):
    policy = agent()
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    policy.heard("Leave me alone.")
    policy.silence()
    actions = policy.silence()
    assert ended(actions) == "do_not_call" and DoNotCallEntry.objects.filter(phone=customer.phone).exists()


@pytest.mark.parametrize(
    ("words", "asked", "outcome"),
    [
        ("call me back later", "Did you say you'd like us to call back another time?", "callback"),
        ("oh you have the wrong", "Did you say I have the wrong number?", "wrong_person"),
        ("not interested", "Did you say you're not interested?", "declined"),
        ("I already have one", "Did you say you already have an appointment?", "declined"),
        ("she's not home", "Did you say Maria can't come to the phone right now?", None),  # then: a better time?
        ("can I talk to a real person", "Did you say you'd like to speak with someone from the office?", "callback"),
    ],
)
def test_words_only_guessed_never_end_the_call_they_are_asked_about(agent, words, asked, outcome):
    """A misheard "Oh, you have the wrong number" (the open search's guess) was answered "Sorry, I didn't
    quite catch that. Am I speaking with Dana?", and the person, who had said it, said nothing more: words
    only guessed never end a call, but a yes or a no to a question about them is easy to hear."""
    for answer in ("No.", "Yes."):
        policy = agent()
        policy.heard("Hello?")
        actions = policy.heard(words, confidence=GUESSED)
        assert ended(actions) is None and said(actions) == f"Sorry, I may have misheard. {asked} {KEYS_YES_NO}"
        assert said(policy.silence()) == f"Are you still there? {asked}"
        actions = policy.heard(answer, confidence=0.9)
        if answer == "No.":
            assert ended(actions) is None and said(actions) == "Sorry about that. Am I speaking with Maria?"
        else:
            assert ended(actions) == outcome, said(actions)


def test_a_guessed_yes_ends_the_call_only_where_staff_call_back(agent, customer):
    """A yes the recogniser only guessed ("Yes, that's right." heard as "yeah that i") to "Did you say I
    have the wrong number?" gets the question again; to "… call back another time?" it is enough: staff
    call back, and nothing is lost if it was misheard."""
    policy = agent()
    policy.heard("Hello?")
    policy.heard("wrong number", confidence=GUESSED)
    actions = policy.heard("yeah that i", confidence=GUESSED)
    assert ended(actions) is None
    assert said(actions) == "Sorry, I didn't quite catch that. Did you say I have the wrong number?"
    assert not Call.objects.filter(outcome=Call.Outcome.WRONG_PERSON).exists()
    assert ended(policy.heard("Yes.", confidence=0.8)) == "wrong_person"
    policy = agent()
    policy.heard("Hello?")
    policy.heard("can you call me back", confidence=GUESSED)
    assert ended(policy.heard("yeah that i", confidence=GUESSED)) == "callback"


def test_the_first_one_said_to_a_read_back_of_one_time_books_nothing_of_the_earlier_list(agent):
    """A suite caller asked for "something in the morning"; the one morning time on offer was read back, the
    caller said "the first one" — and the agent booked the first of the earlier times, in the afternoon."""
    policy = agent()
    for words in STATES["confirm"]:
        policy.heard(words)
    assert policy.state == "confirm" and policy.pending is not None
    pending = policy.pending
    answer = said(policy.heard("The first one."))
    assert not Appointment.objects.exists() and answer == f"Sorry, was that a yes for {policy._spoken(pending)}?"
    assert ended(policy.heard("Yes.")) == "booked" and Appointment.objects.get().starts_at == pending


def test_after_two_answers_it_could_not_hear_it_asks_about_one_time_and_books_only_on_a_yes(agent):
    """Heard through a phone line, a pick among three times was often lost where a yes or a no was not: the
    last try before giving up asks about one time, and only a clear yes to it books."""
    for answer in ("Yes, that works.", "No."):
        Appointment.objects.all().delete()
        policy = agent()
        for words in STATES["offer"]:
            policy.heard(words)
        first, *others = policy.offered
        assert "didn't quite catch" in said(policy.heard("mumble mumble", confidence=0.9))
        asked = said(policy.heard("mumble", confidence=0.9))
        assert asked == (
            f"Sorry, I'm having trouble hearing you. Would {policy._spoken(first)} work for you? {KEYS_YES_NO}"
        )
        assert not Appointment.objects.exists()
        actions = policy.heard(answer, confidence=0.9)
        if answer == "No.":
            assert not Appointment.objects.exists() and said(actions) == (
                f"No problem. Would {policy._options(others)} work instead?"
            )
        else:
            assert ended(actions) == "booked" and Appointment.objects.get().starts_at == first
