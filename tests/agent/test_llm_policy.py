"""The language-model dialogue policy against a local OpenAI-compatible endpoint that checks every request,
with the real tools and the clock pinned to Tuesday 24 November 2026, 08:00 in New York (as in
test_dialogue): the model's reading of described times books through the scripted states; opt-outs never
wait for it; every kind of model failure falls back to the phrase rules and the call goes on; what the model
"chooses" is still checked by the tools; the API key is never logged."""

import datetime as dt
import logging
import time
import zoneinfo

import pytest

from agent.dialogue import choice
from agent.dialogue.llm_policy import LanguageModelPolicy
from agent.dialogue.policy import Hangup, Say, ScriptedPolicy
from calendars.models import Appointment
from customers.models import DoNotCallEntry
from tests.agent.fake_chat import KEY, Answer
from tests.calendars.fakes.server import Reply

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=NEW_YORK)
THURSDAY_NOON = dt.datetime(2026, 11, 26, 12, 0, tzinfo=NEW_YORK)
THURSDAY_AFTER_LUNCH = dt.datetime(2026, 11, 26, 13, 30, tzinfo=NEW_YORK)


@pytest.fixture
def agent(agent, configured):
    """The policy with the dialogue "Language model interprets" (other script fields may be set too)."""
    return lambda **script_fields: agent(**{"dialogue_policy": "llm", **script_fields})


def said(actions) -> str:
    return " ".join(action.text for action in actions if isinstance(action, Say))


def ended(actions) -> str | None:
    return next((action.outcome for action in actions if isinstance(action, Hangup)), None)


def offering_thursday_afternoon(policy, chat) -> None:
    """Maria is greeted, says yes, and asks for Thursday afternoon: noon and 1:30 PM are offered."""
    policy.heard("Hello?")
    assert "Which time works best" in said(policy.heard("Yes, speaking."))
    chat.answer({"intent": "choose", "weekday": "thursday", "part_of_day": "afternoon"})
    assert "I have Thursday, November 26 at noon or Thursday, November 26 at 1:30 PM" in said(
        policy.heard("Thursday afternoon works for me.")
    )
    assert policy.offered == [THURSDAY_NOON, THURSDAY_AFTER_LUNCH]


def test_the_offered_time_the_model_picks_out_of_a_description_is_read_back_and_booked_on_a_yes(agent, chat, call):
    policy = agent()
    assert isinstance(policy, LanguageModelPolicy)
    offering_thursday_afternoon(policy, chat)
    chat.answer({"intent": "choose", "choice_index": 1})
    actions = policy.heard("uh, the one after lunch on thursday would do")
    assert ended(actions) is None and "Thursday, November 26 at 1:30 PM. Shall I book it?" in said(actions)
    assert not Appointment.objects.exists()  # never because the model says so
    actions = policy.heard("Yes please.")
    assert ended(actions) == "booked" and "You're all set for Thursday, November 26 at 1:30 PM" in said(actions)
    assert Appointment.objects.get(source_call_uuid=call.uuid).starts_at == THURSDAY_AFTER_LUNCH
    assert chat.answered_ok() and len(chat.requests) == 2  # "Hello?" and "Yes" needed no model
    prompt = chat.prompts()[-1]
    assert '"uh, the one after lunch on thursday would do"' in prompt
    assert "0: Thursday 26 November, 12:00" in prompt and "1: Thursday 26 November, 13:30" in prompt
    assert "Customer: Thursday afternoon works for me." in prompt  # the conversation so far
    assert "Assistant: I have Thursday, November 26 at noon" in prompt


def test_the_same_words_without_the_model_are_read_back_not_booked(agent, configured, forget_warnings):
    configured.LLM_BASE_URL = ""
    scripted = agent()
    assert isinstance(scripted, ScriptedPolicy)
    scripted.heard("Hello?")
    scripted.heard("Yes")
    scripted.heard("Thursday afternoon works for me.")
    answer = said(scripted.heard("uh, the one after lunch on thursday would do"))
    assert "Thursday, November 26 at 1:30 PM. Shall I book it?" in answer  # the rules' own reading, read back
    assert not Appointment.objects.exists()


def test_an_opt_out_is_honoured_without_asking_the_model_whatever_it_would_say(agent, chat, customer):
    policy = agent(opt_out_phrases=["leave me be"])
    offering_thursday_afternoon(policy, chat)
    asked = len(chat.requests)
    chat.answer({"intent": "yes", "choice_index": 0})
    actions = policy.heard("Yes, the first one. No wait, leave me be.")
    assert ended(actions) == "do_not_call" and "won't get any more calls" in said(actions)
    assert len(chat.requests) == asked  # the model was never asked
    assert DoNotCallEntry.objects.get(phone=customer.phone).source == DoNotCallEntry.Source.CALL
    assert not Appointment.objects.exists()


FAILURES = {
    "an intent outside the list": Answer({"intent": "book_it_now", "choice_index": 1}),
    "a choice that is not on offer": Answer({"intent": "choose", "choice_index": 7}),
    "a negative choice": Answer({"intent": "choose", "choice_index": -1}),
    "an hour of 25": Answer({"intent": "choose", "weekday": "thursday", "hour": 25}),
    "arguments that are not JSON": Answer('{"intent": "choose", "choice_index": '),
    "another function": Answer({"intent": "choose", "choice_index": 1}, function="book"),
    "a server error": Answer(reply=Reply(500, {"error": {"message": "The server had an error"}})),
    "an answer without a function call": Answer(
        reply=Reply(200, {"choices": [{"index": 0, "message": {"role": "assistant", "content": "The second."}}]})
    ),
    "too slow an answer": Answer({"intent": "choose", "choice_index": 1}, delay=1.5),
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_a_model_failure_falls_back_to_the_phrase_rules_and_the_call_goes_on(
    agent, chat, configured, call, caplog, failure
):
    configured.LLM_TIMEOUT_SECONDS = 0.5
    policy = agent()
    offering_thursday_afternoon(policy, chat)
    chat.answer(failure)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="agent.dialogue.llm_policy"):
        actions = policy.heard("uh, the one after lunch on thursday would do")
    assert time.monotonic() - started < 1.4
    # The phrase rules' reading, read back: nothing booked, the call still open.
    assert "Thursday, November 26 at 1:30 PM. Shall I book it?" in said(actions) and ended(actions) is None
    assert not Appointment.objects.exists()
    assert "phrase rules' reading is used" in caplog.text
    assert ended(policy.heard("The second one please.")) == "booked"  # the rules alone are sure of this one
    assert Appointment.objects.get(source_call_uuid=call.uuid).starts_at == THURSDAY_AFTER_LUNCH


def test_a_time_the_model_chooses_is_still_checked_and_a_closed_saturday_is_not_booked(agent, chat):
    policy = agent()
    offering_thursday_afternoon(policy, chat)
    chat.answer({"intent": "choose", "weekday": "saturday", "hour": 15, "minute": 0})
    answer = said(policy.heard("hmm, how about the weekend, mid afternoon"))
    assert "Saturday, November 28 at 3 PM isn't free" in answer and "The nearest I have is" in answer
    assert policy.state == "offer" and not Appointment.objects.exists()
    assert chat.answered_ok()


def test_an_unclear_model_reading_keeps_the_rules_reading(agent, chat):
    policy = agent()
    offering_thursday_afternoon(policy, chat)
    chat.answer({"intent": "unclear"})
    assert "1:30 PM. Shall I book it?" in said(policy.heard("uh, the one after lunch on thursday"))
    chat.answer({"intent": "unclear"})
    assert "didn't quite catch" in said(policy.heard("the weather is lovely"))
    assert not Appointment.objects.exists() and chat.answered_ok()


def test_the_model_can_catch_an_opt_out_the_phrases_miss(agent, chat, customer):
    policy = agent()
    policy.heard("Hello?")
    chat.answer({"intent": "opt_out"})
    assert ended(policy.heard("Please never ring this number again.")) == "do_not_call"
    assert DoNotCallEntry.objects.filter(phone=customer.phone).exists()


def test_a_refused_key_is_never_logged_and_the_model_is_left_alone_for_the_rest_of_the_call(
    agent, chat, configured, caplog
):
    configured.LLM_API_KEY = "sk-live-wrong-0123456789abcdef"
    policy = agent()
    policy.heard("Hello?")
    with caplog.at_level(logging.DEBUG):
        assert "didn't quite catch" in said(policy.heard("mmhm, er"))  # the fake answers 401, quoting the key
        assert "didn't quite catch" in said(policy.heard("what"))
    assert [request.status for request in chat.requests] == [401]  # not asked again after a refusal
    assert chat.requests[0].bearer_token() == "sk-live-wrong-0123456789abcdef"
    assert "HTTP 401" in caplog.text and "Incorrect API key provided: [key]" in caplog.text
    assert "sk-live-wrong-0123456789abcdef" not in caplog.text and KEY not in caplog.text


def test_the_key_is_not_in_the_logs_of_a_working_call_either(agent, chat, caplog):
    policy = agent()
    with caplog.at_level(logging.DEBUG):
        offering_thursday_afternoon(policy, chat)
        chat.answer({"intent": "choose", "choice_index": 5})
        policy.heard("uh, the one after lunch on thursday")
    assert "choice_index 5 is outside 0–1" in caplog.text and KEY not in caplog.text
    assert KEY not in repr(policy.endpoint)


# ---- which policy a call gets ---------------------------------------------------------------------------------
@pytest.fixture
def forget_warnings():
    choice._told.clear()
    yield
    choice._told.clear()


def test_it_uses_the_scripted_policy_and_says_why_once_when_no_endpoint_is_configured(
    agent, configured, caplog, forget_warnings
):
    configured.LLM_BASE_URL = ""
    with caplog.at_level(logging.WARNING, logger="agent.dialogue.choice"):
        first, second = agent(), agent()
    assert isinstance(first, ScriptedPolicy) and isinstance(second, ScriptedPolicy)
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == [
        "Script 'Annual review' asks for the language model, but LLM_BASE_URL is not set: "
        "its calls use the scripted policy."
    ]


def test_it_needs_a_model_name_from_the_settings_or_the_script(agent, configured, chat, forget_warnings):
    configured.LLM_MODEL = ""
    assert isinstance(agent(), ScriptedPolicy)
    chat.model = "the-scripts-own-model"
    policy = agent(llm_model="the-scripts-own-model")
    assert isinstance(policy, LanguageModelPolicy)
    policy.heard("Hello?")
    chat.answer({"intent": "yes"})
    assert "Which time works best" in said(policy.heard("mmhm"))
    assert chat.requests[0].json["model"] == "the-scripts-own-model" and chat.answered_ok()


def test_a_scripted_script_gets_the_scripted_policy_even_with_a_model_configured(agent):
    assert isinstance(agent(dialogue_policy="scripted"), ScriptedPolicy)
    assert isinstance(agent(), LanguageModelPolicy)


def test_a_language_model_policy_leaves_the_voicemail_like_the_scripted_one(agent, chat):
    policy = agent()
    actions = policy.machine()
    assert ended(actions) == "voicemail_left" and policy.voicemail_message == said(actions)
    assert policy.outcome == "voicemail_left" and policy.state == "closed" and policy.heard("hello?") == []
    assert chat.requests == []


def test_a_key_pressed_on_a_language_model_call_is_answered_by_the_scripts_rules(agent, chat, customer):
    """9 stops our calls under either policy (the language model policy once had no answer to a key at all)."""
    policy = agent()
    policy.heard("Hello?")
    actions = policy.pressed("9")
    assert ended(actions) == "do_not_call"
    assert DoNotCallEntry.objects.filter(phone=customer.phone).exists()
    assert chat.requests == []  # a key needs no interpreting


FACTS = "Please bring your current policy papers.\nThe review takes about thirty minutes.\nSpouses are welcome."


def answered(text: str) -> Answer:
    return Answer({"known": True, "answer": text}, function="answer_question")


def test_with_the_model_speaking_a_question_the_script_cannot_answer_is_answered_from_its_facts(agent, chat):
    policy = agent(dialogue_policy="llm_speaks", facts=FACTS)
    assert isinstance(policy, LanguageModelPolicy) and policy.speaks
    policy.heard("Hello?")
    chat.answer({"intent": "unclear"}, answered("Yes, please bring your current policy papers."))
    (said,) = policy.heard("Do I need to bring anything?")
    assert said == Say("Yes, please bring your current policy papers. Am I speaking with Maria?")
    assert "Spouses are welcome." in chat.prompts()[-1] and "Do I need to bring anything?" in chat.prompts()[-1]
    chat.answer({"intent": "unclear"}, answered("It takes about thirty minutes."))
    assert policy.heard("How long will it take?")[0].text.startswith("It takes about thirty minutes.")  # stated
    assert chat.answered_ok()


@pytest.mark.parametrize(
    "answer",
    [
        Answer({"known": True, "answer": "Sure, come Thursday at 3 PM and I'll book it."}, function="answer_question"),
        Answer({"known": True, "answer": "You'll get a ten percent discount."}, function="answer_question"),
        Answer({"known": False, "answer": ""}, function="answer_question"),
        Answer({"known": "yes", "answer": "Bring papers."}, function="answer_question"),
        Answer(reply=Reply(500, {"error": {"message": "boom"}})),
        Answer({"known": True, "answer": "Papers."}, function="answer_question", delay=3.0),  # past the budget
    ],
    ids=["a time it invented", "a promise not in the facts", "not known", "malformed", "a server error", "late"],
)
def test_an_answer_the_facts_do_not_back_is_never_said(agent, chat, answer):
    from agent.dialogue.question_answers import NOT_IN_THE_FACTS

    policy = agent(dialogue_policy="llm_speaks", facts=FACTS)
    policy.heard("Hello?")
    chat.answer({"intent": "unclear"}, answer)
    started = time.monotonic()
    (said,) = policy.heard("Can I bring my husband?")
    assert said == Say(f"{NOT_IN_THE_FACTS} Am I speaking with Maria?")
    assert time.monotonic() - started < 2.0 + 1.5  # the budget (LLM_TIMEOUT_SECONDS), then the scripted line
    assert policy.state == "identify"  # the call goes on where it was


def test_the_interpreting_model_does_not_speak(agent, chat):
    policy = agent(facts=FACTS)  # dialogue "llm"
    policy.heard("Hello?")
    chat.answer({"intent": "unclear"})
    assert policy.heard("Do I need to bring anything?")[0].text.startswith("Sorry, I didn't quite catch that")
    assert len(chat.prompts()) == 1  # only the interpretation was asked


def text_reply(content: str) -> Reply:
    message = {"role": "assistant", "content": content}
    return Reply(200, {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": message}]})


@pytest.mark.parametrize(
    "content",
    [
        '{"known": true, "answer": "Please bring your current policy papers."}',
        '```json\n{"known": true, "answer": "Please bring your current policy papers."}\n```',
        '{"name": "answer_question", "arguments": {"known": true, "answer": "Please bring your current policy papers."}}',
    ],
    ids=["bare", "fenced", "a call written out"],
)
def test_an_engine_that_answers_the_function_as_json_text_is_understood_and_checked_the_same(agent, chat, content):
    policy = agent(dialogue_policy="llm_speaks", facts=FACTS)
    policy.heard("Hello?")
    chat.answer({"intent": "unclear"}, Answer(reply=text_reply(content)))
    assert policy.heard("Do I need to bring anything?")[0].text.startswith("Please bring your current policy papers.")
    chat.answer({"intent": "unclear"}, Answer(reply=text_reply('{"known": true, "answer": "Sure, Friday at 9."}')))
    assert policy.heard("Is there parking?")[0].text.startswith("I don't have that information")  # checked
